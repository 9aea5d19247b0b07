"""Pools the pairs of several `eval_gpu.py interleaved` outputs (BENCHMARKS.md, "Autotrace").

    python3 bench/autotrace/pool_interleaved.py BENCH.txt [BENCH.txt ...]

Each file's first `interleaved eval wall seconds: plain median … (rounds…); autotrace median …
(rounds…)` line gives its rounds in order; round i of plain and round i of autotrace ran next to
each other, so they form a pair. Prints the number of pairs, the ratio of means with a bootstrap
95 % interval (10,000 resamples of the pairs, seed 1), and the median pair ratio. A file with no
such line, or with unequal round counts, is an error naming it (exit 2).
"""
import random
import re
import statistics
import sys

LINE = re.compile(r"plain median [\d.]+ \(([^)]*)\); autotrace median [\d.]+ \(([^)]*)\)")


def pairs_of(path):
    with open(path, encoding="utf-8") as f:
        match = LINE.search(f.read())
    if not match:
        raise ValueError(f"{path}: no 'interleaved eval wall seconds: plain median … autotrace median …' line")
    plain, traced = ([float(x) for x in group.split()] for group in match.groups())
    if len(plain) != len(traced) or not plain:
        raise ValueError(f"{path}: {len(plain)} plain rounds but {len(traced)} autotrace rounds")
    return list(zip(plain, traced))


def main(paths):
    try:
        pairs = [p for path in paths for p in pairs_of(path)]
    except (OSError, ValueError) as e:
        print(f"pool_interleaved: {e}", file=sys.stderr)
        return 2
    if not pairs:
        print("pool_interleaved: give at least one file", file=sys.stderr)
        return 2
    ratio = sum(a for _, a in pairs) / sum(p for p, _ in pairs)
    rng = random.Random(1)
    boot = sorted(
        sum(a for _, a in s) / sum(p for p, _ in s)
        for s in ([rng.choice(pairs) for _ in pairs] for _ in range(10_000))
    )
    median_pair = statistics.median(a / p for p, a in pairs)
    print(f"{len(pairs)} pairs from {len(paths)} file(s): ratio of means {ratio:.3f} "
          f"(bootstrap 95% interval {boot[250]:.3f}-{boot[9749]:.3f}); median pair ratio {median_pair:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
