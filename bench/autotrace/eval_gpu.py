"""Wall time of EVALUATION ONLY of the GPU reference (submissions/reference_gpu: score-first
TTT, chunks of EVAL_CHUNK_TOKENS targets, one SGD step after each chunk is scored), plain or
under autotrace's hooks, on one GPU: the same artifact (a seed-fixed untrained model, quantized
and written once to ARTIFACT; the work does not depend on the weights' quality) is loaded,
evaluated once as a warm-up, then ROUNDS times measured (torch.cuda.synchronize around
eval_score_first_ttt over the whole validation stream).
    python bench/autotrace/eval_gpu.py plain|autotrace|interleaved ARTIFACT [ROUNDS]
``interleaved``: one process with the hooks installed, alternating a plain round (the recorder
switched off: every hook returns at its first line) and an autotrace round, ROUNDS of each after
one warm-up of each; prints both medians and the per-pair ratios (no process-to-process noise).
ABLATE=1 adds two rounds to each cycle, autotrace without its parameter snapshots and autotrace
without reading back and turning observations into events (the trace is then empty): where the
overhead goes.
(PYTHONPATH=python; DATA_PATH and TOKENIZER_PATH default to data/sp1024_synth; PROFILE=1 prints the
measured rounds' top functions by own time under cProfile, which slows every Python call).)"""
import importlib.util
import glob
import os
import sys
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
mode, artifact = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
os.environ.setdefault("DATA_PATH", os.path.join(ROOT, "data", "sp1024_synth", "dataset"))
os.environ.setdefault("TOKENIZER_PATH", os.path.join(ROOT, "data", "sp1024_synth", "tokenizer", "synth_1024_bpe.model"))
rec = None
if mode in ("autotrace", "interleaved"):
    import tempfile
    import referee_autotrace
    os.environ["REFEREE_TRACE_DIR"] = tempfile.mkdtemp()
    rec = referee_autotrace.start()
import numpy as np  # noqa: E402
import torch  # noqa: E402
import referee_probe  # noqa: E402
spec = importlib.util.spec_from_file_location("sub", os.path.join(ROOT, "submissions", "reference_gpu", "train_gpt.py"))
sub = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sub)
args = sub.Hyperparameters()
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
if not os.path.exists(artifact):
    torch.manual_seed(0)
    blob = zlib.compress(sub.to_bytes(sub.quantize(sub.GPT(args).state_dict(), args)), 9)
    with open(artifact + ".tmp", "wb") as f:
        f.write(blob)
    os.replace(artifact + ".tmp", artifact)
val = np.concatenate([sub.shard_tokens(p) for p in sorted(glob.glob(os.path.join(args.data_path, "fineweb_val_*.bin")))])
bytes_ = sub.ByteCounter(args.tokenizer_path, args.vocab_size)


def sync():
    if device.type == "cuda":
        torch.cuda.synchronize()


walls, cpus, loss = [], [], None
pairs = {"plain": [], "autotrace": []}
if mode == "interleaved":
    from referee_autotrace import hooks
    ORIGINAL = {k: getattr(hooks.Recorder, k) for k in ("snapshot", "flush")}
    ABLATIONS = {"autotrace": {}, "no-snapshot": {"snapshot": lambda self: None},
                 "no-readback": {"flush": lambda self: (self.lazy.clear(), setattr(self, "lazy_bytes", 0))}}
prof = None
if os.environ.get("PROFILE") == "1":
    import cProfile
    prof = cProfile.Profile()
schedule = [mode] * (rounds + 1)
if mode == "interleaved":
    cycle = ["plain", "autotrace"] + (["no-snapshot", "no-readback"] if os.environ.get("ABLATE") == "1" else [])
    schedule = cycle * (rounds + 1)
    pairs.update({k: [] for k in cycle})
for r, kind in enumerate(schedule):
    if mode == "interleaved":
        hooks.RECORDER = None if kind == "plain" else rec
        for k, v in ORIGINAL.items():
            setattr(hooks.Recorder, k, ABLATIONS.get(kind, {}).get(k, v))
        r = r // len(cycle)
    model = sub.load_artifact(artifact, args, device)
    torch.manual_seed(args.seed)
    sync()
    t0, c0 = time.perf_counter(), time.process_time()
    if prof is not None and r:
        prof.enable()
    nll, _, _ = sub.eval_score_first_ttt(model, val, 1, len(val), args, device, referee_probe.Trace(None), bytes_)
    sync()
    if prof is not None and r:
        prof.disable()
    if r:
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        pairs[kind].append(walls[-1])
    loss = float(nll.mean())
if mode == "interleaved":
    hooks.RECORDER = rec
    for k, v in ORIGINAL.items():
        setattr(hooks.Recorder, k, v)
    import statistics
    for k in cycle[2:]:
        print("interleaved %s: median %.4f (%s)" % (k, statistics.median(pairs[k]), " ".join("%.4f" % t for t in pairs[k])))
    ratios = [a / p for p, a in zip(pairs["plain"], pairs["autotrace"])]
    print("interleaved eval wall seconds: plain median %.4f (%s); autotrace median %.4f (%s); "
          "ratio of medians %.3f; per-pair ratios %s, median %.3f" % (
              statistics.median(pairs["plain"]), " ".join("%.4f" % t for t in pairs["plain"]),
              statistics.median(pairs["autotrace"]), " ".join("%.4f" % t for t in pairs["autotrace"]),
              statistics.median(pairs["autotrace"]) / statistics.median(pairs["plain"]),
              " ".join("%.3f" % x for x in ratios), statistics.median(ratios)))
walls.sort()
cpus.sort()
extra = ""
if rec is not None:
    extra = " (loss calls %s, passes %d, optimizer steps %s)" % (
        rec.stats.get("loss_calls"), len(rec.passes), rec.stats.get("optimizer_steps"))
print("%s eval wall seconds: median %.4f, all %s; CPU median %.4f; %d targets, val_loss %.6f%s" % (
    mode, walls[len(walls) // 2], " ".join("%.4f" % t for t in walls), cpus[len(cpus) // 2], len(val) - 1, loss, extra))
if prof is not None:
    import pstats
    pstats.Stats(prof).sort_stats("tottime").print_stats(30)
