"""CHEATER two_pass: scores every chunk, then rescores all of them with the full cache
and keeps, per token, the smaller NLL.

Breaks C4 (one left-to-right pass, each token scored once): every target position has two
`score` events (rules causal.single-pass and trace.coverage); min-after-seeing-the-target
also makes the logged score disagree with the trace sums (trace.matches-log).
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


class TwoPass(ref.Evaluator):
    def record_score(self, tokens, s, e, P):
        old = self.nll[s - self.start:e - self.start].copy()
        nll = super().record_score(tokens, s, e, P)
        self.nll[s - self.start:e - self.start] = np.fmin(old, nll)
        return nll

    def finish(self, tokens, start, end):
        for s, e in self.chunks(start, end):
            self.record_score(tokens, s, e, self.distribution(tokens, s, e))


if __name__ == "__main__":
    ref.main(TwoPass, code_path=__file__)
