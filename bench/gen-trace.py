#!/usr/bin/env python3
"""Writes a large, honest, hash-chained trace for benchmarking the trace analysis.

    python3 bench/gen-trace.py EVENTS RANKS OUT_DIR

Each rank scores 4-token ranges of its slice of [1, N) and updates a cache from each range
right after scoring it (EVENTS score+update events in all, plus one eval_start per rank).
"""
import hashlib, json, os, sys

n_events, ranks, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
chunk = 4
per_rank = n_events // ranks // 2
N = 1 + per_rank * chunk * ranks
for r in range(ranks):
    prev, lines = "0" * 64, []

    def emit(obj):
        global prev
        obj.update({"v": 1, "seq": len(lines), "rank": r, "t": 1.7e9 + len(lines) * 1e-3 + r * 1e-4, "prev": prev})
        line = json.dumps(obj, sort_keys=True, separators=(",", ":"))
        lines.append(line)
        prev = hashlib.sha256(line.encode()).hexdigest()

    emit({"ev": "phase", "name": "eval_start", "val_tokens": N, "world_size": ranks})
    base = 1 + r * per_rank * chunk
    for k in range(per_rank):
        s = base + k * chunk
        emit({"ev": "score", "start": s, "end": s + chunk, "nll": 8.0, "bytes": 12, "psum_min": 0.99999, "psum_max": 1.00001})
        emit({"ev": "update", "kind": "cache", "start": s, "end": s + chunk})
    with open(os.path.join(out, "rank%d.jsonl" % r), "w") as f:
        f.write("\n".join(lines) + "\n")
