"""CHEATER cache_before_score: updates the cache with a chunk, then scores that chunk.

Breaks C3 (score before update). The trace says so honestly: the `update` event of each
range comes before its `score` event (rule causal.score-before-update); the target-flip
and prefix-invariance probes see the distribution depend on the token being predicted.
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


class CacheBeforeScore(ref.Evaluator):
    def process_chunk(self, tokens, s, e):
        self.update_cache(tokens, s, e)
        self.record_score(tokens, s, e, self.distribution(tokens, s, e))


if __name__ == "__main__":
    ref.main(CacheBeforeScore, code_path=__file__)
