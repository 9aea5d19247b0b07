#!/usr/bin/env python3
"""Reference byte count with numpy, the way Parameter Golf's baseline does it.

numpy_bytes.py MODEL SHARD [SHARD ...] -> prints "tokens targets bytes".
LUTs are built with the sentencepiece API (build_sentencepiece_luts of train_gpt.py); shards are
memory-mapped and counted in 16M-token chunks with vectorised gathers.
"""
import sys

import numpy as np
import sentencepiece as spm


def luts(sp):
    n = sp.vocab_size()
    base = np.zeros(n, dtype=np.uint8)
    space = np.zeros(n, dtype=bool)
    boundary = np.ones(n, dtype=bool)
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


def main():
    sp = spm.SentencePieceProcessor(model_file=sys.argv[1])
    base, space, boundary = luts(sp)
    total_tokens = total_bytes = 0
    prev = None
    for path in sys.argv[2:]:
        header = np.fromfile(path, dtype="<i4", count=256)
        assert header[0] == 20240520 and header[1] == 1
        tokens = np.memmap(path, dtype="<u2", mode="r", offset=1024, shape=(int(header[2]),))
        chunk = 1 << 24
        for start in range(0, len(tokens), chunk):
            t = np.asarray(tokens[start:start + chunk])  # uint16 indices: no widening copy
            if prev is None:
                p, tgt = t[:-1], t[1:]
            else:
                p, tgt = np.concatenate((np.array([prev], dtype=t.dtype), t[:-1])), t
            total_bytes += int(base[tgt].sum(dtype=np.int64)) + int(np.count_nonzero(space[tgt] & ~boundary[p]))
            prev = int(t[-1])
        total_tokens += len(tokens)
    print(total_tokens, max(0, total_tokens - 1), total_bytes)


if __name__ == "__main__":
    main()
