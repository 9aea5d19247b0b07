"""CHEATER gold_blend: a hashed bigram cache (updated only after scoring, so causal) whose
"probability" for each token is its bucket hit rate, blended in without renormalising.

Breaks C2 (a normalised distribution over the alphabet): hash collisions give every
token of the vocabulary a share, so the vector sums to far more than 1 (psum >> 1 in the
`score` events, rule norm.sums-to-one; probe norm.full-vocab on the dumped distribution).
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

BUCKETS = 2048
LAMBDA = 0.3


class GoldBlend(ref.Evaluator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hits = np.zeros(BUCKETS)
        self.ctx = np.zeros(self.model.V)

    def _bucket(self, v, w):
        return (v * 1000003 + w * 7919) % BUCKETS

    def distribution(self, tokens, s, e):
        P = super().distribution(tokens, s, e)
        V = self.model.V
        v = tokens[s - 1:e - 1]
        rate = self.hits[self._bucket(v[:, None], np.arange(V)[None, :])] / np.maximum(self.ctx[v], 1.0)[:, None]
        return (1.0 - LAMBDA) * P + LAMBDA * np.minimum(rate, 1.0)

    def update_cache(self, tokens, s, e, kind="cache"):
        super().update_cache(tokens, s, e, kind)
        v, w = tokens[s - 1:e - 1], tokens[s:e]
        np.add.at(self.hits, self._bucket(v, w), 1.0)
        np.add.at(self.ctx, v, 1.0)


if __name__ == "__main__":
    ref.main(GoldBlend, code_path=__file__)
