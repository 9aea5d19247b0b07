"""Each cheater runs to completion with an honest-looking log and breaks exactly the trace
rules it is meant to (or none, for the ones only the black-box probes can catch), and
claims a better score than the honest reference under the same settings."""
import json
import math
import os

import pytest

pytest.importorskip("numpy")
pytest.importorskip("sentencepiece")

import referee_probe  # noqa: E402
import rules  # noqa: E402
from runner import DATA, REFERENCE, cheater, run  # noqa: E402

FAST = {"ITERATIONS": 4, "SEED": 3}

# cheater -> the trace rules it must break (all others must pass)
EXPECTED = {
    "cache_before_score": {"causal.score-before-update"},
    "two_pass": {"causal.single-pass", "trace.coverage", "trace.matches-log"},
    "pre_eval_ttt": {"causal.score-before-update"},
    "gold_blend": {"norm.sums-to-one"},
    "target_gate": set(),  # looks clean in the trace: the target-flip probe catches it
    "double_score": {"causal.single-pass", "trace.coverage", "trace.matches-log"},
    "lying_trace": {"trace.matches-log"},
    "validation_in_training": set(),  # an honest evaluation of a model that saw val: data.heldout-gap
}


@pytest.fixture(scope="module")
def honest(tmp_path_factory):
    d = tmp_path_factory.mktemp("honest")
    out = run(REFERENCE, str(d), **FAST)
    return d, rules.final_score(out)[1]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cheater_breaks_its_rule(name, honest, tmp_path):
    out = run(cheater(name), str(tmp_path), **FAST)
    with open(cheater(name)) as f:
        assert out.startswith(f.read())  # logs its own source like the honest one
    result = rules.check(str(tmp_path / "trace"), out)
    broken = {rule for rule, ok in result.items() if not ok}
    assert broken == EXPECTED[name]
    bpb = rules.final_score(out)[1]
    if name != "lying_trace":
        assert bpb < honest[1], "a cheat that does not pay would not be a realistic test case"
    else:
        assert bpb == honest[1]


def _probe(script, artifact, tokens, workdir, positions):
    shard = os.path.join(workdir, "shard.bin")
    os.makedirs(workdir, exist_ok=True)
    referee_probe.write_shard(shard, tokens)
    out = os.path.join(workdir, "out")
    run(script, os.path.join(workdir, "w"), trace=False, REFEREE_EVAL_ONLY=1, REFEREE_EVAL_SHARD=shard,
        REFEREE_EVAL_OUT=out, REFEREE_ARTIFACT=artifact, REFEREE_DIST_POSITIONS=",".join(map(str, positions)))
    with open(os.path.join(out, "dists.jsonl")) as f:
        dists = {o["pos"]: o["probs"] for o in map(json.loads, f)}
    with open(os.path.join(out, "nll.f64"), "rb") as f:
        import struct
        raw = f.read()
    return list(struct.unpack("<%dd" % (len(raw) // 8), raw)), dists


def test_target_gate_caught_by_target_flip(honest, tmp_path):
    val = list(referee_probe.read_shard(os.path.join(DATA, "dataset", "fineweb_val_000000.bin")))[:2000]
    artifact = str(honest[0] / "final_model.ptz")
    positions = list(range(1200, 1260))
    _, base = _probe(cheater("target_gate"), artifact, val, str(tmp_path / "a"), positions)
    moved = 0
    for pos in positions[:8]:
        flip = list(val)
        flip[pos] = (flip[pos] + 1) % 1024
        _, d = _probe(cheater("target_gate"), artifact, flip, str(tmp_path / ("f%d" % pos)), [pos])
        moved += d[pos] != base[pos]
    assert moved > 0
    # and the honest reference never moves under the same flips
    _, ref_base = _probe(REFERENCE, artifact, val, str(tmp_path / "r"), positions[:1])
    flip = list(val)
    flip[positions[0]] = (flip[positions[0]] + 1) % 1024
    _, ref_flip = _probe(REFERENCE, artifact, flip, str(tmp_path / "rf"), positions[:1])
    assert ref_flip[positions[0]] == ref_base[positions[0]]


def test_gold_blend_caught_by_full_vocab(honest, tmp_path):
    val = list(referee_probe.read_shard(os.path.join(DATA, "dataset", "fineweb_val_000000.bin")))[:2000]
    nll, d = _probe(cheater("gold_blend"), str(honest[0] / "final_model.ptz"), val, str(tmp_path), [1500])
    assert sum(d[1500]) > 2
    assert math.isclose(-math.log(d[1500][val[1500]]), nll[1499], rel_tol=1e-9)


@pytest.mark.parametrize("name", ["pre_eval_ttt", "gold_blend"])
def test_cheater_plan_equals_separate_runs(name, honest, tmp_path):
    """A cheater answering a REFEREE_EVAL_PLAN behaves per request exactly as in its own
    process: state it builds on one shard (ttt counts, gold-blend hits) does not leak."""
    val = list(referee_probe.read_shard(os.path.join(DATA, "dataset", "fineweb_val_000000.bin")))[:1500]
    shards = [val[:700] + [(t * 5 + 1) % 1024 for t in val[700:]], val]
    artifact = str(honest[0] / "final_model.ptz")
    requests = []
    for k, toks in enumerate(shards):
        shard = str(tmp_path / ("s%d.bin" % k))
        referee_probe.write_shard(shard, toks)
        requests.append({"shard": shard, "out": str(tmp_path / ("plan%d" % k)), "positions": [1000]})
    with open(tmp_path / "plan.json", "w") as f:
        json.dump({"requests": requests}, f)
    run(cheater(name), str(tmp_path / "w"), trace=False, REFEREE_EVAL_ONLY=1, REFEREE_EVAL_PLAN=tmp_path / "plan.json",
        REFEREE_EVAL_SHARD=requests[0]["shard"], REFEREE_EVAL_OUT=requests[0]["out"], REFEREE_ARTIFACT=artifact,
        REFEREE_DIST_POSITIONS="1000")
    for k, toks in enumerate(shards):
        nll, dists = _probe(cheater(name), artifact, toks, str(tmp_path / ("single%d" % k)), [1000])
        with open(os.path.join(requests[k]["out"], "nll.f64"), "rb") as f:
            import struct
            raw = f.read()
        assert list(struct.unpack("<%dd" % (len(raw) // 8), raw)) == nll
        with open(os.path.join(requests[k]["out"], "dists.jsonl")) as f:
            assert {o["pos"]: o["probs"] for o in map(json.loads, f)} == dists
