#!/usr/bin/env python3
"""Generates Referee's synthetic FineWeb-format dataset, offline and deterministically.

    python3 python/make_data.py [--out data/sp1024_synth]

Writes ``<out>/tokenizer/synth_1024_bpe.model`` (a SentencePiece BPE model trained
here on the generated text), ``<out>/dataset/fineweb_train_00000N.bin``,
``<out>/dataset/fineweb_val_000000.bin``, ``<out>/heldout/fineweb_heldout_000000.bin``
and ``<out>/manifest.json`` (sizes, SHA-256 of every file, the validation byte
count under the baseline byte rule and the sentencepiece version used).

The held-out shard (``--heldout-shards <out>/heldout`` on ``referee run`` and
``referee probe``) holds HELDOUT_DOCS documents of the same generator, drawn from
their own random stream (seed + 2) and checked to share no document with the
validation or training text. It sits outside ``dataset/`` so that no training
glob (``fineweb_*_*.bin`` under DATA_PATH) reads it. Adding it changed none of
the earlier files: the tokenizer and the train/val shards are byte-identical.

Documents come from a procedural English-like generator (embedded word lists and
a small grammar) driven by ``random.Random(seed)``; each document has a topic and
invented names that recur inside it, so that a cache has something to find.
A few rare non-ASCII characters exercise the tokenizer's byte fallback.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import referee_probe  # noqa: E402

SEED = 20240520
VOCAB_SIZE = 1024
VAL_DOCS = 290
HELDOUT_DOCS = 290  # as many documents as validation: the held-out stream is about as long
TRAIN_DOCS = 6000
TRAIN_SHARDS = 2
TOKENIZER_DOCS = 2500  # the tokenizer is trained on the first train documents only
MODEL_NAME = "synth_1024_bpe.model"

DETERMINERS = "the a this that every one some no each another".split()
ADJECTIVES = ("old new small large quiet bright dark early late green red blue cold warm "
              "simple strange careful quick slow heavy light young ancient open hidden busy "
              "empty narrow wide deep soft loud gentle rare common clever tired happy").split()
ADVERBS = "slowly quickly often rarely quietly carefully suddenly always never again soon".split()
PREPOSITIONS = "in on near under over behind beside through across from with without".split()
CONNECTIVES = ("and then, but, because, so, while, after that, before long, meanwhile, "
               "in the end, however,").split(", ")
TOPICS = {
    "sea": ("ship harbor wave sailor captain island storm net fish rope deck tide lighthouse "
            "anchor coast", "sailed watched pulled fixed crossed counted followed mended"),
    "farm": ("field farmer horse barn wheat cow fence seed rain tractor orchard apple goat "
             "market hill", "planted carried fed sold harvested built cleaned watered"),
    "city": ("street train station market tower bridge office window crowd bus shop engineer "
             "clerk square river", "crossed visited painted repaired opened closed entered left"),
    "school": ("teacher student book lesson class garden library map letter question answer "
               "desk bell pencil story", "read wrote answered asked learned taught explained drew"),
    "forest": ("tree fox wolf path river stone cabin hunter bird leaf branch fire moss owl "
               "trail", "found climbed followed heard gathered burned crossed hid"),
    "kitchen": ("bread soup cook oven table salt onion pot knife spoon recipe cake butter "
                "flour guest", "baked tasted cut stirred served mixed boiled shared"),
    "science": ("number engine signal model experiment result machine light metal sample "
                "theory data scale lab measure", "measured tested built compared observed "
                "computed recorded changed"),
}
COMMON_VERBS = "saw liked wanted remembered found kept moved made took gave".split()
SYLLABLES = "ka lo mi ra ten vo shi an del ri mar to bel su ne or ga fi lin".split()
RARE = ["caf\u00e9", "na\u00efve", "r\u00e9sum\u00e9", "\u00fcber", "\u03c0", "\u20ac5",
        "\u2014", "S\u00e3o Paulo", "fa\u00e7ade", "\u00c5ngstr\u00f6m"]


def make_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def noun_phrase(rng: random.Random, nouns: list, names: list) -> str:
    if names and rng.random() < 0.3:
        return rng.choice(names)
    words = [rng.choice(DETERMINERS)]
    if rng.random() < 0.5:
        words.append(rng.choice(ADJECTIVES))
    noun = rng.choice(nouns)
    if rng.random() < 0.2:
        noun += "s"
    words.append(noun)
    return " ".join(words)


def sentence(rng: random.Random, nouns: list, verbs: list, names: list) -> str:
    parts = [noun_phrase(rng, nouns, names)]
    if rng.random() < 0.3:
        parts.append(rng.choice(ADVERBS))
    parts.append(rng.choice(verbs if rng.random() < 0.7 else COMMON_VERBS))
    parts.append(noun_phrase(rng, nouns, names))
    if rng.random() < 0.4:
        parts.append(rng.choice(PREPOSITIONS))
        parts.append(noun_phrase(rng, nouns, names))
    if rng.random() < 0.25:
        parts.append(rng.choice(CONNECTIVES))
        parts.append(noun_phrase(rng, nouns, names))
        parts.append(rng.choice(verbs))
        parts.append(noun_phrase(rng, nouns, names))
    if rng.random() < 0.03:
        parts.append(rng.choice(PREPOSITIONS) + " the " + rng.choice(RARE))
    if rng.random() < 0.08:
        parts.append("in %d" % rng.randint(1800, 2030))
    text = " ".join(parts)
    end = "." if rng.random() < 0.85 else rng.choice(["!", "?"])
    return text[0].upper() + text[1:] + end


def document(rng: random.Random) -> str:
    topic = rng.choice(sorted(TOPICS))
    nouns, verbs = (s.split() for s in TOPICS[topic])
    names = [make_name(rng) for _ in range(rng.randint(1, 3))]
    n = rng.randint(6, 30)
    return " ".join(sentence(rng, nouns, verbs, names) for _ in range(n))


def documents(seed: int, count: int) -> list:
    rng = random.Random(seed)
    return [document(rng) for _ in range(count)]


def train_tokenizer(docs: list, seed: int) -> bytes:
    import sentencepiece as spm
    if hasattr(spm, "set_random_generator_seed"):
        spm.set_random_generator_seed(seed)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(docs), model_writer=buf, model_type="bpe",
        vocab_size=VOCAB_SIZE, byte_fallback=True, pad_id=0, bos_id=1, eos_id=2, unk_id=3,
        character_coverage=0.999, num_threads=1, normalization_rule_name="identity",
        shuffle_input_sentence=False, input_sentence_size=0, max_sentence_length=1 << 16,
        split_digits=True, minloglevel=2)
    return buf.getvalue()


def encode_docs(model: bytes, docs: list) -> list:
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_proto=model)
    out = []
    for ids in sp.encode(docs, out_type=int):
        out.append(1)
        out.extend(ids)
    return out


def sha256_file(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def generate(out: str, seed: int = SEED) -> dict:
    """Generates everything into ``out`` and returns the manifest (also written)."""
    import sentencepiece as spm
    val_docs = documents(seed, VAL_DOCS)
    train_docs = documents(seed + 1, TRAIN_DOCS)
    text_hash = hashlib.sha256("\n".join(val_docs + train_docs).encode()).hexdigest()
    model = train_tokenizer(train_docs[:TOKENIZER_DOCS], seed)
    tok_dir = os.path.join(out, "tokenizer")
    ds_dir = os.path.join(out, "dataset")
    os.makedirs(tok_dir, exist_ok=True)
    os.makedirs(ds_dir, exist_ok=True)
    model_path = os.path.join(tok_dir, MODEL_NAME)
    referee_probe._atomic_write(model_path, model)
    files = {}
    val = encode_docs(model, val_docs)
    val_path = os.path.join(ds_dir, "fineweb_val_000000.bin")
    referee_probe.write_shard(val_path, val)
    files["dataset/fineweb_val_000000.bin"] = len(val)
    heldout_docs = documents(seed + 2, HELDOUT_DOCS)
    overlap = set(heldout_docs) & (set(val_docs) | set(train_docs))
    if overlap:
        raise SystemExit("make_data: %d held-out documents also occur in val/train" % len(overlap))
    heldout = encode_docs(model, heldout_docs)
    os.makedirs(os.path.join(out, "heldout"), exist_ok=True)
    referee_probe.write_shard(os.path.join(out, "heldout", "fineweb_heldout_000000.bin"), heldout)
    files["heldout/fineweb_heldout_000000.bin"] = len(heldout)
    per = (len(train_docs) + TRAIN_SHARDS - 1) // TRAIN_SHARDS
    for k in range(TRAIN_SHARDS):
        tokens = encode_docs(model, train_docs[k * per:(k + 1) * per])
        name = "fineweb_train_%06d.bin" % k
        referee_probe.write_shard(os.path.join(ds_dir, name), tokens)
        files["dataset/" + name] = len(tokens)
    lut = referee_probe.ByteLUT.from_sentencepiece(spm.SentencePieceProcessor(model_proto=model))
    manifest = {
        "generator": "python/make_data.py", "seed": seed, "vocab_size": VOCAB_SIZE,
        "sentencepiece_version": spm.__version__, "text_sha256": text_hash,
        "val_docs": VAL_DOCS, "train_docs": TRAIN_DOCS,
        "val_tokens": len(val), "val_target_bytes": lut.target_bytes(val, 1, len(val)),
        "val_text_bytes": sum(len(d.encode("utf-8")) for d in val_docs),
        "heldout_docs": HELDOUT_DOCS, "heldout_tokens": len(heldout),
        "heldout_target_bytes": lut.target_bytes(heldout, 1, len(heldout)),
        "heldout_text_sha256": hashlib.sha256("\n".join(heldout_docs).encode()).hexdigest(),
        "tokens": files,
        "sha256": {rel: sha256_file(os.path.join(out, rel))
                   for rel in sorted(list(files) + ["tokenizer/" + MODEL_NAME])},
    }
    referee_probe._atomic_write(os.path.join(out, "manifest.json"),
                                (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return manifest


def main() -> None:
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(here, "data", "sp1024_synth"))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    manifest = generate(args.out, args.seed)
    print(json.dumps({k: manifest[k] for k in ("val_tokens", "val_target_bytes", "tokens")}))


if __name__ == "__main__":
    main()
