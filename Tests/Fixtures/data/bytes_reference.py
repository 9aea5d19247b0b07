#!/usr/bin/env python3
"""Independent reference for Referee's byte count, using the `sentencepiece` package.

Usage: bytes_reference.py MODEL SHARD [SHARD ...]
Prints one JSON object: {"shards": [[tokens, targets, bytes], ...], "tokens": T, "targets": N, "bytes": B}.

The per-id rule is the one of Parameter Golf's baseline train_gpt.py (build_sentencepiece_luts),
written against the SentencePiece processor API, not against Referee's protobuf reader. Shards are
read with the standard library only (struct + array), so no numpy is needed.
"""
import array
import json
import struct
import sys

import sentencepiece as spm


def luts(sp):
    n = sp.vocab_size()
    base, space, boundary = [0] * n, [False] * n, [True] * n
    for i in range(n):
        if sp.is_control(i) or sp.is_unknown(i) or sp.is_unused(i):
            continue
        boundary[i] = False
        if sp.is_byte(i):
            base[i] = 1
            continue
        piece = sp.id_to_piece(i)
        if piece.startswith("\u2581"):
            space[i] = True
            piece = piece[1:]
        base[i] = len(piece.encode("utf-8"))
    return base, space, boundary


def read_shard(path):
    with open(path, "rb") as f:
        header = f.read(1024)
        magic, version, count = struct.unpack("<3i", header[:12])
        assert magic == 20240520 and version == 1, path
        tokens = array.array("H")
        tokens.frombytes(f.read())
        if sys.byteorder == "big":
            tokens.byteswap()
        assert len(tokens) == count, path
        return tokens


def main():
    sp = spm.SentencePieceProcessor(model_file=sys.argv[1])
    base, space, boundary = luts(sp)
    prev = None
    rows = []
    for path in sys.argv[2:]:
        tokens = read_shard(path)
        targets = nbytes = 0
        for t in tokens:
            if prev is not None:
                targets += 1
                nbytes += base[t] + (1 if space[t] and not boundary[prev] else 0)
            prev = t
        rows.append([len(tokens), targets, nbytes])
    print(json.dumps({
        "shards": rows,
        "tokens": sum(r[0] for r in rows),
        "targets": sum(r[1] for r in rows),
        "bytes": sum(r[2] for r in rows),
    }))


if __name__ == "__main__":
    main()
