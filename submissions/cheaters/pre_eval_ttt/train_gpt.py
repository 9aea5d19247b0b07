"""CHEATER pre_eval_ttt: before scoring anything, adds the n-gram counts of the whole
validation range to the model ("test-time training" on unscored tokens), then evaluates
normally with the score-first cache.

Breaks C1/C3 (adapting on validation tokens before they are scored): the trace shows an
`update` event of kind `ttt` over the whole range before the first `score` (rule
causal.score-before-update); the prefix-invariance probe sees prefix NLL move when the
suffix changes.
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


def _merge(keys_a, counts_a, keys_b):
    keys = np.concatenate([keys_a, keys_b])
    weights = np.concatenate([counts_a, np.ones(len(keys_b), dtype=np.int64)])
    merged, inverse = np.unique(keys, return_inverse=True)
    return merged, np.bincount(inverse, weights=weights).astype(np.int64)


class PreEvalTTT(ref.Evaluator):
    def prepare(self, tokens, start, end):
        m, V = self.model, self.model.V
        seg = tokens[max(start - 2, 0):end]
        uni = m.uni_counts + np.bincount(tokens[start:end], minlength=V)
        bi_keys, bi_counts = _merge(m.bi_keys, m.bi_counts, tokens[start - 1:end - 1] * V + tokens[start:end])
        tri_keys, tri_counts = _merge(m.tri_keys, m.tri_counts, (seg[:-2] * V + seg[1:-1]) * V + seg[2:])
        self.model = ref.NGramModel(V, uni, bi_keys, bi_counts, tri_keys, tri_counts, m.D, m.K)
        self.trace.update("ttt", start, end)


if __name__ == "__main__":
    ref.main(PreEvalTTT, code_path=__file__)
