#!/usr/bin/env python3
"""Reference for the log-reading benchmark: a plain line-by-line Python regex script that finds
each appended run (a `seed:` header line) and its final score (the last `final_*` val_bpb line).
Prints one `seed val_bpb` line per run. Independent of Referee's code.

With --plain every line goes through the regexes (the reference of BENCHMARKS.md); without it,
cheap substring tests skip lines first (a faster Python, also reported).

    python3 bench/logs/final_scores.py [--plain] /tmp/big.log
"""
import re
import sys

SEED = re.compile(r"^(?:\d{9,11}\.\d+ )?seed[:=]\s*(\d+)")
FINAL = re.compile(r"^(?:\d{9,11}\.\d+ )?(final\S*) .*?\bval_bpb[:=]\s*(-?\d+(?:\.\d+)?)")

plain = sys.argv[1] == "--plain"
runs = []
with open(sys.argv[-1], encoding="utf-8", errors="replace") as f:
    if plain:
        for line in f:
            if m := SEED.match(line):
                runs.append([m.group(1), None])
            elif (m := FINAL.match(line)) and runs:
                runs[-1][1] = m.group(2)
    else:
        for line in f:
            if "seed" in line and (m := SEED.match(line)):
                runs.append([m.group(1), None])
            elif "val_bpb" in line and (m := FINAL.match(line)) and runs:
                runs[-1][1] = m.group(2)
for seed, bpb in runs:
    print(seed, bpb)
