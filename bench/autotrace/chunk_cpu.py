"""CPU analogue of the GPU reference's evaluation loop (submissions/reference_gpu's
eval_score_first_ttt: chunks of 256 targets; log_softmax+gather scored, copied to the host,
then cross_entropy + backward + SGD step) with a tiny model, so that autotrace's per-chunk
Python cost dominates. Prints seconds per chunk, plain or under autotrace.
    PYTHONPATH=python /usr/bin/python3 bench/autotrace/chunk_cpu.py plain|autotrace|interleaved [CHUNKS] [profile]
``interleaved``: one process, the hooks installed, rounds of CHUNKS chunks alternating plain (recorder
off) and autotrace (ROUNDS, default 10, of each); prints the median CPU time per chunk of each and
their difference: autotrace's own cost per chunk. CHUNK (default 256) sets the targets per chunk
(small chunks leave mostly the per-call Python cost).
"""
import glob
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
mode = sys.argv[1]
chunks = int(sys.argv[2]) if len(sys.argv) > 2 else 200
prof = len(sys.argv) > 3
os.environ.setdefault("DATA_PATH", os.path.join(ROOT, "data", "sp1024_synth", "dataset"))
rec = None
if mode in ("autotrace", "interleaved"):
    import tempfile
    import referee_autotrace
    os.environ["REFEREE_TRACE_DIR"] = tempfile.mkdtemp()
    rec = referee_autotrace.start()
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)
files = sorted(glob.glob(os.path.join(os.environ["DATA_PATH"], "fineweb_val_*.bin")))
val = np.concatenate([np.fromfile(f, dtype="<u2", offset=256 * 4).astype(np.int64) for f in files])
torch.manual_seed(0)
layers = [torch.nn.Embedding(1024, 8)] + [torch.nn.Linear(8, 8) for _ in range(24)] + [torch.nn.Linear(8, 1024)]
model = torch.nn.Sequential(*layers)


def evaluate(n):
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    toks = torch.from_numpy(val)
    c = L = int(os.environ.get("CHUNK", "256"))
    hi = min(len(val), 1 + n * c)
    nll_all = np.empty(hi - 1)
    for s in range(1, hi, c):
        e = min(s + c, hi)
        a = max(0, e - 1 - L)
        logits = model(toks[a:e - 1])[-(e - s):]
        tgt = toks[s:e]
        logp = F.log_softmax(logits.detach().float(), dim=-1).double()
        nll = -logp.gather(1, tgt[:, None])[:, 0]
        psum = logp.exp().sum(1)
        nll_np = nll.cpu().numpy()
        nll_all[s - 1:e - 1] = nll_np
        float(nll_np.sum()), float(psum.min().item()), float(psum.max().item())
        loss = F.cross_entropy(logits, tgt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return (hi - 1 + c - 1) // c


evaluate(5)
if mode == "interleaved":
    import statistics
    from referee_autotrace import hooks
    per = {"plain": [], "autotrace": []}
    for r in range(int(os.environ.get("ROUNDS", "10"))):
        for kind in ("plain", "autotrace"):
            hooks.RECORDER = rec if kind == "autotrace" else None
            t0 = time.process_time()
            k = evaluate(chunks)
            per[kind].append(1e6 * (time.process_time() - t0) / k)
    hooks.RECORDER = rec
    a, b = statistics.median(per["plain"]), statistics.median(per["autotrace"])
    print("interleaved (CHUNK %s, %d chunks a round): plain %.1f us, autotrace %.1f us per chunk (medians of %d); "
          "autotrace's cost %.1f us per chunk" % (os.environ.get("CHUNK", "256"), k, a, b, len(per["plain"]), b - a))
    sys.exit(0)
if prof:
    import cProfile
    import pstats
    pr = cProfile.Profile()
    pr.enable()
t0 = time.process_time()
k = evaluate(chunks)
dt = time.process_time() - t0
if prof:
    pr.disable()
    pstats.Stats(pr).sort_stats("cumtime").print_stats("hooks|stream", 30)
print("%s: %.3f ms CPU per chunk (%d chunks)" % (mode, 1000 * dt / k, k))
