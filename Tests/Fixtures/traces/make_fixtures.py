#!/usr/bin/env python3
"""Writes the hand-made trace fixtures (one folder per case, rank<R>.jsonl files).

Each case is a list of events per rank; the hash chain is computed here exactly as
python/referee_probe.py does (SHA-256 of the previous line's bytes), then a few cases are
damaged on purpose after writing. Run from this folder: python3 make_fixtures.py
"""
import hashlib, json, math, os, shutil

N = 21  # val_tokens: targets [1, 21)
NLL_PER_TOKEN = 2.0
BYTES_PER_TOKEN = 3


def score(s, e, psum=(0.99999, 1.00001)):
    return {"ev": "score", "start": s, "end": e, "nll": NLL_PER_TOKEN * (e - s),
            "bytes": BYTES_PER_TOKEN * (e - s), "psum_min": psum[0], "psum_max": psum[1]}


def phase(name, **kw):
    return dict({"ev": "phase", "name": name}, **kw)


def update(kind, s, e):
    return {"ev": "update", "kind": kind, "start": s, "end": e}


LOSS = NLL_PER_TOKEN
BPB = NLL_PER_TOKEN / math.log(2) / BYTES_PER_TOKEN


def start(ws=2):
    return [phase("eval_start", val_tokens=N, world_size=ws)]


def end():
    return [phase("eval_end", val_loss=LOSS, val_bpb=BPB)]


HONEST = {
    0: start() + [score(1, 6), update("cache", 1, 6), score(6, 11), update("cache", 6, 11)] + end(),
    1: start() + [score(11, 16), update("ttt", 11, 16), score(16, 21)] + end(),
}

CASES = {
    "honest": HONEST,
    "two-pass": {0: HONEST[0][:-1] + [score(1, 6)] + end(), 1: HONEST[1]},
    "gap": {0: HONEST[0], 1: start() + [score(11, 16)] + end()},
    "pre-eval-ttt": {0: start() + [update("ttt", 1, 11), score(1, 6), score(6, 11)] + end(), 1: HONEST[1]},
    "out-of-order": {0: start() + [score(6, 11), score(1, 6)] + end(), 1: HONEST[1]},
    "bad-psum": {0: start() + [score(1, 6, psum=(0.5, 277.0)), score(6, 11)] + end(), 1: HONEST[1]},
    "missing-rank": {0: HONEST[0]},
    "edited": HONEST,
    "deleted-line": HONEST,
    "malformed": HONEST,
}


def write(folder, ranks):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    t0 = 1_770_000_000.0
    for rank, events in ranks.items():
        prev = "0" * 64
        lines = []
        for seq, ev in enumerate(events):
            # rank 1 is interleaved half a second after rank 0's events of the same index
            obj = dict({"v": 1, "seq": seq, "rank": rank, "t": t0 + seq + 0.5 * rank, "prev": prev}, **ev)
            line = json.dumps(obj, sort_keys=True, separators=(",", ":"))
            lines.append(line)
            prev = hashlib.sha256(line.encode()).hexdigest()
        with open(os.path.join(folder, f"rank{rank}.jsonl"), "w") as f:
            f.write("\n".join(lines) + "\n")


for name, ranks in CASES.items():
    write(name, ranks)

# Damage after writing: the chain must notice.
p = "edited/rank0.jsonl"
lines = open(p).read().splitlines()
lines[1] = lines[1].replace('"nll":10.0', '"nll":1.0')  # a smaller loss, chain not recomputed
open(p, "w").write("\n".join(lines) + "\n")

p = "deleted-line/rank1.jsonl"
lines = open(p).read().splitlines()
del lines[2]  # the ttt update disappears
open(p, "w").write("\n".join(lines) + "\n")

p = "malformed/rank0.jsonl"
lines = open(p).read().splitlines()
lines.insert(2, "this is not json")
lines.insert(4, '{"v":1,"seq":3,"rank":0,"ev":"score"}')
open(p, "w").write("\n".join(lines) + "\n")
