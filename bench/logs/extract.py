#!/usr/bin/env python3
"""Reference extraction for the log-reader benchmark: a short regex script doing what
RefereeLogs.LogReader does (source-block skipping, appended-run splitting, seed, steps, evals,
size lines, score), streaming line by line. Prints one JSON object per run.

    python3 bench/logs/extract.py /tmp/big.log
"""
import json
import re
import sys

SEP = re.compile(r"^={50,}$")
TS = re.compile(r"^\d{9,11}\.\d{1,9} ")
SRC_START = re.compile(r'^("""|\'\'\'|"|\'|#|@|import |from |def |class |    \S)')
RUN_OUT = re.compile(r"^(stopping_early:|step:\d+/\d+|\d+/\d+ |[A-Za-z_][\w\-+.:/= ]* val_(loss|bpb)[:=]\s*\d)")
SEED = re.compile(r"(?:^|[\s(,\[])seed[:=]\s*(\d+)")
WORLD = re.compile(r"(?:^|[\s(,\[])world_size[:=]\s*(\d+)")
STEP = re.compile(r"^(?:step:)?(\d+)/(\d+) ")
NUM = r"[:=]\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
TRAIN_LOSS = re.compile(r"(?:^|\s)(?:train_)?loss" + NUM)
VAL_BPB = re.compile(r"(?:^|\s)val_bpb" + NUM)
VAL_LOSS = re.compile(r"(?:^|\s)val_loss" + NUM)
TRAIN_TIME = re.compile(r"(?:^|\s)(?:train_time|t)[:=]\s*(\d+(?:\.\d+)?)(ms|s|m)")
LABEL = re.compile(r"^([A-Za-z_][\w\-+.:/= ]*?)\s+val_(?:loss|bpb)")
ARTIFACT = re.compile(r"^(?:Total submission size \S+: (\d+) bytes|budget:(\d+)/)")


def new_run(first):
    return {"first_line": first, "seed": None, "world_size": None, "steps": 0, "train_time_ms": None,
            "evals": [], "artifact": None, "artifact_line": None, "source_lines": None, "substantive": False}


def score(run):
    finals = [e for e in run["evals"] if e["final"] and (run["artifact_line"] is None or e["line"] > run["artifact_line"])]
    if not finals:
        return None
    last = finals[-1]
    if last["decimals"] < 8:
        fam = last["label"].split(" ")[0].removesuffix("_exact")
        for c in reversed(finals):
            if c["decimals"] >= 8 and c["label"].split(" ")[0].removesuffix("_exact") == fam \
                    and round(c["bpb"], last["decimals"]) == last["bpb"]:
                return c
    return last


def main(path):
    runs, cur, held = [], None, []

    def close(run, last):
        run["last_line"] = last
        s = score(run)
        run["score"] = s and {"val_bpb": s["bpb"], "line": s["line"], "label": s["label"]}
        run["evals"] = len(run["evals"])
        del run["substantive"]
        runs.append(run)

    def process(n, msg):
        nonlocal cur
        if cur is None:
            cur = new_run(n if runs else 1)
        m = SEED.search(msg)
        if m and not msg.startswith(" " * 4):
            if cur["substantive"] and cur["seed"] is not None:
                close(cur, n - 1)
                cur = new_run(n)
            cur["seed"] = int(m.group(1))
        m = WORLD.search(msg)
        if m:
            cur["world_size"] = int(m.group(1))
        if msg.startswith("stopping_early"):
            cur["substantive"] = True
            m = TRAIN_TIME.search(msg)
            if m:
                cur["train_time_ms"] = float(m.group(1))
            return
        m = STEP.match(msg)
        if m:
            cur["substantive"] = True
            cur["steps"] += 1
            t = TRAIN_TIME.search(msg)
            if t:
                v = float(t.group(1))
                cur["train_time_ms"] = v if t.group(2) == "ms" else v * (1000 if t.group(2) == "s" else 60000)
            return
        m = ARTIFACT.match(msg)
        if m:
            cur["substantive"] = True
            cur["artifact"] = int(m.group(1) or m.group(2))
            cur["artifact_line"] = n
            return
        m = LABEL.match(msg)
        b = VAL_BPB.search(msg)
        if m and b:
            cur["substantive"] = True
            label = m.group(1)
            low = label.lower()
            final = not any(k in low for k in ("diagnostic", "pre-quant", "pre_quant", "post_ema", "post-ema", "progress", "chunk"))
            text = b.group(1)
            cur["evals"].append({"label": label, "bpb": float(text), "decimals": len(text.split(".")[1]) if "." in text else 0,
                                 "line": n, "final": final})

    with open(path, "r", encoding="utf-8", errors="replace") as f:
        n = 0
        for n, raw in enumerate(f, start=1):
            line = raw.rstrip("\n").rstrip("\r")
            msg = TS.sub("", line, count=1)
            if held:
                if SEP.match(msg):
                    first, last = held[0][0], held[-1][0]
                    held = []
                    if cur is not None and cur["substantive"]:
                        close(cur, first - 1)
                        cur = None
                    if cur is None:
                        cur = new_run(first if runs else 1)
                    cur["source_lines"] = [first, last]
                    continue
                if RUN_OUT.match(msg) or len(held) > 200_000:
                    replay, held = held, []
                    for hn, hm in replay:
                        process(hn, hm)
                else:
                    held.append((n, msg))
                    continue
            if SRC_START.match(msg):
                held.append((n, msg))
                continue
            process(n, msg)
        for hn, hm in held:
            process(hn, hm)
        if cur is not None:
            close(cur, n)
    for r in runs:
        print(json.dumps(r, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1])
