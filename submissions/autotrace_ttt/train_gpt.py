"""A small CPU PyTorch submission with score-first test-time training, written the way the
leaderboard's records are: it knows nothing of Referee (no referee_probe, no trace calls).
Referee checks it only by running it under autotrace (python -m referee_autotrace).

Model: embeddings of the last CONTEXT tokens, concatenated, through a two-layer MLP to the
vocabulary. Trains for ITERATIONS steps (or MAX_WALLCLOCK_SECONDS) on the train shards under
DATA_PATH, writes final_model.ptz (int8-free torch.save + zlib), reloads it and evaluates the
validation shards with sliding windows (WINDOW tokens of context, each window counts only its
last STRIDE targets; the first counts all of its own) and, when TTT_EPOCHS > 0, score-first
TTT: the windows of each chunk of TTT_CHUNK target positions are scored, then SGD trains on
that chunk's targets. ADAPT_BEFORE_SCORE (False here; its cheating twin sets True) trains on
each chunk BEFORE scoring it.

Env: SEED, DATA_PATH, TOKENIZER_PATH, ITERATIONS, MAX_WALLCLOCK_SECONDS, WINDOW, STRIDE,
TTT_CHUNK, TTT_EPOCHS, TTT_LR.
"""

import glob
import io
import math
import os
import time
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ADAPT_BEFORE_SCORE = False


class Hyper:
    seed = int(os.environ.get("SEED", "1337"))
    data_path = os.environ.get("DATA_PATH", "./data/datasets/fineweb10B_sp1024")
    tokenizer_path = os.environ.get("TOKENIZER_PATH", "./data/tokenizers/fineweb_1024_bpe.model")
    iterations = int(os.environ.get("ITERATIONS", "60"))
    max_wallclock = float(os.environ.get("MAX_WALLCLOCK_SECONDS", "60"))
    vocab = 1024
    context = 4
    dim = 32
    hidden = 64
    batch = 32
    window = int(os.environ.get("WINDOW", "48"))
    stride = int(os.environ.get("STRIDE", "32"))
    ttt_chunk = int(os.environ.get("TTT_CHUNK", "4096"))
    ttt_epochs = int(os.environ.get("TTT_EPOCHS", "1"))
    ttt_lr = float(os.environ.get("TTT_LR", "0.05"))


def load_shard(path):
    header = np.fromfile(path, dtype="<i4", count=256)
    assert header[0] == 20240520 and header[1] == 1, "%s: not a FineWeb shard" % path
    return np.fromfile(path, dtype="<u2", offset=1024, count=int(header[2])).astype(np.int64)


def load(pattern):
    return np.concatenate([load_shard(f) for f in sorted(glob.glob(pattern))])


class Model(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.context = a.context
        self.emb = nn.Embedding(a.vocab, a.dim)
        self.fc = nn.Linear(a.context * a.dim, a.hidden)
        self.out = nn.Linear(a.hidden, a.vocab)

    def logits(self, x):
        e = F.pad(self.emb(x), (0, 0, self.context - 1, 0))
        T = x.shape[1]
        h = torch.cat([e[:, i:i + T] for i in range(self.context)], dim=-1)
        return self.out(F.relu(self.fc(h)))

    def forward(self, x, y):
        logits = self.logits(x)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def byte_luts(path, vocab):
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=path)
    base = np.zeros(vocab, dtype=np.int64)
    space = np.zeros(vocab, dtype=bool)
    boundary = np.ones(vocab, dtype=bool)
    for t in range(sp.vocab_size()):
        if sp.is_control(t) or sp.is_unknown(t) or sp.is_unused(t):
            continue
        boundary[t] = False
        if sp.is_byte(t):
            base[t] = 1
            continue
        piece = sp.id_to_piece(t)
        if piece.startswith("\u2581"):
            space[t] = True
            piece = piece[1:]
        base[t] = len(piece.encode("utf-8"))
    return torch.from_numpy(base), torch.from_numpy(space), torch.from_numpy(boundary)


def regions(n, a):
    """Counted target ranges [lo, hi): the first window counts all of its WINDOW targets,
    every later one its last STRIDE."""
    out, lo = [], 1
    hi = min(1 + a.window, n)
    while lo < n:
        out.append((lo, hi))
        lo, hi = hi, min(hi + a.stride, n)
    return out


def score(model, val, regs, a, sums, luts):
    """Scores the counted ranges ``regs`` with sliding windows; adds to sums (in place)."""
    base, space, boundary = luts
    model.eval()
    with torch.no_grad():
        for b0 in range(0, len(regs), a.batch):
            batch = regs[b0:b0 + a.batch]
            x = torch.zeros(len(batch), a.window, dtype=torch.int64)
            y = torch.zeros(len(batch), a.window, dtype=torch.int64)
            cuts = []
            for i, (lo, hi) in enumerate(batch):
                c = max(1, hi - a.window)
                x[i, :hi - c] = torch.from_numpy(val[c - 1:hi - 1])
                y[i, :hi - c] = torch.from_numpy(val[c:hi])
                cuts.append((lo - c, hi - c))
            logits = model.logits(x)
            nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                  reduction="none").reshape(len(batch), a.window)
            for i, (s, e) in enumerate(cuts):
                sums[0] += nll[i, s:e].to(torch.float64).sum()
                sums[1] += e - s
                tgt, prev = y[i, s:e], x[i, s:e]
                sums[2] += (base[tgt] + (space[tgt] & ~boundary[prev])).sum()


def adapt(model, opt, val, lo, hi, a):
    """TTT on the targets [lo, hi): full windows of the chunk, TTT_EPOCHS SGD steps."""
    starts = list(range(lo, hi - a.window + 1, a.window))
    if not starts:
        return
    x = torch.stack([torch.from_numpy(val[p - 1:p - 1 + a.window]) for p in starts])
    y = torch.stack([torch.from_numpy(val[p:p + a.window]) for p in starts])
    model.train()
    for _ in range(a.ttt_epochs):
        opt.zero_grad()
        loss = model(x, y)
        loss.backward()
        opt.step()


def evaluate(model, val, a, luts):
    regs = regions(len(val), a)
    sums = torch.zeros(3, dtype=torch.float64)
    if a.ttt_epochs <= 0:
        score(model, val, regs, a, sums, luts)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=a.ttt_lr)
        chunks = {}
        for r in regs:
            chunks.setdefault((r[0] - 1) // a.ttt_chunk, []).append(r)
        for ci in sorted(chunks):
            regs_c = chunks[ci]
            lo, hi = regs_c[0][0], regs_c[-1][1]
            if ADAPT_BEFORE_SCORE:
                adapt(model, opt, val, lo, hi, a)
                score(model, val, regs_c, a, sums, luts)
            else:
                score(model, val, regs_c, a, sums, luts)
                adapt(model, opt, val, lo, hi, a)
    val_loss = (sums[0] / sums[1]).item()
    return val_loss, val_loss / math.log(2.0) * (sums[1] / sums[2]).item()


def main():
    a = Hyper()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(1)
    train = load(os.path.join(a.data_path, "fineweb_train_*.bin"))
    val = load(os.path.join(a.data_path, "fineweb_val_*.bin"))
    luts = byte_luts(a.tokenizer_path, a.vocab)
    print("seed:%d" % a.seed)
    print("val_tokens:%d train_tokens:%d" % (len(val), len(train)))
    model = Model(a)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    rng = np.random.default_rng(a.seed)
    t0 = time.perf_counter()
    step = 0
    while step < a.iterations and time.perf_counter() - t0 < a.max_wallclock:
        starts = rng.integers(0, len(train) - a.window - 1, size=a.batch)
        x = torch.from_numpy(np.stack([train[s:s + a.window] for s in starts]))
        y = torch.from_numpy(np.stack([train[s + 1:s + 1 + a.window] for s in starts]))
        loss = model(x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 20 == 0 or step == a.iterations:
            print("step:%d/%d train_loss:%.4f train_time:%.0fms" % (step, a.iterations, loss.item(),
                                                                    1000 * (time.perf_counter() - t0)))
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    with open("final_model.ptz", "wb") as f:
        f.write(zlib.compress(buf.getvalue(), 9))
    print("Total submission size: %d bytes" % (os.path.getsize("final_model.ptz") + os.path.getsize(__file__)))
    with open("final_model.ptz", "rb") as f:
        model.load_state_dict(torch.load(io.BytesIO(zlib.decompress(f.read()))))
    t1 = time.perf_counter()
    val_loss, val_bpb = evaluate(model, val, a, luts)
    print("final_int8_zlib_roundtrip val_loss:%.4f val_bpb:%.4f eval_time:%.0fms"
          % (val_loss, val_bpb, 1000 * (time.perf_counter() - t1)))
    print("final_int8_zlib_roundtrip_exact val_loss:%.8f val_bpb:%.8f" % (val_loss, val_bpb))


if __name__ == "__main__":
    main()
