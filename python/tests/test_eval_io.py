"""Eval entry point: request parsing, nll.f64 and dists.jsonl outputs; shard reader; byte LUT."""
import json
import struct

import pytest

import referee_probe
from referee_probe import eval_request, write_eval_outputs


def env(tmp_path, **extra):
    e = {"REFEREE_EVAL_ONLY": "1", "REFEREE_EVAL_SHARD": "/x/val.bin",
         "REFEREE_EVAL_OUT": str(tmp_path / "out")}
    e.update(extra)
    return e


def test_no_request_without_flag():
    assert eval_request({}) is None
    assert eval_request({"REFEREE_EVAL_ONLY": "0", "REFEREE_EVAL_SHARD": "a"}) is None


def test_request_fields(tmp_path):
    r = eval_request(env(tmp_path, REFEREE_DIST_POSITIONS="5, 17,2", REFEREE_ARTIFACT="/a/m.ptz"))
    assert r.shard == "/x/val.bin" and r.positions == [5, 17, 2]
    assert r.artifact_path("final_model.ptz") == "/a/m.ptz"
    r2 = eval_request(env(tmp_path))
    assert r2.positions == [] and r2.artifact_path("final_model.ptz") == "final_model.ptz"


@pytest.mark.parametrize("key,value,needle", [
    ("REFEREE_EVAL_SHARD", "", "REFEREE_EVAL_SHARD"),
    ("REFEREE_EVAL_OUT", "", "REFEREE_EVAL_OUT"),
    ("REFEREE_DIST_POSITIONS", "3,x", "'x'"),
    ("REFEREE_DIST_POSITIONS", "0", "must be >= 1"),
])
def test_request_errors(tmp_path, key, value, needle):
    with pytest.raises(ValueError, match=needle):
        eval_request(env(tmp_path, **{key: value}))


def test_write_outputs(tmp_path):
    r = eval_request(env(tmp_path, REFEREE_DIST_POSITIONS="2,1"))
    nll = [0.5, 1.25, 3.0]
    dists = {1: [0.25, 0.75], 2: [0.5, 0.5], 3: [1.0, 0.0]}
    write_eval_outputs(nll, dists, request=r, n_targets=3)
    raw = (tmp_path / "out" / "nll.f64").read_bytes()
    assert struct.unpack("<3d", raw) == (0.5, 1.25, 3.0)
    lines = (tmp_path / "out" / "dists.jsonl").read_text().splitlines()
    assert [json.loads(x) for x in lines] == [{"pos": 2, "probs": [0.5, 0.5]}, {"pos": 1, "probs": [0.25, 0.75]}]


def test_write_outputs_numpy(tmp_path):
    np = pytest.importorskip("numpy")
    write_eval_outputs(np.array([1.0, 2.0], dtype=np.float32), {}, out_dir=str(tmp_path))
    assert struct.unpack("<2d", (tmp_path / "nll.f64").read_bytes()) == (1.0, 2.0)


def test_write_outputs_errors(tmp_path):
    r = eval_request(env(tmp_path, REFEREE_DIST_POSITIONS="4"))
    with pytest.raises(ValueError, match="position 4"):
        write_eval_outputs([1.0] * 5, {1: [1.0]}, request=r)
    with pytest.raises(ValueError, match="expected 4"):
        write_eval_outputs([1.0] * 5, {4: [1.0]}, request=r, n_targets=4)
    assert not (tmp_path / "out" / "nll.f64").exists()


def test_shard_roundtrip_and_errors(tmp_path):
    p = tmp_path / "fineweb_val_000000.bin"
    referee_probe.write_shard(str(p), [1, 7, 65535, 0])
    raw = p.read_bytes()
    assert struct.unpack("<3i", raw[:12]) == (20240520, 1, 4) and len(raw) == 1024 + 8
    assert list(referee_probe.read_shard(str(p))) == [1, 7, 65535, 0]
    (tmp_path / "short.bin").write_bytes(raw[:-2])
    with pytest.raises(referee_probe.ShardError, match="short.bin: header says 4 tokens"):
        referee_probe.read_shard(str(tmp_path / "short.bin"))
    (tmp_path / "magic.bin").write_bytes(struct.pack("<i", 7) + raw[4:])
    with pytest.raises(referee_probe.ShardError, match="magic 7"):
        referee_probe.read_shard(str(tmp_path / "magic.bin"))
    referee_probe.write_shard(str(tmp_path / "fineweb_val_000001.bin"), [1, 2])
    assert list(referee_probe.load_tokens(str(tmp_path / "fineweb_val_*.bin"))) == [1, 7, 65535, 0, 1, 2]


def test_byte_lut_rule():
    # ids: 0 control, 1 byte piece, 2 "▁ab", 3 "é" (2 UTF-8 bytes)
    lut = referee_probe.ByteLUT([0, 1, 2, 2], [False, False, True, False], [True, False, False, False])
    assert lut.token_bytes(0, 2) == 2      # leading space after a boundary is not counted
    assert lut.token_bytes(3, 2) == 3      # after a normal piece it is
    assert lut.target_bytes([0, 2, 3, 2, 1], 1, 5) == 2 + 2 + 3 + 1
    with pytest.raises(ValueError):
        lut.target_bytes([0, 2], 0, 2)
