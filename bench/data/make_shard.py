#!/usr/bin/env python3
"""Writes a synthetic FineWeb shard: make_shard.py OUT NTOKENS VOCAB [SEED].

Tokens are uniform over [0, VOCAB) with a BOS (id 1) about every 1000 tokens, so the
leading-space rule's boundary case is exercised. Written in 16M-token chunks (bounded memory).
"""
import sys

import numpy as np


def main():
    out, n, vocab = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    header = np.zeros(256, dtype="<i4")
    header[:3] = [20240520, 1, n]
    with open(out, "wb") as f:
        f.write(header.tobytes())
        left = n
        while left:
            k = min(left, 1 << 24)
            tokens = rng.integers(0, vocab, size=k, dtype=np.uint16)
            tokens[rng.random(k) < 0.001] = 1
            f.write(tokens.astype("<u2").tobytes())
            left -= k


if __name__ == "__main__":
    main()
