"""A small Python re-implementation of the trace rules of docs/protocol.md, used by the
tests to show that the reference passes every rule and each cheater breaks its own.
(Referee's real auditor is the Swift RefereeTrace module; this is a test oracle only.)"""
import hashlib
import json
import math
import os
import re

RULES = ("trace.chain", "trace.coverage", "causal.single-pass", "causal.score-before-update",
         "norm.sums-to-one", "trace.matches-log")


def load(trace_dir):
    """{rank: [events]} and whether every chain is intact."""
    ranks, chain_ok = {}, True
    for name in sorted(os.listdir(trace_dir)):
        m = re.fullmatch(r"rank(\d+)\.jsonl", name)
        if not m:
            continue
        with open(os.path.join(trace_dir, name), "rb") as f:
            lines = f.read().split(b"\n")
        chain_ok &= lines[-1] == b""
        prev, events = "0" * 64, []
        for seq, line in enumerate(lines[:-1]):
            obj = json.loads(line)
            chain_ok &= obj["seq"] == seq and obj["prev"] == prev and obj["rank"] == int(m.group(1))
            prev = hashlib.sha256(line).hexdigest()
            events.append(obj)
        ranks[int(m.group(1))] = events
    return ranks, chain_ok


def final_score(log_text):
    lines = [ln for ln in log_text.splitlines() if ln.startswith("final_int8_zlib_roundtrip_exact ")]
    m = re.search(r"val_loss:(\S+) val_bpb:(\S+)", lines[-1])
    return float(m.group(1)), float(m.group(2))


def check(trace_dir, log_text):
    """{rule: passed} for every rule of the protocol."""
    ranks, chain_ok = load(trace_dir)
    events = [e for evs in ranks.values() for e in evs]
    n = next(e["val_tokens"] for e in events if e["ev"] == "phase" and e["name"] == "eval_start")
    scores = [e for e in events if e["ev"] == "score"]
    count = [0] * n
    for e in scores:
        for i in range(e["start"], e["end"]):
            count[i] += 1
    ascending = all(all(a["end"] <= b["start"] for a, b in zip(s, s[1:]))
                    for s in ([e for e in evs if e["ev"] == "score"] for evs in ranks.values()))
    before = True
    for u in (e for e in events if e["ev"] == "update"):
        seen = set()
        for e in scores:
            if (e["rank"] == u["rank"] and e["seq"] < u["seq"]) or (e["rank"] != u["rank"] and e["t"] < u["t"]):
                seen.update(range(e["start"], e["end"]))
        before &= all(i in seen for i in range(u["start"], u["end"]))
    nll = sum(e["nll"] for e in scores)
    toks = sum(e["end"] - e["start"] for e in scores)
    nbytes = sum(e["bytes"] for e in scores)
    loss, bpb = final_score(log_text)
    return {
        "trace.chain": chain_ok,
        "trace.coverage": all(c >= 1 for c in count[1:]) and all(c <= 1 for c in count),
        "causal.single-pass": all(c <= 1 for c in count) and ascending,
        "causal.score-before-update": before,
        "norm.sums-to-one": all(abs(e["psum_min"] - 1) <= 1e-4 and abs(e["psum_max"] - 1) <= 1e-4 for e in scores),
        "trace.matches-log": abs(nll / toks / math.log(2) * toks / nbytes - bpb) <= 1e-6
        and abs(nll / toks - loss) <= 1e-6,
    }
