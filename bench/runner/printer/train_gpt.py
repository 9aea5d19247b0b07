"""Prints LINES Parameter-Golf-shaped step lines as fast as it can (runner per-line cost bench)."""
import os
import sys

n = int(os.environ.get("LINES", "200000"))
w = sys.stdout.write
for step in range(1, n + 1):
    w(f"step:{step}/{n} train_loss:2.1234 train_time:{step * 43}ms step_avg:43.54ms\n")
sys.stdout.flush()
print("final_int8_zlib_roundtrip_exact val_loss:1.00000000 val_bpb:1.00000000")
