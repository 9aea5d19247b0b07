"""Autotrace (python/referee_autotrace, docs/autotrace.md): unmodified PyTorch submissions run
under observation; the trace it writes is judged by the protocol's rules (rules.py oracle).

PyTorch comes from Debian's python3-torch for /usr/bin/python3, which may not be the
interpreter running pytest: the runs use ``torch_python()`` (this interpreter when it has
torch, numpy and sentencepiece, else /usr/bin/python3 when that one has them) and skip only
when neither has them.
"""
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

import rules
from conftest import PYTHON_DIR, REPO
from runner import DATA

HONEST = os.path.join(REPO, "submissions", "autotrace_ttt", "train_gpt.py")
CHEATER = os.path.join(REPO, "submissions", "autotrace_ttt_cheater", "train_gpt.py")
VAL = os.path.join(DATA, "dataset", "fineweb_val_000000.bin")


@functools.lru_cache(maxsize=None)
def torch_python():
    for exe in (sys.executable, "/usr/bin/python3"):
        if os.path.exists(exe) and subprocess.run(
                [exe, "-c", "import torch, numpy, sentencepiece"], capture_output=True).returncode == 0:
            return exe
    return None


def need_torch():
    exe = torch_python()
    if exe is None:
        pytest.skip("no interpreter with torch, numpy and sentencepiece (apt-get install python3-torch "
                    "python3-numpy python3-sentencepiece)")
    return exe


def autotrace(entry, workdir, args=(), **env_extra):
    """Runs ``python -m referee_autotrace entry`` in ``workdir``; returns stdout."""
    exe = need_torch()
    os.makedirs(workdir, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFEREE_")}
    env.update({"PYTHONPATH": PYTHON_DIR, "DATA_PATH": os.path.join(DATA, "dataset"),
                "TOKENIZER_PATH": os.path.join(DATA, "tokenizer", "synth_1024_bpe.model"),
                "PYTHONUNBUFFERED": "1", "ITERATIONS": "30", "OMP_NUM_THREADS": "1", "MAX_WALLCLOCK_SECONDS": "100000",
                "REFEREE_TRACE_DIR": os.path.join(str(workdir), "trace")})
    env.update({k: str(v) for k, v in env_extra.items()})
    proc = subprocess.run([exe, "-m", "referee_autotrace", str(entry)] + list(args), cwd=str(workdir), env=env,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise AssertionError("autotrace %s failed (%d):\n%s" % (entry, proc.returncode, proc.stderr[-3000:]))
    return proc.stdout


def events(trace_dir, rank=0):
    return rules.load(str(trace_dir))[0][rank]


def file_state(path):
    st = os.stat(path)
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest(), st.st_mtime_ns, st.st_ino, st.st_size


# --------------------------------------------------------------------------- the submissions


@pytest.fixture(scope="module")
def honest(tmp_path_factory):
    d = tmp_path_factory.mktemp("honest")
    before = file_state(HONEST)
    out = autotrace(HONEST, d)
    return d, out, before


@pytest.fixture(scope="module")
def cheater(tmp_path_factory):
    d = tmp_path_factory.mktemp("cheater")
    return d, autotrace(CHEATER, d)


def test_honest_ttt_passes_every_rule(honest):
    d, out, _ = honest
    assert rules.check(str(d / "trace"), out) == {r: True for r in rules.RULES}
    evs = events(d / "trace")
    assert all(e.get("source") == "autotrace" for e in evs)
    scores = [e for e in evs if e["ev"] == "score"]
    updates = [e for e in evs if e["ev"] == "update"]
    assert len(updates) >= 10 and {u["kind"] for u in updates} == {"ttt"}
    # every update read only positions already scored, and it came right after its chunk
    scored_end = 0
    for e in evs:
        if e["ev"] == "score":
            scored_end = max(scored_end, e["end"])
        elif e["ev"] == "update":
            assert e["end"] <= scored_end
    with open(os.path.join(DATA, "manifest.json")) as f:
        manifest = json.load(f)
    assert sum(e["bytes"] for e in scores) == manifest["val_target_bytes"]
    info = evs[0]
    assert info["name"] == "autotrace" and info["internal_errors"] == 0 and info["chosen_via"] == "accumulate"


def test_sliding_window_counts_only_the_slice(honest):
    """Windows of 48 targets count their last 32: the trace's score ranges are the counted
    slices (contiguous, no overlap), not the whole windows the loss was computed over."""
    d, _, _ = honest
    scores = [e for e in events(d / "trace") if e["ev"] == "score"]
    assert scores[0]["start"] == 1 and scores[0]["end"] == 49
    assert all(e["end"] - e["start"] <= 32 for e in scores[1:])
    assert all(a["end"] == b["start"] for a, b in zip(scores, scores[1:]))


def test_cheating_twin_fails_score_before_update(cheater, honest):
    d, out = cheater
    result = rules.check(str(d / "trace"), out)
    assert result["causal.score-before-update"] is False
    assert result["trace.coverage"] and result["causal.single-pass"] and result["trace.chain"]
    first = next(e for e in events(d / "trace") if e["ev"] in ("score", "update"))
    assert first["ev"] == "update" and first["start"] == 1
    # the twin differs from the honest submission by the order of one line's flag only
    with open(HONEST) as f:
        h = f.read().splitlines()
    with open(CHEATER) as f:
        c = [ln for ln in f.read().splitlines() if not ln.startswith("#")]
    assert [ln for ln in h if ln not in c] == ["ADAPT_BEFORE_SCORE = False"]
    # and the cheat pays: it scores better on the same data and seed
    assert rules.final_score(out)[1] < rules.final_score(honest[1])[1]


def test_test_patch_turns_the_unmodified_file_into_its_cheating_twin(tmp_path, cheater):
    """REFEREE_AUTOTRACE_TEST_PATCH (test support: how the GPU runs make the real records'
    cheating variants inside `referee run --autotrace`): the hook edits the script's globals
    when its main() starts; the file is only read, the trace names the patch, and the run is the
    cheating twin's, score for score."""
    before = file_state(HONEST)
    support = os.path.join(REPO, "python", "tests", "support")
    out = autotrace(HONEST, tmp_path, PYTHONPATH=PYTHON_DIR + os.pathsep + support,
                    REFEREE_AUTOTRACE_TEST_PATCH="cheat_entry:patch_autotrace_ttt")
    assert file_state(HONEST) == before
    assert rules.check(str(tmp_path / "trace"), out)["causal.score-before-update"] is False
    info = events(tmp_path / "trace")[0]
    assert info["name"] == "autotrace" and info["test_patch"] == "cheat_entry:patch_autotrace_ttt"
    assert rules.final_score(out) == rules.final_score(cheater[1])


def test_plain_evaluator_covers_validation(tmp_path):
    out = autotrace(HONEST, tmp_path, TTT_EPOCHS=0)
    evs = events(tmp_path / "trace")
    assert not [e for e in evs if e["ev"] == "update"]
    assert rules.check(str(tmp_path / "trace"), out) == {r: True for r in rules.RULES}
    start = next(e for e in evs if e["ev"] == "phase" and e["name"] == "eval_start")
    assert start["val_tokens"] == 60824


def test_entry_script_is_never_modified(honest):
    _, _, before = honest
    assert file_state(HONEST) == before


# --------------------------------------------------------------------------- mechanisms


MINI = textwrap.dedent('''
    import os, sys
    import numpy as np, torch, torch.nn.functional as F
    val = np.fromfile(os.environ["DATA_PATH"] + "/fineweb_val_000000.bin", dtype="<u2", offset=1024).astype(np.int64)
    torch.manual_seed(0)
    V, mode = 1024, sys.argv[1]
    w = torch.randn(V, V) * 0.1
    def logits(x):
        return w[x]
    if mode == "mean":        # baseline style: mean CE over whole rows, sum += mean * count
        s = torch.zeros((), dtype=torch.float64)
        for r in range(0, 4000, 1000):
            x = torch.from_numpy(val[r:r + 1000]); y = torch.from_numpy(val[r + 1:r + 1001])
            s += F.cross_entropy(logits(x), y).double() * 1000
        print("final_int8_zlib_roundtrip_exact val_loss:%.8f val_bpb:1.0" % (s / 4000).item())
    elif mode == "gather":    # log_softmax + gather, per-token NLL exported to NumPy
        total = []
        for r in range(0, 3000, 500):
            x = torch.from_numpy(val[r:r + 500]); y = torch.from_numpy(val[r + 1:r + 501])
            lp = F.log_softmax(logits(x), dim=-1).double()
            nll = -lp.gather(1, y[:, None])[:, 0]
            psum = lp.exp().sum(1)
            total.append(nll.numpy())
            _ = psum.min().item()
        print("final_int8_zlib_roundtrip_exact val_loss:%.8f val_bpb:1.0" % np.concatenate(total).mean())
    elif mode == "twopass":   # an early evaluation pass, then the final one: only the last counts
        for p in range(2):
            s = torch.zeros((), dtype=torch.float64)
            for r in range(0, 2000 if p else 1000, 1000):
                x = torch.from_numpy(val[r:r + 1000]); y = torch.from_numpy(val[r + 1:r + 1001])
                s += F.cross_entropy(logits(x), y, reduction="sum").double()
        print("final_int8_zlib_roundtrip_exact val_loss:%.8f val_bpb:1.0" % (s / 2000).item())
    elif mode == "dist":      # two ranks (gloo), each scores its half, sums all-reduced
        import torch.distributed as dist
        dist.init_process_group("gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        n = 4000
        s = torch.zeros((), dtype=torch.float64)
        for r in range(rank * n // world, (rank + 1) * n // world, 500):
            x = torch.from_numpy(val[r:r + 500]); y = torch.from_numpy(val[r + 1:r + 501])
            s += F.cross_entropy(logits(x), y, reduction="sum").double()
        dist.all_reduce(s)
        if rank == 0:
            print("final_int8_zlib_roundtrip_exact val_loss:%.8f val_bpb:1.0" % (s / n).item())
        dist.destroy_process_group()
    elif mode.split("_")[0] in ("manual", "inplace", "permute"):  # TTT by hand, no optimizer
        # permute: values in eighths, so every norm is summed exactly in any order
        p = torch.nn.Parameter(torch.round(w * 8) / 8 if mode.startswith("permute") else w.clone())
        s = torch.zeros((), dtype=torch.float64)
        for r in range(0, 3000, 500):
            x = torch.from_numpy(val[r:r + 500]); y = torch.from_numpy(val[r + 1:r + 501])
            def adapt():
                p.grad = None
                F.cross_entropy(p[x], y).backward()
                with torch.no_grad():
                    if mode.startswith("inplace"):  # p -= lr * p.grad: bumps p's version counter
                        p.sub_(p.grad * 0.5)
                    elif mode.startswith("permute"):  # keeps every norm: only a copy sees it
                        p.data.copy_(p.data.roll(1, 0))
                    else:  # through .data: only the checksum sees it
                        p.data.add_(p.grad, alpha=-0.5)
            if mode.endswith("_cheat"):
                adapt()
            with torch.no_grad():
                s += F.cross_entropy(p[x], y, reduction="sum").double()
            if mode.endswith("_honest"):
                adapt()
        print("final_int8_zlib_roundtrip_exact val_loss:%.8f val_bpb:1.0" % (s / 3000).item())
    elif mode.startswith("inference"):  # the records' evaluations, under torch.inference_mode()
        s = torch.zeros((), dtype=torch.float64)
        with torch.inference_mode():
            for r in range(0, 3000, 1000):
                x = torch.from_numpy(val[r:r + 1000]); y = torch.from_numpy(val[r + 1:r + 1001])
                if mode == "inference":  # the baseline: mean CE times the count
                    s += F.cross_entropy(logits(x), y).detach().to(torch.float64) * 1000.0
                else:  # LegalTTT: per-token CE, a slice of it summed in float64
                    nll = F.cross_entropy(logits(x), y, reduction="none")
                    s += nll[0:1000].to(torch.float64).sum()
        print("final_int8_zlib_roundtrip_exact val_loss:%.8f val_bpb:1.0" % (s / 3000).item())
    elif mode == "retarget":  # the targets are overwritten after the loss call, before the count
        s = torch.zeros((), dtype=torch.float64)
        for r in range(0, 3000, 500):
            x = torch.from_numpy(val[r:r + 500]); y = torch.from_numpy(val[r + 1:r + 501]).clone()
            loss = F.cross_entropy(logits(x), y, reduction="sum").double()
            y.copy_(torch.from_numpy(val[5001:5501]))
            s += loss
        print("final_int8_zlib_roundtrip_exact val_loss:%.8f val_bpb:1.0" % (s / 3000).item())
    elif mode == "pretrain":  # trains on validation tokens before evaluating them
        p = torch.nn.Parameter(w.clone()); opt = torch.optim.SGD([p], lr=0.1)
        x = torch.from_numpy(val[0:100]); y = torch.from_numpy(val[1:101])
        opt.zero_grad(); F.cross_entropy(p[x], y).backward(); opt.step()
        s = torch.zeros((), dtype=torch.float64)
        with torch.no_grad():
            s += F.cross_entropy(p[torch.from_numpy(val[0:1000])], torch.from_numpy(val[1:1001]), reduction="sum").double()
        print("final_int8_zlib_roundtrip_exact val_loss:%.8f val_bpb:1.0" % (s / 1000).item())
''')


def mini(tmp_path, mode, **env):
    script = tmp_path / "mini.py"
    script.write_text(MINI)
    out = autotrace(script, tmp_path / mode, args=[mode], **env)
    evs = events(tmp_path / mode / "trace")
    return out, [e for e in evs if e["ev"] == "score"], [e for e in evs if e["ev"] == "update"], evs[0]


def test_mean_reduction_counts_whole_rows(tmp_path):
    out, scores, updates, _ = mini(tmp_path, "mean")
    assert [(e["start"], e["end"]) for e in scores] == [(1, 1001), (1001, 2001), (2001, 3001), (3001, 4001)]
    loss = float(re.search(r"val_loss:(\S+)", out).group(1))
    assert abs(sum(e["nll"] for e in scores) / 4000 - loss) < 1e-6
    assert not updates


def test_log_softmax_gather_exported_to_numpy(tmp_path):
    out, scores, _, info = mini(tmp_path, "gather")
    assert (scores[0]["start"], scores[-1]["end"]) == (1, 3001) and len(scores) == 6
    assert info["chosen_via"] == "export"
    assert all(abs(e["psum_min"] - 1) < 1e-5 and abs(e["psum_max"] - 1) < 1e-5 for e in scores)
    loss = float(re.search(r"val_loss:(\S+)", out).group(1))
    assert abs(sum(e["nll"] for e in scores) / 3000 - loss) < 1e-6


def test_only_the_last_evaluation_pass_is_kept(tmp_path):
    _, scores, _, info = mini(tmp_path, "twopass")
    assert info["passes"] == 2
    assert [(e["start"], e["end"]) for e in scores] == [(1, 1001), (1001, 2001)]


def test_training_on_validation_before_scoring_is_an_update(tmp_path):
    out, scores, updates, _ = mini(tmp_path, "pretrain")
    assert [(u["start"], u["end"]) for u in updates] == [(1, 101)]
    assert rules.check(str(tmp_path / "pretrain" / "trace"), out)["causal.score-before-update"] is False


def test_two_ranks_through_torchrun(tmp_path):
    """torchrun -m referee_autotrace: every worker is observed and writes its own rank file."""
    exe = need_torch()
    script = tmp_path / "mini.py"
    script.write_text(MINI)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFEREE_")}
    env.update({"PYTHONPATH": PYTHON_DIR, "DATA_PATH": os.path.join(DATA, "dataset"), "OMP_NUM_THREADS": "1",
                "REFEREE_TRACE_DIR": str(tmp_path / "trace")})
    # "--redirects 9:0 --tee 9:0": Debian's torch 1.13 on Python 3.11 cannot parse the default "0"
    # (Std.from_str returns None: IntFlag iteration skips 0); a mapping naming only a local rank
    # that does not exist leaves every real rank unredirected (what Referee's runner adds,
    # docs/runner.md).
    proc = subprocess.run([exe, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                           "--redirects", "9:0", "--tee", "9:0",
                           "-m", "referee_autotrace", str(script), "dist"], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ranks, chain_ok = rules.load(str(tmp_path / "trace"))
    assert sorted(ranks) == [0, 1] and chain_ok
    spans = {r: [(e["start"], e["end"]) for e in evs if e["ev"] == "score"] for r, evs in ranks.items()}
    assert spans[0][0] == (1, 501) and spans[0][-1][1] == 2001
    assert spans[1][0] == (2001, 2501) and spans[1][-1][1] == 4001
    starts = [e for evs in ranks.values() for e in evs if e["ev"] == "phase" and e["name"] == "eval_start"]
    assert [e["world_size"] for e in starts] == [2, 2]


@pytest.mark.parametrize("mode", ["manual_honest", "manual_cheat", "inplace_honest", "inplace_cheat",
                                  "permute_honest", "permute_cheat"])
def test_updates_without_an_optimizer_are_seen(tmp_path, mode):
    """TTT written by hand (p.data.add_(p.grad)): a parameter holding a gradient that changes
    without an optimizer step is an update of the positions that fed the gradient; also a
    write that keeps every norm of the parameter (a permutation of its elements)."""
    out, scores, updates, info = mini(tmp_path, mode)
    assert info["manual_updates"] == 6 and info["optimizer_steps"] == 0
    assert [(u["start"], u["end"], u["kind"]) for u in updates] == [(r + 1, r + 501, "other") for r in range(0, 3000, 500)]
    verdict = rules.check(str(tmp_path / mode / "trace"), out)["causal.score-before-update"]
    assert verdict is mode.endswith("_honest")


@pytest.mark.parametrize("mode", ["inference", "inference_none"])
def test_losses_under_inference_mode_are_observed(tmp_path, mode):
    """The records evaluate under torch.inference_mode(), whose tensors have no version counter:
    a reduced loss there is observed like any other (it raised inside the hook, leaving every
    call unobserved and the causal rules unverifiable, on the real scripts on GPUs)."""
    out, scores, _, info = mini(tmp_path, mode)
    assert info["internal_errors"] == 0 and info["chosen_via"] == "accumulate"
    assert [(e["start"], e["end"]) for e in scores] == [(1, 1001), (1001, 2001), (2001, 3001)]
    loss = float(re.search(r"val_loss:(\S+)", out).group(1))
    assert abs(sum(e["nll"] for e in scores) / 3000 - loss) < 1e-6


def test_targets_written_after_the_call_are_located_as_they_were(tmp_path):
    """Targets are read back long after the loss call (in batches): what is located is the
    device-side copy taken at the call, not the tensor the script wrote afterwards."""
    out, scores, _, _ = mini(tmp_path, "retarget")
    assert [(e["start"], e["end"]) for e in scores] == [(r + 1, r + 501) for r in range(0, 3000, 500)]
    loss = float(re.search(r"val_loss:(\S+)", out).group(1))
    assert abs(sum(e["nll"] for e in scores) / 3000 - loss) < 1e-6


@pytest.mark.parametrize("mode", ["gather", "manual_cheat", "twopass"])
def test_reading_back_in_batches_changes_no_event(tmp_path, mode):
    """Observations are read back every REFEREE_AUTOTRACE_FLUSH_EVERY of them: reading each
    back at once (1) gives the same events as the default batches."""
    def run(name, **env):
        (tmp_path / name).mkdir()
        mini(tmp_path / name, mode, **env)
        return [{k: v for k, v in e.items() if k not in ("t", "seq", "prev", "index_seconds")}
                for e in events(tmp_path / name / mode / "trace")]
    one, batched = run("one", REFEREE_AUTOTRACE_FLUSH_EVERY=1), run("batched")
    assert one == batched
    assert [e for e in batched if e["ev"] in ("score", "update")]


def test_locate_finds_rows_and_rejects_noise():
    np = pytest.importorskip("numpy")
    import referee_probe
    from referee_autotrace.stream import ValStream
    val = np.frombuffer(referee_probe.read_shard(VAL).tobytes(), dtype="<u2")
    s = ValStream(val, k=8)
    rows = np.concatenate([val[101:161], np.zeros(20, dtype=np.int64), val[5000:5040], val[41:61]])
    pos, seg = s.locate(rows)
    assert list(pos[:60]) == list(range(101, 161)) and (seg[:60] == 60).all()
    assert (pos[60:80] == -1).all()
    assert list(pos[80:120]) == list(range(5000, 5040))
    assert list(pos[120:]) == list(range(41, 61))
    rng = np.random.default_rng(0)
    noise, _ = s.locate(rng.integers(2, 1024, size=500))
    assert (noise == -1).all()
    first, _ = s.locate(val[0:50])
    assert first[0] == -1 and list(first[1:]) == list(range(1, 50))  # index 0 is no target position


def test_locate_whole_run_fast_path_agrees_with_segment_search():
    """A target run that lies whole in the stream is found by one index lookup; it must give
    exactly what the segment-wise search gives (the lowest full occurrence), also where the
    content repeats in the stream, and fall back to it for everything else."""
    np = pytest.importorskip("numpy")
    import referee_probe
    from referee_autotrace.stream import ValStream
    val = np.frombuffer(referee_probe.read_shard(VAL).tobytes(), dtype="<u2").astype(np.int64)
    # a stream with repeated content: the same 300 tokens at 1000 and at 7000
    rep = val.copy()
    rep[7000:7300] = rep[1000:1300]
    rng = np.random.default_rng(1)
    for stream in (val, rep):
        s = ValStream(stream, k=8)
        cases = [stream[a:a + ln] for a, ln in zip(rng.integers(0, len(stream) - 600, 60), rng.integers(8, 600, 60))]
        cases += [stream[1000:1300], stream[7000:7300], stream[1100:1200], stream[0:40]]
        cases += [np.concatenate([stream[10:50], stream[900:950]]), rng.integers(2, 1024, size=100)]
        for seq in cases:
            fast = s.locate(seq)
            n = len(seq)
            slow = s._segments(np.asarray(seq, dtype=np.int64), np.full(n, -1, dtype=np.int64),
                               np.zeros(n, dtype=np.int64), 4)
            assert np.array_equal(fast[0], slow[0]) and np.array_equal(fast[1], slow[1])
        if stream is rep:  # repeated content: the first occurrence, like the segment search
            assert s.locate(rep[7000:7300])[0][0] == 1000
            assert s._whole(rep[7000:7300]) == 1000


def test_checksums_see_a_small_write_to_low_precision_parameters():
    """Hand-written updates are seen through parameter norms. In bf16 a norm has about three
    significant digits, so one element moved by one bf16 step among 4,096 would not change it:
    low-precision parameters are measured in float32."""
    exe = need_torch()
    code = textwrap.dedent("""
        import torch
        from referee_autotrace.watch import _checksums, _differ
        p = torch.nn.Parameter(torch.ones(4096, dtype=torch.bfloat16))
        q = torch.nn.Parameter(torch.ones(64, dtype=torch.float32))
        before = _checksums([p, q])
        assert not _differ(before, _checksums([p, q]))
        p.data[7] = 1.0078125  # the next bf16 value after 1.0
        print(_differ(before, _checksums([p, q])))
        r_before = _checksums([q])
        q.data[3] += 1e-3
        print(_differ(r_before, _checksums([q])))
    """)
    proc = subprocess.run([exe, "-c", code], env=dict(os.environ, PYTHONPATH=PYTHON_DIR),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["True", "True"]


def test_parameter_snapshots_compare_bits_and_reuse_their_buffers():
    """watch.Buffers: a copy compared bit for bit (a permutation that keeps every norm is a
    change; an untouched NaN is not; -0.0 is not 0.0), buffers reused while the parameters are
    the same, new ones when a parameter's shape changes, checksums above the byte limit."""
    exe = need_torch()
    code = textwrap.dedent("""
        import torch
        from referee_autotrace.watch import Buffers
        p = torch.nn.Parameter(torch.arange(64, dtype=torch.float32))
        q = torch.nn.Parameter(torch.tensor([float("nan"), 0.0, 1.0]))
        h = torch.nn.Parameter(torch.ones(16, dtype=torch.bfloat16))  # a second dtype: a second copy
        b = Buffers()
        s = b.take([p, h, q]); first = b.bufs
        out = [s.changed()]                       # nothing written: False (NaN equals itself)
        p.data.copy_(p.data.flip(0))
        out.append(s.changed())                   # a permutation: True
        s = b.take([p, h, q]); out.append(b.bufs is first)
        q.data[1] = -0.0
        out.append(s.changed())                   # -0.0 after 0.0: True
        s = b.take([p, h, q]); h.data[5] = 1.0078125
        out.append(s.changed())                   # one bf16 step: True
        p.data = torch.zeros(8)
        s = b.take([p, q]); out.append(b.bufs is first)
        big = Buffers(limit=16)
        s = big.take([p, q]); out.append(s.copies is None and s.sums is not None)
        p.data.add_(1.0)
        out.append(s.changed())                   # the checksum sees a plain change
        print(*out)
    """)
    proc = subprocess.run([exe, "-c", code], env=dict(os.environ, PYTHONPATH=PYTHON_DIR),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["False", "True", "True", "True", "True", "False", "True", "True"]


def test_autotrace_keeps_no_dropped_model_alive():
    """A model (its parameters, its optimizer) the script drops is freed at once under the
    hooks, as without them: parameter snapshots hold parameters weakly, and torch 1.13's
    wrapped optimizer step makes no reference cycle. (Holding them kept every model an
    evaluation ever built alive, and watched all of them after each backward.)"""
    exe = need_torch()
    code = textwrap.dedent("""
        import gc, weakref
        import numpy as np, torch, torch.nn.functional as F
        from referee_autotrace import hooks
        from referee_autotrace.stream import ValStream
        gc.disable()
        val = np.arange(2, 600, dtype=np.int64)
        hooks.install(hooks.Recorder(ValStream(val), None, 0, 1))
        dead = []
        for r in range(3):
            w = torch.nn.Parameter(torch.zeros(1024, 8)); head = torch.nn.Parameter(torch.zeros(8, 1024))
            opt = torch.optim.SGD([w, head], lr=0.1)
            y = torch.from_numpy(val[100:400])
            loss = F.cross_entropy(w[torch.from_numpy(val[99:399])] @ head, y)
            opt.zero_grad(); loss.backward(); opt.step()
            ref = weakref.ref(w)
            del w, head, opt, loss
            dead.append(ref() is None)
        print(*dead, len(hooks.PARAMS))
    """)
    proc = subprocess.run([exe, "-c", code], env=dict(os.environ, PYTHONPATH=PYTHON_DIR),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["True", "True", "True", "0"]


def test_whole_run_fast_path_gives_the_general_events():
    """A counted slice of one loss call located whole becomes one event without position
    arrays (``Prov.run``); it must give exactly the events and update positions of the general
    path, and leave to it everything else (several calls, gaps, reordering, the stream's index
    0, ignored targets, runs too short for an update)."""
    exe = need_torch()
    code = textwrap.dedent("""
        import json
        import numpy as np, torch
        import referee_probe
        from referee_autotrace import hooks
        from referee_autotrace.stream import ValStream
        val = np.frombuffer(referee_probe.read_shard(%r).tobytes(), dtype="<u2").astype(np.int64)
        lut = (np.arange(65536) %% 5 + 1, np.arange(65536) %% 3 == 0, np.arange(65536) %% 7 == 0)
        rec = hooks.Recorder(ValStream(val), None, 0, 1, lut=lut)
        rng = np.random.default_rng(3)
        def call(tgt, ignore=None):
            nll = torch.from_numpy(rng.random(len(tgt)))
            c = rec.new_call(torch.from_numpy(np.asarray(tgt)), nll, nll * 0 + 1 + 1e-3 * nll, ignore_index=ignore, owned=True)
            rec.resolve([hooks.Prov([(c, np.arange(c.n))])], valued=[hooks.Prov([(c, np.arange(c.n))])])
            return c
        whole = call(val[500:756]); first = call(val[0:64]); short = call(val[900:920])
        ign = call(np.where(np.arange(100) == 7, -100, val[1000:1100]), ignore=-100)
        mixed = call(np.concatenate([val[2000:2050], rng.integers(2, 1024, 30)]))
        edge = call(val[3000:3032])  # exactly min_update_run targets
        cases = [[(whole, np.arange(256))], [(whole, np.arange(10, 40))], [(whole, np.arange(5, 6))],
                 [(whole, np.arange(0, 40, 2))], [(whole, np.arange(40)[::-1])], [(whole, np.array([3, 4, 4, 5]))],
                 [(whole, np.arange(10)), (whole, np.arange(20, 30))], [(first, np.arange(64))],
                 [(short, np.arange(20))], [(ign, np.arange(100))], [(mixed, np.arange(80))],
                 [(whole, np.arange(256).reshape(16, 16)[:, 3:9])], [(edge, np.arange(32))]]
        assert [c.start for c in (whole, first, short, ign, mixed)] == [500, None, 900, None, None]
        def run_all():
            out = []
            for parts in cases:
                pas = {"events": []}
                prov = hooks.Prov(parts)
                rec.score_now(pas, prov, 1.0)
                out.append([pas["events"], rec.update_positions(prov).tolist()])
            return out
        fast = run_all()
        hooks.Prov.run = lambda self: None
        assert fast == run_all()
        print(json.dumps([len(f[0]) for f in fast], separators=(",", ":")), sum(bool(f[1]) for f in fast))
    """ % VAL)
    proc = subprocess.run([exe, "-c", code], env=dict(os.environ, PYTHONPATH=PYTHON_DIR),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    counts, with_updates = proc.stdout.split()
    assert json.loads(counts)[:3] == [1, 1, 1] and int(with_updates) >= 5


def test_deferred_observations_keep_bounded_device_memory():
    """A training loss keeps its logits alive for the values it might be counted with; the
    observations waiting to be read back are flushed as soon as they keep
    REFEREE_AUTOTRACE_FLUSH_BYTES alive (what a batch of 64 training steps' logits would
    otherwise pin: it ran the real records out of GPU memory)."""
    exe = need_torch()
    code = textwrap.dedent("""
        import gc
        import numpy as np, torch, torch.nn.functional as F
        from referee_autotrace import hooks
        from referee_autotrace.stream import ValStream
        rng = np.random.default_rng(0)
        hooks.install(hooks.Recorder(ValStream(rng.integers(2, 1024, 5000)), None, 0, 1))
        hooks.LAZY_BYTES = 2 << 20                # what REFEREE_AUTOTRACE_FLUSH_BYTES sets
        w = torch.nn.Parameter(torch.zeros(64, 1024)); opt = torch.optim.SGD([w], lr=0.1)
        most = 0
        for step in range(40):
            x = torch.from_numpy(rng.integers(0, 64, 128)); y = torch.from_numpy(rng.integers(2, 1024, 128))
            logits = w[x] * 1.0                   # 512 KiB of float32 a step
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(); loss.backward(); opt.step()
            del logits, loss
            # loss calls still holding their input (the logits) for values they may be counted with
            most = max(most, sum(isinstance(o, hooks.LossCall) and callable(o._nll) for o in gc.get_objects()))
        print(most, hooks.RECORDER.internal_errors)
    """)
    proc = subprocess.run([exe, "-c", code], env=dict(os.environ, PYTHONPATH=PYTHON_DIR),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    most, errors = map(int, proc.stdout.split())
    assert errors == 0 and 1 <= most <= 5  # 2 MiB / 512 KiB, plus the step in flight


def test_rows_of_a_batch_are_located_each_on_its_own():
    """A batch of windows flattened for the loss call (``y.reshape(-1)`` of (rows, seq)): where
    a row's first target happens to be the token that follows the previous row's text in the
    stream, a segment must not run on into it (the LoRA record's per-document rows did: one
    position scored twice, another never)."""
    exe = need_torch()
    code = textwrap.dedent("""
        import numpy as np, torch
        import referee_probe
        from referee_autotrace import hooks
        from referee_autotrace.stream import ValStream
        val = np.frombuffer(referee_probe.read_shard(%r).tobytes(), dtype="<u2").astype(np.int64)
        a = 1000                                   # row 0: the 64 targets at [a, a + 64)
        b = int(np.flatnonzero(val[2000:] == val[a + 64])[0]) + 2000   # row 1 starts with val[a + 64]
        rec = hooks.Recorder(ValStream(val), None, 0, 1)
        y = torch.from_numpy(np.stack([val[a:a + 64], val[b:b + 64]]))
        flat = y.reshape(-1)
        for target in (flat, flat.clone()):        # a view of the batch; a copy that lost its rows
            c = rec.new_call(target, torch.zeros(128), None, owned=True)
            rec.resolve([hooks.Prov([(c, np.arange(128))])])
            print(c.rowlen, int(c.pos[64]) == b, int(c.pos[63]) == a + 63)
    """ % VAL)
    proc = subprocess.run([exe, "-c", code], env=dict(os.environ, PYTHONPATH=PYTHON_DIR),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    view, copy = proc.stdout.splitlines()
    assert view.split() == ["64", "True", "True"]
    assert copy.split() == ["None", "False", "True"]  # without rows the run-on is what happens


def test_gradient_accumulation_is_not_read_back_step_by_step():
    """Backward after backward with the parameters unchanged (gradient accumulation, how the
    records train) costs one comparison of the snapshot each, not a read-back and locating of
    every training batch: nothing is read back before the batch of observations is flushed."""
    exe = need_torch()
    code = textwrap.dedent("""
        import numpy as np, torch, torch.nn.functional as F
        from referee_autotrace import hooks
        from referee_autotrace.stream import ValStream
        rng = np.random.default_rng(0)
        rec = hooks.Recorder(ValStream(rng.integers(2, 1024, 5000)), None, 0, 1)
        hooks.install(rec)
        reads = []
        resolve = hooks.Recorder.resolve
        hooks.Recorder.resolve = lambda self, *a, **k: (reads.append(1), resolve(self, *a, **k))[1]
        w = torch.nn.Parameter(torch.zeros(64, 1024)); opt = torch.optim.SGD([w], lr=0.1)
        for step in range(10):
            opt.zero_grad()
            for micro in range(4):
                x = torch.from_numpy(rng.integers(0, 64, 128)); y = torch.from_numpy(rng.integers(2, 1024, 128))
                F.cross_entropy(w[x], y).backward()
            opt.step()
        print(len(reads), rec.stats["manual_updates"], rec.stats["backward_calls"])
    """)
    proc = subprocess.run([exe, "-c", code], env=dict(os.environ, PYTHONPATH=PYTHON_DIR),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["0", "0", "40"]


def test_usage_errors():
    exe = torch_python() or sys.executable
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    proc = subprocess.run([exe, "-m", "referee_autotrace"], env=env, capture_output=True, text=True)
    assert proc.returncode == 2 and "usage" in proc.stderr
    proc = subprocess.run([exe, "-m", "referee_autotrace", "/nonexistent/train_gpt.py"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "no such file" in proc.stderr
    for name, value in (("REFEREE_AUTOTRACE_FLUSH_EVERY", "64k"), ("REFEREE_AUTOTRACE_COPY_BYTES", "-1"),
                        ("REFEREE_AUTOTRACE_K", "1")):
        proc = subprocess.run([exe, "-m", "referee_autotrace", HONEST], env=dict(env, **{name: value}),
                              capture_output=True, text=True)
        assert proc.returncode == 2 and name in proc.stderr and "expected a whole number" in proc.stderr, proc.stderr


def test_unobservable_submission_does_not_pass_coverage(tmp_path):
    """The NumPy CPU reference makes no PyTorch loss call: nothing is observed, so the trace has
    no score and coverage fails (it must never pass on what autotrace could not see). (Its
    score-before-update, with no update seen, would pass vacuously: see docs/autotrace.md.)"""
    from runner import REFERENCE
    out = autotrace(REFERENCE, tmp_path, ITERATIONS=3)
    evs = events(tmp_path / "trace")
    assert evs[0]["name"] == "autotrace" and evs[0]["loss_calls"] == 0 and evs[0]["passes"] == 0
    assert not [e for e in evs if e["ev"] == "score"]
    # the script's own referee_probe trace is switched off: every line is an observed one
    assert all(e.get("source") == "autotrace" for e in evs)
    assert rules.final_score(out)[1] > 0  # the script itself ran to its score
