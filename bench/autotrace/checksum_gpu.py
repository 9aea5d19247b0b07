"""CPU time of one parameter checksum (autotrace's hooks._checksums: float64 L1 and L2 norms)
over the GPU reference's parameters, against norms in the parameters' own precision (float32),
on one GPU (launch cost on the CPU, synchronised between calls, medians of 200).
    PYTHONPATH=python python3 bench/autotrace/checksum_gpu.py"""
import importlib.util
import os
import statistics
import time

import torch

from referee_autotrace.hooks import _checksums

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("sub", os.path.join(ROOT, "submissions", "reference_gpu", "train_gpt.py"))
sub = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sub)
params = [p for p in sub.GPT(sub.Hyperparameters()).cuda().parameters()]


def float32_norms(ps):
    ts = [p.detach() for p in ps]
    return torch.stack(torch._foreach_norm(ts, 1) + torch._foreach_norm(ts, 2))


for name, fn in (("hooks._checksums (float64)", _checksums), ("float32 norms", float32_norms)):
    times = []
    for i in range(220):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        with torch.no_grad():
            fn(params)
        t1 = time.perf_counter()  # launch cost on the CPU (what a launch-bound evaluation pays)
        torch.cuda.synchronize()
        if i >= 20:
            times.append(t1 - t0)
    print("%s: %d parameters, %.1f us CPU per checksum (median of %d)" % (name, len(params), 1e6 * statistics.median(times), len(times)))
