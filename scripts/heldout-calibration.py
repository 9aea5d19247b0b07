#!/usr/bin/env python3
"""Measures rule data.heldout-gap on real runs: the honest CPU reference and the cheater
validation_in_training, each trained by `referee run` on several seeds in both
--training-validation modes, each artifact then evaluated (its own eval entry point,
REFEREE_EVAL_ONLY=1, the whole stream) on the validation shard and on the held-out shard of
data/sp1024_synth. Writes one probes.json-v2-shaped file per run (version, artifact_sha256,
official and heldout blocks of 2048 targets) into --out, which
Tests/RefereeAuditTests/Checks/HeldoutCalibrationTests.swift reads (the decision is Swift's
HeldoutGapTest, the one the audit runs), and prints a summary line per run.

    python3 scripts/heldout-calibration.py --seeds 1,2,3,4,5,6 --out Tests/Fixtures/heldout
"""
import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "python"))
import referee_probe  # noqa: E402

DATA = os.path.join(REPO, "data", "sp1024_synth")
TOKENIZER = os.path.join(DATA, "tokenizer", "synth_1024_bpe.model")
VAL = os.path.join(DATA, "dataset", "fineweb_val_000000.bin")
HELDOUT = os.path.join(DATA, "heldout", "fineweb_heldout_000000.bin")
BLOCK = 2048


def blocks(nll: np.ndarray, nbytes: np.ndarray) -> list:
    """Blocks of BLOCK target positions [start, end) over targets 1..N-1 (last one shorter)."""
    out = []
    n = len(nll) + 1
    for start in range(1, n, BLOCK):
        end = min(start + BLOCK, n)
        out.append({"start": start, "end": end, "nll": float(nll[start - 1:end - 1].sum()),
                    "bytes": int(nbytes[start - 1:end - 1].sum())})
    return out


def evaluate(script: str, workdir: str, shard: str, lut, env_extra: dict) -> tuple:
    """Runs the entry point in eval-only mode on `shard` with the artifact in `workdir`."""
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, REFEREE_EVAL_ONLY="1", REFEREE_EVAL_SHARD=shard, REFEREE_EVAL_OUT=out,
                   REFEREE_DIST_POSITIONS="", TOKENIZER_PATH=TOKENIZER, PYTHONPATH=os.path.join(REPO, "python"),
                   REFEREE_ARTIFACT=os.path.join(workdir, "final_model.ptz"), **env_extra)
        subprocess.run([sys.executable, script], cwd=workdir, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        nll = np.fromfile(os.path.join(out, "nll.f64"), dtype="<f8")
    tokens = list(referee_probe.read_shard(shard))
    nbytes = np.array([lut.target_bytes(tokens, i, i + 1) for i in range(1, len(tokens))], dtype=np.int64)
    assert len(nll) == len(tokens) - 1, (shard, len(nll), len(tokens))
    return blocks(nll, nbytes), float(nll.sum()), int(nbytes.sum())


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", default="1,2,3,4,5,6")
    p.add_argument("--out", default=os.path.join(REPO, "Tests", "Fixtures", "heldout"))
    p.add_argument("--referee", default=os.path.join(REPO, ".build", "debug", "referee"))
    p.add_argument("--submissions", default="reference_cpu,cheaters/validation_in_training")
    p.add_argument("--modes", default="real,decoy")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    lut = referee_probe.ByteLUT.from_model_file(TOKENIZER, 1024)
    ref_script = os.path.join(REPO, "submissions", "reference_cpu", "train_gpt.py")
    for sub in args.submissions.split(","):
        for mode in args.modes.split(","):
            for seed in [int(s) for s in args.seeds.split(",")]:
                name = "%s-%s-seed%d" % (os.path.basename(sub), mode, seed)
                if os.path.exists(os.path.join(args.out, name + ".json")):
                    continue  # already measured (the script resumes)
                with tempfile.TemporaryDirectory() as tmp:
                    record = os.path.join(tmp, "rec")
                    cmd = [args.referee, "run", os.path.join(REPO, "submissions", sub), "--seeds", str(seed),
                           "--track", "track_non_record_16mb", "--data-path", os.path.join(DATA, "dataset"),
                           "--tokenizer-path", TOKENIZER, "--out", record, "--no-probes",
                           "--training-validation", mode, "--", "REFEREE_REFERENCE_CPU=" + ref_script]
                    # REFEREE_HOME: the python helpers, wherever --referee is.
                    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   env=dict(os.environ, REFEREE_HOME=REPO))
                    run = json.load(open(os.path.join(record, "run.json")))
                    seed_rec = run["seeds"][0]
                    assert seed_rec.get("exit_code") == 0, (name, seed_rec.get("stop"))
                    art_dir = os.path.join(record, seed_rec["working_directory"])
                    with open(os.path.join(art_dir, "final_model.ptz"), "rb") as f:
                        sha = hashlib.sha256(f.read()).hexdigest()
                    script = os.path.join(record, "train_gpt.py")
                    extra = {"REFEREE_REFERENCE_CPU": ref_script}
                    ob, onll, obytes = evaluate(script, art_dir, VAL, lut, extra)
                    hb, hnll, hbytes = evaluate(script, art_dir, HELDOUT, lut, extra)
                    report = {"version": 2, "fixture": "scripts/heldout-calibration.py", "submission": sub,
                              "training_validation": mode, "seed": seed, "artifact_sha256": sha,
                              "official": {"targets": sum(b["end"] - b["start"] for b in ob), "block_size": BLOCK, "blocks": ob},
                              "heldout": {"targets": sum(b["end"] - b["start"] for b in hb), "block_size": BLOCK, "blocks": hb,
                                          "source": "data/sp1024_synth/heldout"}}
                    with open(os.path.join(args.out, name + ".json"), "w") as f:
                        json.dump(report, f, sort_keys=True, separators=(",", ":"))
                        f.write("\n")
                    print("%s: val %.4f bpb, held-out %.4f bpb, gap %.4f" % (
                        name, onll / math.log(2) / obytes, hnll / math.log(2) / hbytes,
                        hnll / math.log(2) / hbytes - onll / math.log(2) / obytes), flush=True)


if __name__ == "__main__":
    main()
