#!/usr/bin/env python3
"""Cost of python/referee_probe.py's trace writer per event, on a temporary folder:
N score events after an eval_start phase (as an evaluation writes them), then eval_end.

    python3 bench/perf/trace_write.py [N=100000]
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import referee_probe  # noqa: E402

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
with tempfile.TemporaryDirectory() as d:
    t = referee_probe.Trace(d)
    t.phase("eval_start", val_tokens=10 * n + 1, world_size=1)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        t.score(1 + 10 * i, 11 + 10 * i, 12.345678 + i, 40, 0.9999999, 1.0000001)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    t.phase("eval_end")
    t.close()
    print("trace writer: %.2f us wall, %.2f us CPU per score event (%d events, %.3f s)"
          % (dt / n * 1e6, dc / n * 1e6, n, dt))
