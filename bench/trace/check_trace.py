#!/usr/bin/env python3
"""Independent reference for the trace-analysis benchmark (bench/perf/run.sh, BENCHMARKS.md).

    python3 bench/trace/check_trace.py TRACE_DIR

A plain Python checker written from docs/protocol.md, sharing no code with Referee: for each
rank<R>.jsonl it hashes every line (hashlib SHA-256), checks seq, rank and the prev chain, parses
the line (json.loads), then merges the ranks by time (heapq) and keeps the scored positions as
sorted disjoint ranges to find overlaps, out-of-order scores and updates that read unscored
positions, and finally the gaps of [1, val_tokens). Prints one summary line, which
bench/perf/run.sh compares with Referee's TraceFacts (lines, score/update events, Σ tokens,
chain breaks, overlaps, unscored reads, uncovered positions).
"""
import bisect, hashlib, heapq, json, os, re, sys


def rank_events(path, rank, counts):
    prev, expected = "0" * 64, 0
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip(b"\n")
            if line.endswith(b"\r"):
                line = line[:-1]
            counts["lines"] += 1
            digest = hashlib.sha256(line).hexdigest()
            try:
                ev = json.loads(line)
            except ValueError:
                counts["malformed"] += 1
                prev = digest
                continue
            if ev.get("seq") != expected or ev.get("prev", "").lower() != prev or ev.get("rank") != rank:
                counts["chain"] += 1
            expected = ev.get("seq", expected) + 1
            prev = digest
            yield (ev["t"], rank, number, ev)


def main(directory):
    names = sorted((int(m.group(1)), n) for n in os.listdir(directory)
                   if (m := re.fullmatch(r"rank(\d+)\.jsonl", n)))
    counts = dict(lines=0, malformed=0, chain=0, score=0, update=0, tokens=0, overlaps=0, order=0, unscored=0)
    starts, ends = [], []  # scored ranges, sorted, disjoint, non-adjacent
    last_end, val_tokens = {}, None
    streams = [rank_events(os.path.join(directory, n), r, counts) for r, n in names]
    for t, rank, number, ev in heapq.merge(*streams, key=lambda e: (e[0], e[1])):
        kind = ev.get("ev")
        if kind == "phase":
            val_tokens = ev.get("val_tokens", val_tokens)
        elif kind == "score":
            s, e = ev["start"], ev["end"]
            counts["score"] += 1
            counts["tokens"] += e - s
            if s < last_end.get(rank, s):
                counts["order"] += 1
            last_end[rank] = max(last_end.get(rank, 0), e)
            i = bisect.bisect_left(ends, s)          # first range ending at or after s
            j = bisect.bisect_right(starts, e)       # ranges starting at or before e touch
            lo, hi = s, e
            for k in range(i, j):
                if min(ends[k], e) > max(starts[k], s):
                    counts["overlaps"] += 1
                lo, hi = min(lo, starts[k]), max(hi, ends[k])
            starts[i:j], ends[i:j] = [lo], [hi]
        elif kind == "update":
            counts["update"] += 1
            s, e = ev["start"], ev["end"]
            i = bisect.bisect_right(starts, s) - 1
            if e > s and not (i >= 0 and starts[i] <= s and ends[i] >= e):
                counts["unscored"] += 1
    uncovered = 0
    if val_tokens is not None:
        cursor = 1
        for s, e in zip(starts, ends):
            if e <= 1:
                continue
            if s >= val_tokens:
                break
            uncovered += max(0, s - cursor)
            cursor = max(cursor, e)
        uncovered += max(0, val_tokens - cursor)
    print(" ".join(f"{k}={v}" for k, v in counts.items()) + f" uncovered={uncovered}")


if __name__ == "__main__":
    main(sys.argv[1])
