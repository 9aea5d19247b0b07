#!/usr/bin/env python3
"""Writes the synthetic cheater records used by the gate tests (deterministic; re-run to refresh).

Each record is a folder under track_10min_16mb/ with three seeds' logs in the baseline's log
dialect, a submission.json and a train_gpt.py. Each breaks one rule:
  oversize/         artifact 16,004,321 bytes (> 16,000,000) in every run      -> size.artifact-cap
  overtime/         training 655 s without stopping at the wallclock cap      -> time.train
  best-seed-claim/  submission.json claims the best seed, not the mean       -> claim.score
  no-logs/          no train log at all                                        -> evidence.logs-present
and one honest record, clean/, that breaks none of the log rules (its verdict is incomplete:
no GPU table, no traces).
"""
import json, os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "track_10min_16mb")
CODE = "# synthetic train_gpt.py for the referee gate tests\nprint('hello')\n"
SEEDS = [(1337, 2.07269931, 1.22436570), (42, 2.07413207, 1.22521201), (2025, 2.07191104, 1.22390011)]

def log(seed, loss, bpb, artifact=15_863_489, train_ms=600_038, capped=True):
    lines = [
        "val_bpb:enabled tokenizer_kind=sentencepiece tokenizer_path=./data/tokenizers/fineweb_1024_bpe.model",
        "model_params:17059912",
        "world_size:8 grad_accum_steps:1",
        f"seed:{seed}",
        "step:0/20000 val_loss:6.9370 val_bpb:4.0978 train_time:0ms step_avg:0.01ms",
    ]
    steps = 12
    for i in range(1, steps + 1):
        step = i * 1100
        t = int(train_ms * i / steps)
        lines.append(f"step:{step}/20000 train_loss:{2.05 + 1.2 / i:.4f} train_time:{t}ms step_avg:43.54ms")
        if i % 4 == 0:
            lines.append(f"step:{step}/20000 val_loss:{2.06 + 0.6 / i:.4f} val_bpb:{1.22 + 0.35 / i:.4f} train_time:{t}ms step_avg:43.54ms")
    if capped:
        lines.append(f"stopping_early: wallclock_cap train_time:{train_ms}ms step:{steps * 1100}/20000")
    code = len(CODE.encode())
    lines += [
        "peak memory allocated: 10184 MiB reserved: 10200 MiB",
        "Serialized model: 67224983 bytes",
        f"Code size: {code} bytes",
        f"Total submission size: {67224983 + code} bytes",
        f"Serialized model int8+zlib: {artifact - code} bytes (payload:17178912 raw_torch:17224025 payload_ratio:3.91x)",
        f"Total submission size int8+zlib: {artifact} bytes",
        f"final_int8_zlib_roundtrip val_loss:{loss:.4f} val_bpb:{bpb:.4f} eval_time:1401ms",
        f"final_int8_zlib_roundtrip_exact val_loss:{loss:.8f} val_bpb:{bpb:.8f}",
    ]
    return "\n".join(lines) + "\n"

def record(name, claim_bpb=None, with_logs=True, **kw):
    d = os.path.join(ROOT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    if with_logs:
        for seed, loss, bpb in SEEDS:
            with open(os.path.join(d, f"train_seed{seed}.log"), "w") as f:
                f.write(log(seed, loss, bpb, **kw))
    mean_bpb = round(sum(s[2] for s in SEEDS) / 3, 8)
    mean_loss = round(sum(s[1] for s in SEEDS) / 3, 8)
    sub = {"author": "Cheater", "github_id": "cheater", "name": f"cheater {name}", "date": "2026-03-18",
           "val_bpb": claim_bpb if claim_bpb is not None else mean_bpb, "val_loss": mean_loss,
           "bytes_total": kw.get("artifact", 15_863_489), "bytes_code": len(CODE.encode())}
    with open(os.path.join(d, "submission.json"), "w") as f:
        json.dump(sub, f, indent=2)
        f.write("\n")
    with open(os.path.join(d, "train_gpt.py"), "w") as f:
        f.write(CODE)

record("clean")
record("oversize", artifact=16_004_321)
record("overtime", train_ms=655_000, capped=False)
record("best-seed-claim", claim_bpb=min(s[2] for s in SEEDS))
record("no-logs", with_logs=False)
