#!/usr/bin/env python3
"""Writes a synthetic Parameter Golf training log of a given size (default 1 GB) for benchmarks.

The log looks like the real train_gpt.py dialect: the script's own source (with metric-looking
f-strings), a `=`*100 separator, Python/PyTorch versions and an nvidia-smi table, the run header
(world_size, seed), then training/validation step lines until the size is reached, then the stop
line, size lines and the final 4- and 8-decimal eval lines. With --runs N the file holds N appended
runs of equal size (seeds 1..N).

    python3 bench/logs/make_big_log.py --out /tmp/big.log --size-mb 1024 --runs 1
"""
import argparse
import random

SEP = "=" * 100

SOURCE = '''"""
Synthetic training script for Referee's log benchmark.
"""

import os
import time

def log0(msg):
    print(msg)

def main():
    seed = int(os.environ.get("SEED", 1337))
    log0(f"step:{step}/{iterations} val_loss:{val_loss:.4f} val_bpb:{val_bpb:.4f} train_time:{ms:.0f}ms")
    log0(f"final_int8_zlib_roundtrip_exact val_loss:{q_val_loss:.8f} val_bpb:{q_val_bpb:.8f}")


if __name__ == "__main__":
    main()'''


def header(seed):
    rows = [SOURCE, SEP, "Running Python 3.12.3", "Running PyTorch 2.9.1+cu128",
            "+-----------------------------------------------------------------------------------------+"]
    for i in range(8):
        rows.append(f"|   {i}  NVIDIA H100 80GB HBM3          On  |   00000000:0{i}:00.0 Off |                    0 |")
    rows += [SEP, "val_bpb:enabled tokenizer_kind=sentencepiece", "world_size:8 grad_accum_steps:1", f"seed:{seed}"]
    return "\n".join(rows) + "\n"


def footer(step, total, t):
    return "\n".join([
        f"stopping_early: wallclock_cap train_time:{t}ms step:{step}/{total}",
        "Serialized model: 67224983 bytes",
        "Code size: 47642 bytes",
        "Total submission size: 67272625 bytes",
        "Serialized model int8+zlib: 15815847 bytes (payload:17178912 raw_torch:17224025 payload_ratio:3.91x)",
        "Total submission size int8+zlib: 15863489 bytes",
        "final_int8_zlib_roundtrip val_loss:2.0727 val_bpb:1.2244 eval_time:1401ms",
        "final_int8_zlib_roundtrip_exact val_loss:2.07269931 val_bpb:1.22436570",
    ]) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--size-mb", type=float, default=1024)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(0)
    per_run = int(args.size_mb * 1_000_000 / args.runs)
    total_steps = 100_000_000
    with open(args.out, "w", buffering=1 << 22) as f:
        for r in range(args.runs):
            written = f.write(header(r + 1))
            step, t = 0, 0
            budget = per_run - 600
            chunk = []
            while written < budget:
                step += 1
                t += 43
                loss = 2.0 + rng.random() * 0.3
                line = f"step:{step}/{total_steps} train_loss:{loss:.4f} train_time:{t}ms step_avg:43.52ms\n"
                if step % 200 == 0:
                    line += f"step:{step}/{total_steps} val_loss:{loss:.4f} val_bpb:{loss * 0.59:.4f} train_time:{t}ms step_avg:43.52ms\n"
                chunk.append(line)
                written += len(line)
                if len(chunk) >= 10_000:
                    f.write("".join(chunk))
                    chunk = []
            f.write("".join(chunk))
            f.write(footer(step, total_steps, t))


if __name__ == "__main__":
    main()
