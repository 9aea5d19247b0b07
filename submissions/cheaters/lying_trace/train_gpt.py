"""CHEATER lying_trace: evaluates honestly, but the `score` events report 3% less NLL than
was measured, so the trace does not add up to the logged val_loss / val_bpb.

Breaks rule trace.matches-log (the trace is evidence and must agree with the claim).
"""
import importlib.util
import os

import numpy as np


def _reference():
    """Loads submissions/reference_cpu/train_gpt.py (or $REFEREE_REFERENCE_CPU) as a module."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.environ.get("REFEREE_REFERENCE_CPU") or os.path.join(here, "..", "..", "reference_cpu", "train_gpt.py")
    spec = importlib.util.spec_from_file_location("reference_cpu_train_gpt", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ref = _reference()


class _ShavedTrace:
    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def score(self, start, end, nll, nbytes, psum_min, psum_max):
        self.inner.score(start, end, 0.97 * nll, nbytes, psum_min, psum_max)


class LyingTrace(ref.Evaluator):
    def __init__(self, model, args, bytes_, tr):
        super().__init__(model, args, bytes_, _ShavedTrace(tr))


if __name__ == "__main__":
    ref.main(LyingTrace, code_path=__file__)
