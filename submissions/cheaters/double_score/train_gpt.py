"""CHEATER double_score: after the pass, scores the last chunk a second time, now with a
cache that has seen it, and keeps the second score.

Breaks C4 for one chunk: two `score` events over the same range (rules causal.single-pass
and trace.coverage); everything else is the honest reference.
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


class DoubleScore(ref.Evaluator):
    def finish(self, tokens, start, end):
        s, e = self.chunks(start, end)[-1]
        self.record_score(tokens, s, e, self.distribution(tokens, s, e))


if __name__ == "__main__":
    ref.main(DoubleScore, code_path=__file__)
