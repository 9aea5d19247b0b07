"""Referee's honest CPU reference submission: an interpolated trigram LM in numpy.

Training counts unigrams, bigrams and trigrams over the FineWeb-format train shards
(DATA_PATH) in steps of TRAIN_BATCH_TOKENS within MAX_WALLCLOCK_SECONDS; the counts are
serialised (integer tables, zlib) to final_model.ptz, reloaded, and the reloaded model
is evaluated on all validation shards with a streaming score-first cache: each chunk is
scored with the full normalised distribution over the vocabulary, then the cache is
updated with that chunk's tokens. val_loss / val_bpb follow the baseline (byte rule from
TOKENIZER_PATH). Trace events go through referee_probe; REFEREE_EVAL_ONLY=1 runs the
black-box probe entry point instead (no training, no trace; every request of
REFEREE_EVAL_PLAN in one process, a fresh evaluator each).

Env: SEED, RUN_ID, DATA_PATH, TOKENIZER_PATH, MAX_WALLCLOCK_SECONDS, RANK, WORLD_SIZE,
TRAIN_BATCH_TOKENS, ITERATIONS, VAL_LOSS_EVERY, EVAL_CHUNK_TOKENS, REFEREE_SHARED_DIR.
The class Evaluator is the extension point the cheaters in submissions/cheaters override.
"""

from __future__ import annotations

import glob
import hashlib
import json
import math
import os
import struct
import sys
import time
import zlib

import numpy as np


def _find_up(rel: str) -> str | None:
    d = os.path.dirname(os.path.abspath(__file__))
    while True:
        if os.path.exists(os.path.join(d, rel)):
            return os.path.join(d, rel)
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


try:
    import referee_probe
except ImportError:  # run from a checkout without PYTHONPATH: find python/ upwards
    sys.path.insert(0, os.path.dirname(_find_up("python/referee_probe.py") or "."))
    import referee_probe

_DATA = _find_up("data/sp1024_synth") or "./data/sp1024_synth"
ARTIFACT = "final_model.ptz"


class Hyperparameters:
    """Settings from the environment (defaults run in a few seconds on 2 CPU cores)."""

    def __init__(self, env=os.environ):
        self.data_path = env.get("DATA_PATH", os.path.join(_DATA, "dataset"))
        self.tokenizer_path = env.get("TOKENIZER_PATH", os.path.join(_DATA, "tokenizer", "synth_1024_bpe.model"))
        self.run_id = env.get("RUN_ID", "reference_cpu")
        self.seed = int(env.get("SEED", "1337"))
        self.max_wallclock_seconds = float(env.get("MAX_WALLCLOCK_SECONDS", "600"))
        self.rank = int(env.get("RANK", "0"))
        self.world_size = int(env.get("WORLD_SIZE", "1"))
        self.vocab_size = int(env.get("VOCAB_SIZE", "1024"))
        self.train_batch_tokens = int(env.get("TRAIN_BATCH_TOKENS", "65536"))
        self.iterations = int(env.get("ITERATIONS", "0"))  # 0: 90% of one pass over the train tokens
        self.val_loss_every = int(env.get("VAL_LOSS_EVERY", "5"))
        self.eval_chunk_tokens = int(env.get("EVAL_CHUNK_TOKENS", "256"))
        self.discount = float(env.get("NGRAM_DISCOUNT", "0.75"))
        self.tri_k = float(env.get("NGRAM_TRI_K", "8"))
        self.cache_weight = float(env.get("CACHE_WEIGHT", "0.1"))
        self.cache_decay = float(env.get("CACHE_DECAY", "0.9"))
        self.shared_dir = env.get("REFEREE_SHARED_DIR") or "logs"


# ----------------------------------------------------------------------------- data and bytes


def load_shards(pattern: str) -> np.ndarray:
    files = sorted(glob.glob(pattern))
    if not files:
        raise FileNotFoundError("no shard matches %s" % pattern)
    return np.concatenate([np.frombuffer(referee_probe.read_shard(f).tobytes(), dtype="<u2") for f in files]).astype(np.int64)


class ByteCounter:
    """The baseline byte rule as numpy tables."""

    def __init__(self, tokenizer_path: str, vocab_size: int):
        lut = referee_probe.ByteLUT.from_model_file(tokenizer_path, vocab_size)
        self.base = np.array(lut.base, dtype=np.int64)
        self.space = np.array(lut.space, dtype=bool)
        self.boundary = np.array(lut.boundary, dtype=bool)

    def per_target(self, tokens: np.ndarray, s: int, e: int) -> np.ndarray:
        tgt, prev = tokens[s:e], tokens[s - 1:e - 1]
        return self.base[tgt] + (self.space[tgt] & ~self.boundary[prev])


# ----------------------------------------------------------------------------- model


class NGramModel:
    """Trigram model over a fixed vocabulary: add-one unigram, absolute-discounting
    bigram (discount D) and Witten-Bell-style trigram (backoff mass K*n1/(c+K*n1))."""

    def __init__(self, V: int, uni: np.ndarray, bi_keys: np.ndarray, bi_counts: np.ndarray,
                 tri_keys: np.ndarray, tri_counts: np.ndarray, discount: float, tri_k: float):
        self.V, self.D, self.K = V, discount, tri_k
        self.uni_counts, self.bi_keys, self.bi_counts = uni, bi_keys, bi_counts
        self.tri_keys, self.tri_counts = tri_keys, tri_counts
        self.p_uni = (uni + 1.0) / (uni.sum() + V)
        C = np.zeros(V * V)
        C[bi_keys] = bi_counts
        C = C.reshape(V, V)
        cv, n1 = C.sum(1), (C > 0).sum(1)
        safe = np.maximum(cv, 1.0)
        self.B = np.maximum(C - discount, 0.0) / safe[:, None]
        self.bw = np.where(cv > 0, discount * n1 / safe, 1.0)
        ctx = tri_keys // V
        self.tri_ctx, self.tri_off, n1t = np.unique(ctx, return_index=True, return_counts=True)
        self.tri_off = np.append(self.tri_off, len(tri_keys))
        ctot = np.add.reduceat(tri_counts.astype(np.float64), self.tri_off[:-1]) if len(tri_keys) else np.zeros(0)
        self.tri_w = tri_keys % V
        denom = ctot + tri_k * n1t  # Witten-Bell-style trigram interpolation
        self.tri_disc = tri_counts / np.repeat(denom, n1t)
        self.tri_bw = tri_k * n1t / denom

    def n_params(self) -> int:
        return int(self.V + len(self.bi_keys) + len(self.tri_keys))

    def distribution(self, tokens: np.ndarray, s: int, e: int) -> np.ndarray:
        """(e-s) x V probabilities for target positions [s, e), from tokens[<i] only."""
        V = self.V
        v = tokens[s - 1:e - 1]
        u = np.where(np.arange(s, e) >= 2, tokens[max(s - 2, 0):e - 2] if s >= 2 else np.concatenate(([0], tokens[0:e - 2])), 0)
        P = self.B[v] + self.bw[v][:, None] * self.p_uni[None, :]
        ctx = u * V + v
        idx = np.searchsorted(self.tri_ctx, ctx)
        idx = np.minimum(idx, len(self.tri_ctx) - 1)
        found = np.nonzero(self.tri_ctx[idx] == ctx)[0] if len(self.tri_ctx) else np.zeros(0, dtype=np.int64)
        if len(found):
            k = idx[found]
            P[found] *= self.tri_bw[k][:, None]
            lo, hi = self.tri_off[k], self.tri_off[k + 1]
            lens = hi - lo
            rows = np.repeat(found, lens)
            j = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(lo, lens)
            P[rows, self.tri_w[j]] += self.tri_disc[j]
        return P


class Trainer:
    """Counts n-grams step by step; reports a prequential bigram train loss per step."""

    def __init__(self, V: int, discount: float):
        self.V, self.D = V, discount
        self.uni = np.zeros(V)
        self.bi = np.zeros(V * V)
        self.tri_parts = []

    def step(self, batch: np.ndarray) -> float:
        V = self.V
        v, w = batch[:-1], batch[1:]
        p_uni = (self.uni + 1.0) / (self.uni.sum() + V)
        C = self.bi.reshape(V, V)
        cv = C.sum(1)[v]
        n1 = (C > 0).sum(1)[v]
        c = C[v, w]
        p = np.where(cv > 0, (np.maximum(c - self.D, 0) + self.D * n1 * p_uni[w]) / np.maximum(cv, 1), p_uni[w])
        loss = float(-np.log(p).mean())
        self.uni += np.bincount(w, minlength=V)
        self.bi += np.bincount(v * V + w, minlength=V * V)
        self.tri_parts.append((batch[:-2] * V + batch[1:-1]) * V + batch[2:])
        return loss

    def val_loss(self, tokens: np.ndarray) -> float:
        """Bigram-only validation NLL (a cheap in-training diagnostic, like the baseline's)."""
        return self.step_probe(tokens)

    def step_probe(self, tokens: np.ndarray) -> float:
        saved = (self.uni.copy(), self.bi.copy(), list(self.tri_parts))
        loss = self.step(tokens)
        self.uni, self.bi, self.tri_parts = saved
        return loss

    def tables(self):
        keys = np.concatenate(self.tri_parts) if self.tri_parts else np.zeros(0, dtype=np.int64)
        tri_keys, tri_counts = np.unique(keys, return_counts=True)
        bi_keys = np.nonzero(self.bi)[0]
        return self.uni.astype(np.int64), bi_keys, self.bi[bi_keys].astype(np.int64), tri_keys, tri_counts


# ----------------------------------------------------------------------------- artifact


def _small_uint(a: np.ndarray) -> np.ndarray:
    m = int(a.max()) if len(a) else 0
    for dt in ("<u1", "<u2", "<u4"):
        if m <= np.iinfo(dt).max:
            return a.astype(dt)
    raise ValueError("table value %d does not fit in 32 bits" % m)


def serialize(V: int, discount: float, tri_k: float, uni, bi_keys, bi_counts, tri_keys, tri_counts) -> tuple:
    """(raw payload bytes, zlib-compressed artifact bytes). Keys are delta-coded."""
    arrays = {"uni": uni, "bi_dkeys": np.diff(bi_keys, prepend=0), "bi_counts": bi_counts,
              "tri_dkeys": np.diff(tri_keys, prepend=0), "tri_counts": tri_counts}
    meta = {"V": V, "discount": discount, "tri_k": tri_k, "arrays": []}
    blobs = []
    for name, a in arrays.items():
        q = _small_uint(np.asarray(a, dtype=np.int64))
        meta["arrays"].append([name, q.dtype.str, len(q)])
        blobs.append(q.tobytes())
    head = json.dumps(meta, sort_keys=True).encode()
    raw = b"NGRM" + struct.pack("<I", len(head)) + head + b"".join(blobs)
    return raw, zlib.compress(raw, 9)


def deserialize(blob: bytes) -> NGramModel:
    raw = zlib.decompress(blob)
    if raw[:4] != b"NGRM":
        raise ValueError("artifact is not an n-gram model (bad magic)")
    (n,) = struct.unpack("<I", raw[4:8])
    meta = json.loads(raw[8:8 + n])
    off, arrays = 8 + n, {}
    for name, dt, count in meta["arrays"]:
        a = np.frombuffer(raw, dtype=dt, count=count, offset=off).astype(np.int64)
        off += a.size * np.dtype(dt).itemsize
        arrays[name] = a
    return NGramModel(meta["V"], arrays["uni"], np.cumsum(arrays["bi_dkeys"]), arrays["bi_counts"],
                      np.cumsum(arrays["tri_dkeys"]), arrays["tri_counts"], meta["discount"], meta["tri_k"])


# ----------------------------------------------------------------------------- evaluation


class Evaluator:
    """Streaming score-first evaluation of target positions [start, end).

    ``run`` calls ``prepare``, then for each chunk ``process_chunk`` (distribution ->
    record_score -> update_cache), then ``finish``. The cache is a decaying unigram +
    bigram count table over already-scored tokens, mixed into the n-gram distribution.
    """

    def __init__(self, model: NGramModel, args: Hyperparameters, bytes_: ByteCounter, tr):
        self.model, self.args, self.bytes, self.trace = model, args, bytes_, tr
        V = model.V
        self.cu = np.zeros(V)
        self.cb = np.zeros((V, V))
        self.want = set()
        self.dists = {}

    # --- pieces a variant may override
    def prepare(self, tokens, start, end):
        pass

    def finish(self, tokens, start, end):
        pass

    def distribution(self, tokens, s, e) -> np.ndarray:
        P = self.model.distribution(tokens, s, e)
        n = self.cu.sum()
        if n <= 0:
            return P
        V = self.model.V
        v = tokens[s - 1:e - 1]
        q = (self.cu + 1e-3) / (n + 1e-3 * V)
        rows = self.cb[v]
        beta = 2.0
        Pc = (rows + beta * q[None, :]) / (rows.sum(1) + beta)[:, None]
        lam = self.args.cache_weight * n / (n + 100.0)
        return (1.0 - lam) * P + lam * Pc

    def record_score(self, tokens, s, e, P) -> np.ndarray:
        tgt = tokens[s:e]
        nll = -np.log(P[np.arange(e - s), tgt])
        psum = P.sum(1)
        nb = self.bytes.per_target(tokens, s, e)
        self.nll[s - self.start:e - self.start] = nll
        self.nbytes[s - self.start:e - self.start] = nb
        for pos in self.want.intersection(range(s, e)):
            self.dists[pos] = P[pos - s].copy()
        self.trace.score(s, e, float(nll.sum()), int(nb.sum()), float(psum.min()), float(psum.max()))
        return nll

    def update_cache(self, tokens, s, e, kind="cache"):
        g = self.args.cache_decay
        self.cu *= g
        self.cb *= g
        self.cu += np.bincount(tokens[s:e], minlength=self.model.V)
        np.add.at(self.cb, (tokens[s - 1:e - 1], tokens[s:e]), 1.0)
        self.trace.update(kind, s, e)

    def process_chunk(self, tokens, s, e):
        P = self.distribution(tokens, s, e)
        self.record_score(tokens, s, e, P)
        self.update_cache(tokens, s, e)

    # --- driver
    def chunks(self, start, end):
        c = self.args.eval_chunk_tokens
        return [(s, min(s + c, end)) for s in range(start, end, c)]

    def run(self, tokens, start, end, want=()):
        self.start = start
        self.nll = np.full(end - start, np.nan)
        self.nbytes = np.zeros(end - start, dtype=np.int64)
        self.want = set(want)
        self.prepare(tokens, start, end)
        for s, e in self.chunks(start, end):
            self.process_chunk(tokens, s, e)
        self.finish(tokens, start, end)
        if np.isnan(self.nll).any():
            raise RuntimeError("evaluation left %d positions unscored" % int(np.isnan(self.nll).sum()))
        return float(self.nll.sum()), int(end - start), int(self.nbytes.sum())


def combine_ranks(args, part, tag):
    """Sums (nll, tokens, bytes) over ranks through files in args.shared_dir
    (REFEREE_SHARED_DIR, default ./logs); ``tag`` (artifact digest) keeps runs apart."""
    if args.world_size == 1:
        return part
    os.makedirs(args.shared_dir, exist_ok=True)
    name = lambda r: os.path.join(args.shared_dir, "eval_%s_%s_w%d_rank%d.json" % (args.run_id, tag, args.world_size, r))
    referee_probe._atomic_write(name(args.rank), json.dumps(list(part)).encode())
    deadline = time.time() + 600
    parts = []
    for r in range(args.world_size):
        while not os.path.exists(name(r)):
            if time.time() > deadline:
                raise TimeoutError("rank %d wrote no %s" % (r, name(r)))
            time.sleep(0.05)
        with open(name(r)) as f:
            parts.append(json.load(f))
    return sum(p[0] for p in parts), sum(p[1] for p in parts), sum(p[2] for p in parts)


# ----------------------------------------------------------------------------- entry points


def eval_only(requests, evaluator_cls, args):
    """Answers every probe request in order (an iterable, e.g. a growing plan): the artifact
    is loaded once, for the first request; each request gets a fresh evaluator (empty cache)."""
    model = bytes_ = None
    for req in requests:
        if model is None:
            with open(req.artifact_path(ARTIFACT), "rb") as f:
                model = deserialize(f.read())
            bytes_ = ByteCounter(args.tokenizer_path, model.V)
        tokens = np.frombuffer(referee_probe.read_shard(req.shard).tobytes(), dtype="<u2").astype(np.int64)
        bad = [p for p in req.positions if p >= len(tokens)]
        if bad:
            raise ValueError("%s: positions %s beyond the shard's last target %d" % (req.shard, bad, len(tokens) - 1))
        ev = evaluator_cls(model, args, bytes_, referee_probe.Trace(None))
        ev.run(tokens, 1, len(tokens), want=req.positions)
        referee_probe.write_eval_outputs(ev.nll, {p: ev.dists[p] for p in req.positions}, request=req,
                                         n_targets=len(tokens) - 1)


def main(evaluator_cls=Evaluator, code_path=None):
    args = Hyperparameters()
    if referee_probe.eval_requests():
        eval_only(referee_probe.iter_eval_requests(), evaluator_cls, args)
        return
    code_path = code_path or os.path.abspath(sys.argv[0] if sys.argv[0].endswith(".py") else __file__)
    with open(code_path, encoding="utf-8") as f:
        code = f.read()
    master = args.rank == 0
    logfile = None
    if master:
        os.makedirs("logs", exist_ok=True)
        logfile = "logs/%s.txt" % args.run_id

    def log0(msg: str) -> None:
        if not master:
            return
        print(msg, flush=True)
        with open(logfile, "a", encoding="utf-8") as f:
            print(msg, file=f)

    tr = referee_probe.trace()
    log0(code)
    log0("=" * 100)
    log0("Running Python %s" % sys.version)
    log0("Running NumPy %s" % np.__version__)
    log0("=" * 100)
    V = args.vocab_size
    bytes_ = ByteCounter(args.tokenizer_path, V)
    val_pattern = os.path.join(args.data_path, "fineweb_val_*.bin")
    train_files = sorted(glob.glob(os.path.join(args.data_path, "fineweb_train_*.bin")))
    val = load_shards(val_pattern)
    log0("val_bpb:enabled tokenizer_kind=sentencepiece tokenizer_path=%s" % args.tokenizer_path)
    log0("train_loader:dataset:%s train_shards:%d" % (os.path.basename(os.path.normpath(args.data_path)), len(train_files)))
    log0("val_loader:shards pattern=%s tokens:%d" % (val_pattern, len(val)))

    # ---- training
    tr.phase("train_start")
    t0 = time.perf_counter()
    train = load_shards(os.path.join(args.data_path, "fineweb_train_*.bin"))
    rng = np.random.default_rng(args.seed)
    train = np.roll(train, -int(rng.integers(len(train))))
    B = args.train_batch_tokens
    n_steps = args.iterations or max(1, int(0.9 * (len(train) - 1)) // B)
    n_steps = min(n_steps, (len(train) - 1) // B)
    trainer = Trainer(V, args.discount)
    log0("model_params:%d" % (V + V * V))
    log0("world_size:%d grad_accum_steps:1" % args.world_size)
    log0("ngram:order=3 discount:%.2f tri_k:%.1f cache_weight:%.2f cache_decay:%.2f eval_chunk_tokens:%d"
         % (args.discount, args.tri_k, args.cache_weight, args.cache_decay, args.eval_chunk_tokens))
    log0("train_batch_tokens:%d iterations:%d max_wallclock_seconds:%.3f" % (B, n_steps, args.max_wallclock_seconds))
    log0("seed:%d" % args.seed)
    lut_bpb = lambda loss, toks: loss / math.log(2) * (len(toks) - 1) / int(bytes_.per_target(toks, 1, len(toks)).sum())
    step, cap_ms = 0, 1000.0 * args.max_wallclock_seconds
    vl = trainer.val_loss(val)
    log0("step:0/%d val_loss:%.4f val_bpb:%.4f train_time:0ms step_avg:0.01ms" % (n_steps, vl, lut_bpb(vl, val)))
    stopped = False
    while step < n_steps:
        loss = trainer.step(train[step * B:(step + 1) * B + 1])
        step += 1
        ms = 1000.0 * (time.perf_counter() - t0)
        log0("step:%d/%d train_loss:%.4f train_time:%.0fms step_avg:%.2fms" % (step, n_steps, loss, ms, ms / step))
        stopped = ms >= cap_ms and step < n_steps
        if step == n_steps or stopped or (args.val_loss_every and step % args.val_loss_every == 0):
            vl = trainer.val_loss(val)
            ms = 1000.0 * (time.perf_counter() - t0)
            log0("step:%d/%d val_loss:%.4f val_bpb:%.4f train_time:%.0fms step_avg:%.2fms"
                 % (step, n_steps, vl, lut_bpb(vl, val), ms, ms / step))
        if stopped:
            log0("stopping_early: wallclock_cap train_time:%.0fms step:%d/%d" % (ms, step, n_steps))
            break
    tables = trainer.tables()
    tr.phase("train_end", steps=step)

    # ---- artifact
    raw, blob = serialize(V, args.discount, args.tri_k, *tables)
    if master:
        referee_probe._atomic_write(ARTIFACT, blob)
    tr.phase("artifact_written", bytes=len(blob))
    code_bytes = len(code.encode("utf-8"))
    log0("Serialized model: %d bytes" % len(raw))
    log0("Code size: %d bytes" % code_bytes)
    log0("Total submission size: %d bytes" % (len(raw) + code_bytes))
    log0("Serialized model int8+zlib: %d bytes (payload:%d raw:%d payload_ratio:%.2fx)"
         % (len(blob), len(raw), len(raw), len(raw) / max(len(blob), 1)))
    log0("Total submission size int8+zlib: %d bytes" % (len(blob) + code_bytes))

    # ---- evaluation of the reloaded artifact
    t1 = time.perf_counter()
    model = deserialize(blob)
    n = len(val)
    lo = 1 + (n - 1) * args.rank // args.world_size
    hi = 1 + (n - 1) * (args.rank + 1) // args.world_size
    tr.phase("eval_start", val_tokens=int(n), world_size=args.world_size)
    ev = evaluator_cls(model, args, bytes_, tr)
    tag = hashlib.sha256(blob).hexdigest()[:16]
    nll_sum, count, nbytes = combine_ranks(args, ev.run(val, lo, hi), tag)
    val_loss = nll_sum / count
    val_bpb = val_loss / math.log(2) * count / nbytes
    tr.phase("eval_end", val_loss=val_loss, val_bpb=val_bpb)
    eval_ms = 1000.0 * (time.perf_counter() - t1)
    log0("final_int8_zlib_roundtrip val_loss:%.4f val_bpb:%.4f eval_time:%.0fms" % (val_loss, val_bpb, eval_ms))
    log0("final_int8_zlib_roundtrip_exact val_loss:%.8f val_bpb:%.8f" % (val_loss, val_bpb))


if __name__ == "__main__":
    main()
