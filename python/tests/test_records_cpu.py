"""Autotrace on real records' own evaluation code, on the CPU: the baseline's ``eval_val``, the LegalTTT record's
``eval_val`` then ``eval_val_sliding_ttt``, and the LoRA TTT record's ``eval_val`` then
``eval_val_ttt_lora`` (../shared/samples/parameter-golf-scripts, read in place, never edited)
run by ``python/tests/support/records_cpu.py`` with a small seed-fixed model of the record's own
classes, under ``python -m referee_autotrace``, honest and with the cheating patch of the GPU runs
(``cheat_entry.patch_legal``: an SGD step on each window before scoring it; ``patch_lora``: an
Adam step on each chunk's window before scoring it). These are the evaluators that went
unobserved on GPUs when the hooks met ``torch.inference_mode()``. Skips,
saying so, where ../shared or an interpreter with torch is absent."""
import hashlib
import os
import subprocess

import pytest

import rules
from conftest import PYTHON_DIR, REPO
from runner import DATA
from test_autotrace import events, need_torch

SUPPORT = os.path.join(PYTHON_DIR, "tests", "support")
SCRIPTS = os.path.join(os.path.dirname(REPO), "shared", "samples", "parameter-golf-scripts")
LEGAL = os.path.join(SCRIPTS, "2026-03-23_LeakyReLU_LegalTTT_ParallelMuon", "train_gpt.py")
LORA = os.path.join(SCRIPTS, "2026-03-17_LoRA_TTT", "train_gpt.py")
BASELINE = os.path.join(SCRIPTS, "baseline", "train_gpt.py")


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(workdir, variant, script, *extra):
    if not os.path.exists(script):
        pytest.skip("%s is absent (../shared beside the clone holds the real records)" % script)
    exe = need_torch()
    os.makedirs(workdir, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFEREE_")}
    env.update({"PYTHONPATH": PYTHON_DIR + os.pathsep + SUPPORT, "DATA_PATH": os.path.join(DATA, "dataset"),
                "TOKENIZER_PATH": os.path.join(DATA, "tokenizer", "synth_1024_bpe.model"),
                "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore",
                "REFEREE_TRACE_DIR": os.path.join(str(workdir), "trace")})
    before = sha(script)
    proc = subprocess.run([exe, "-m", "referee_autotrace", os.path.join(SUPPORT, "records_cpu.py"), variant,
                           script] + list(extra), cwd=str(workdir), env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sha(script) == before
    return proc.stdout, os.path.join(str(workdir), "trace")


@pytest.fixture(scope="module")
def legal(tmp_path_factory):
    return run(tmp_path_factory.mktemp("legal"), "legal", LEGAL)


@pytest.fixture(scope="module")
def legal_cheat(tmp_path_factory):
    return run(tmp_path_factory.mktemp("legal_cheat"), "legal", LEGAL, "cheat")


def test_legal_ttt_record_is_observed_and_passes_score_before_update(legal):
    out, trace = legal
    result = rules.check(trace, out)
    assert result["causal.score-before-update"] and result["trace.chain"] and result["norm.sums-to-one"]
    # the counted values are the script's own score: its loss and bytes, to 1e-6
    assert result["trace.matches-log"]
    evs = events(trace)
    info = evs[0]
    assert info["name"] == "autotrace" and info["internal_errors"] == 0 and info["stale_loss_inputs"] == 0
    assert info["optimizer_steps"] > 0 and info["chosen_via"] == "accumulate" and info["passes"] == 2
    updates = [e for e in evs if e["ev"] == "update"]
    assert updates and {u["kind"] for u in updates} == {"ttt"}
    # chunks of 8,192 targets: every update reads a chunk already scored, none reads the last one
    scores = [e for e in evs if e["ev"] == "score"]
    assert scores[0]["start"] == 1 and max(u["end"] for u in updates) <= 7 * 8192 + 1


def assert_cheat_fails(cheat, honest):
    """The patched run is observed in full, its counted values are its score, and it breaks
    score-before-update; the cheat changed what was scored."""
    out, trace = cheat
    result = rules.check(trace, out)
    assert result["causal.score-before-update"] is False
    assert result["trace.chain"] and result["trace.matches-log"]
    assert events(trace)[0]["internal_errors"] == 0
    assert rules.final_score(out) != rules.final_score(honest[0])


def test_legal_ttt_record_with_adapt_before_score_fails(legal_cheat, legal):
    assert_cheat_fails(legal_cheat, legal)


@pytest.fixture(scope="module")
def lora(tmp_path_factory):
    return run(tmp_path_factory.mktemp("lora"), "lora", LORA)


@pytest.fixture(scope="module")
def lora_cheat(tmp_path_factory):
    return run(tmp_path_factory.mktemp("lora_cheat"), "lora", LORA, "cheat")


def test_lora_ttt_record_is_observed_and_passes_score_before_update(lora):
    """Per-document chunks scored and trained on from the same forward pass (grad enabled): the
    counted slices are the chunks, the context they were computed with is not; each Adam step
    reads only the chunk just scored."""
    out, trace = lora
    result = rules.check(trace, out)
    assert result["causal.score-before-update"] and result["trace.chain"] and result["norm.sums-to-one"]
    assert result["trace.matches-log"] and result["trace.coverage"]
    evs = events(trace)
    info = evs[0]
    assert info["internal_errors"] == 0 and info["stale_loss_inputs"] == 0 and info["passes"] == 2
    updates = [e for e in evs if e["ev"] == "update"]
    assert updates and {u["kind"] for u in updates} == {"ttt"} and info["optimizer_steps"] > 0


def test_lora_ttt_record_with_adapt_before_score_fails(lora_cheat, lora):
    assert_cheat_fails(lora_cheat, lora)


def test_baseline_evaluation_is_observed_whole(tmp_path):
    """The baseline's mean loss under inference mode (rows of TRAIN_SEQ_LEN, loss times count
    summed in float64): every counted row is located, no update, and the counted values are
    its score."""
    out, trace = run(tmp_path, "baseline", BASELINE)
    result = rules.check(trace, out)
    assert result["causal.score-before-update"] and result["trace.matches-log"] and result["norm.sums-to-one"]
    evs = events(trace)
    info = evs[0]
    assert info["internal_errors"] == 0 and info["counted_unlocated"] == 0 and info["passes"] == 1
    assert not [e for e in evs if e["ev"] == "update"]
    scores = [e for e in evs if e["ev"] == "score"]
    # whole rows of 128 targets from the first: the stream truncated to whole rows, as the script does
    assert scores[0]["start"] == 1 and sum(e["end"] - e["start"] for e in scores) == (60823 // 128) * 128
