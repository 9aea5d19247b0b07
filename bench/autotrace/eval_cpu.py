"""CPU time of EVALUATION ONLY, plain or under autotrace's hooks, for the CPU submission
submissions/autotrace_ttt (score-first TTT, sliding windows): the model is built with a fixed
seed (no training; the work does not depend on the weights' quality), then ``evaluate`` runs
once as a warm-up and ``ROUNDS`` times measured with ``time.process_time`` (user+sys of this
process, less sensitive than wall time to other jobs on a shared machine).
    python bench/autotrace/eval_cpu.py plain|autotrace [ROUNDS]
(PYTHONPATH=python, DATA_PATH, TOKENIZER_PATH as for the submission; TTT_EPOCHS=0 for the
plain evaluator)."""
import importlib.util
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
mode, rounds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
os.environ.setdefault("DATA_PATH", os.path.join(ROOT, "data", "sp1024_synth", "dataset"))
os.environ.setdefault("TOKENIZER_PATH", os.path.join(ROOT, "data", "sp1024_synth", "tokenizer", "synth_1024_bpe.model"))
if mode == "autotrace":
    import tempfile
    import referee_autotrace
    os.environ["REFEREE_TRACE_DIR"] = tempfile.mkdtemp()
    rec = referee_autotrace.start()
import torch  # noqa: E402
spec = importlib.util.spec_from_file_location("sub", os.path.join(ROOT, "submissions", "autotrace_ttt", "train_gpt.py"))
sub = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sub)
torch.set_num_threads(1)
a = sub.Hyper()
val = sub.load(os.path.join(a.data_path, "fineweb_val_*.bin"))
luts = sub.byte_luts(a.tokenizer_path, a.vocab)
times = []
for r in range(rounds + 1):
    torch.manual_seed(0)
    model = sub.Model(a)
    t0 = time.process_time()
    loss, bpb = sub.evaluate(model, val, a, luts)
    if r:
        times.append(time.process_time() - t0)
times.sort()
print("%s eval CPU seconds: median %.3f, all %s (val_loss %.6f)" % (mode, times[len(times) // 2],
      " ".join("%.3f" % t for t in times), loss))
