"""The committed synthetic dataset: regenerates byte-identically, and its byte count is right."""
import json
import os

import pytest

from conftest import REPO
import referee_probe

DATA = os.path.join(REPO, "data", "sp1024_synth")


def manifest():
    with open(os.path.join(DATA, "manifest.json")) as f:
        return json.load(f)


def test_committed_shards_match_manifest():
    m = manifest()
    for rel, count in m["tokens"].items():
        tokens = referee_probe.read_shard(os.path.join(DATA, rel))
        assert len(tokens) == count
        assert tokens[0] == 1
        assert max(tokens) < m["vocab_size"]
    val = referee_probe.read_shard(os.path.join(DATA, "dataset", "fineweb_val_000000.bin"))
    assert sum(1 for t in val if t == 1) == m["val_docs"]


def test_val_bytes_equal_text_bytes():
    spm = pytest.importorskip("sentencepiece")
    m = manifest()
    sp = spm.SentencePieceProcessor(model_file=os.path.join(DATA, "tokenizer", "synth_1024_bpe.model"))
    lut = referee_probe.ByteLUT.from_sentencepiece(sp)
    assert sum(1 for t in range(sp.vocab_size()) if sp.is_byte(t)) == 256
    val = referee_probe.read_shard(os.path.join(DATA, "dataset", "fineweb_val_000000.bin"))
    n = lut.target_bytes(val, 1, len(val))
    assert n == m["val_target_bytes"] == m["val_text_bytes"]


def test_regenerates_byte_identical(tmp_path):
    spm = pytest.importorskip("sentencepiece")
    import make_data
    m = manifest()
    new = make_data.generate(str(tmp_path / "a"))
    assert new["text_sha256"] == m["text_sha256"]
    with open(os.path.join(DATA, "tokenizer", make_data.MODEL_NAME), "rb") as f:
        committed_model = f.read()
    val = make_data.encode_docs(committed_model, make_data.documents(m["seed"], m["val_docs"]))
    assert val == list(referee_probe.read_shard(os.path.join(DATA, "dataset", "fineweb_val_000000.bin")))
    if spm.__version__ != m["sentencepiece_version"]:
        pytest.skip("sentencepiece %s here, data made with %s: only the text is compared"
                    % (spm.__version__, m["sentencepiece_version"]))
    for rel, digest in m["sha256"].items():
        with open(os.path.join(tmp_path, "a", rel), "rb") as f, open(os.path.join(DATA, rel), "rb") as g:
            assert f.read() == g.read(), rel
    again = make_data.generate(str(tmp_path / "b"))
    assert again["sha256"] == new["sha256"]


def test_heldout_shard_is_disjoint_and_outside_the_dataset_folder():
    import make_data
    m = manifest()
    path = os.path.join(DATA, "heldout", "fineweb_heldout_000000.bin")
    held = referee_probe.read_shard(path)
    assert len(held) == m["heldout_tokens"] == m["tokens"]["heldout/fineweb_heldout_000000.bin"]
    assert sum(1 for t in held if t == 1) == m["heldout_docs"]
    # No training glob under dataset/ reads it.
    assert not any(name.startswith("fineweb_heldout") for name in os.listdir(os.path.join(DATA, "dataset")))
    seed = m["seed"]
    held_docs = make_data.documents(seed + 2, m["heldout_docs"])
    others = set(make_data.documents(seed, m["val_docs"])) | set(make_data.documents(seed + 1, m["train_docs"]))
    assert not set(held_docs) & others
    import hashlib
    assert hashlib.sha256("\n".join(held_docs).encode()).hexdigest() == m["heldout_text_sha256"]
