"""The hash-chained trace writer: chain, sequence, event fields, resume, no-op mode."""
import hashlib
import json
import os

import pytest

import referee_probe
from referee_probe import Trace


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data.endswith(b"\n")
    return data[:-1].split(b"\n")


def check_chain(lines):
    prev = "0" * 64
    for seq, line in enumerate(lines):
        obj = json.loads(line)
        assert obj["seq"] == seq
        assert obj["prev"] == prev
        assert obj["v"] == 1
        prev = hashlib.sha256(line).hexdigest()


def test_chain_and_fields(tmp_path):
    t = Trace(str(tmp_path), rank=3)
    t.phase("eval_start", val_tokens=100, world_size=2)
    t.score(1, 50, 12.5, 180, 0.99999, 1.00001)
    t.update("cache", 1, 50)
    t.phase("eval_end", val_loss=0.25, val_bpb=0.1)
    lines = read_lines(tmp_path / "rank3.jsonl")
    assert len(lines) == 4
    check_chain(lines)
    objs = [json.loads(x) for x in lines]
    assert [o["ev"] for o in objs] == ["phase", "score", "update", "phase"]
    assert all(o["rank"] == 3 and isinstance(o["t"], float) for o in objs)
    assert objs[0]["name"] == "eval_start" and objs[0]["val_tokens"] == 100 and objs[0]["world_size"] == 2
    s = objs[1]
    assert (s["start"], s["end"], s["nll"], s["bytes"], s["psum_min"], s["psum_max"]) == (1, 50, 12.5, 180, 0.99999, 1.00001)
    assert (objs[2]["kind"], objs[2]["start"], objs[2]["end"]) == ("cache", 1, 50)


def test_edited_line_breaks_chain(tmp_path):
    t = Trace(str(tmp_path))
    for i in range(3):
        t.score(1 + 10 * i, 11 + 10 * i, 1.0, 10, 1.0, 1.0)
    lines = read_lines(tmp_path / "rank0.jsonl")
    lines[1] = lines[1].replace(b'"nll":1.0', b'"nll":0.5')
    with pytest.raises(AssertionError):
        check_chain(lines)


def test_resume_continues_chain(tmp_path):
    Trace(str(tmp_path)).phase("train_start")
    t = Trace(str(tmp_path))
    assert t.seq == 1
    t.phase("train_end")
    check_chain(read_lines(tmp_path / "rank0.jsonl"))


def test_resume_rejects_garbage(tmp_path):
    (tmp_path / "rank0.jsonl").write_bytes(b"not json\n")
    with pytest.raises(ValueError, match="rank0.jsonl: line 1"):
        Trace(str(tmp_path))


def test_disabled_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("REFEREE_TRACE_DIR", raising=False)
    monkeypatch.setattr(referee_probe, "_TRACE", None)
    t = referee_probe.trace()
    assert not t.enabled
    t.phase("train_start")
    t.score(1, 2, 0.1, 1, 1.0, 1.0)
    assert t.seq == 0


def test_env_trace_uses_rank(tmp_path, monkeypatch):
    monkeypatch.setenv("REFEREE_TRACE_DIR", str(tmp_path))
    monkeypatch.setenv("RANK", "2")
    monkeypatch.setattr(referee_probe, "_TRACE", None)
    referee_probe.trace().phase("train_start")
    assert (tmp_path / "rank2.jsonl").exists()
    monkeypatch.setattr(referee_probe, "_TRACE", None)


def test_rejects_bad_events(tmp_path):
    t = Trace(str(tmp_path))
    with pytest.raises(ValueError):
        t.update("peek", 1, 2)
    with pytest.raises(ValueError):
        t.score(5, 5, 0.0, 0, 1.0, 1.0)
    with pytest.raises(ValueError):
        t.score(1, 2, float("nan"), 0, 1.0, 1.0)
    assert not os.path.exists(tmp_path / "rank0.jsonl")


def test_helper_needs_no_numpy():
    import subprocess
    import sys
    code = "import sys, referee_probe; sys.exit(1 if 'numpy' in sys.modules else 0)"
    env = {"PYTHONPATH": os.path.dirname(referee_probe.__file__), "PATH": os.environ.get("PATH", "")}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


def test_fast_lines_equal_json_dumps(tmp_path):
    # score/update lines are formatted by hand; they must be byte for byte json.dumps's.
    t = Trace(str(tmp_path), rank=7)
    t.score(1, 50, 12.5, 180, 0.99999, 1.00001)
    t.score(50, 51, -0.0, 0, 1e-300, 1.0000000000000002)
    t.score(51, 10**12, 123456789.123456789, 2**40, 0.1 + 0.2, 3.0)
    t.update("cache", 1, 50)
    t.update("ttt", 50, 10**12)
    t.update("other", 2, 3)
    lines = read_lines(tmp_path / "rank7.jsonl")
    check_chain(lines)
    for line in lines:
        obj = json.loads(line)
        assert json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False).encode() == line
    with pytest.raises(ValueError):
        t.score(1, 2, 0.0, 0, float("inf"), 1.0)
    assert len(read_lines(tmp_path / "rank7.jsonl")) == 6


def test_fsync_policy(tmp_path, monkeypatch):
    # Kept open; fsync after each phase event, at most once a second otherwise, and at close.
    syncs = []
    real_fsync = os.fsync
    monkeypatch.setattr(referee_probe.os, "fsync", lambda fd: (syncs.append(fd), real_fsync(fd)))
    clock = [1000.0]
    monkeypatch.setattr(referee_probe.time, "monotonic", lambda: clock[0])
    t = Trace(str(tmp_path))
    t.phase("eval_start", val_tokens=100, world_size=1)
    assert len(syncs) == 1
    for i in range(100):
        t.score(1 + i, 2 + i, 0.5, 1, 1.0, 1.0)
    assert len(syncs) == 1  # no time passed: every line written, none fsync'ed
    assert len(read_lines(tmp_path / "rank0.jsonl")) == 101  # but all in the file already
    clock[0] += 1.5
    t.score(200, 201, 0.5, 1, 1.0, 1.0)
    assert len(syncs) == 2
    t.update("ttt", 200, 201)
    t.close()
    assert len(syncs) == 3
    t.phase("eval_end")
    assert len(syncs) == 4
    check_chain(read_lines(tmp_path / "rank0.jsonl"))
