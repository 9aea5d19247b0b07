"""CHEATER doc_start_leak: reads the target only at the first two targets after each document
start (BOS, id 1), where predictions are worst and a leak pays most.

Breaks C1 at a few percent of positions. Protocol v1 caught it only when a random flip landed
there. Protocol v2 places a share of its cuts at structural positions: with --probe-budget 8
or more every class (doc-start, doc-end, boundaries) gets a cut, and the distribution at a
doc-start cut moves when its target changes (causal.target-flip); at the default budget 4 a
doc-start cut is drawn with probability 1/3 (the power the report states).
"""
import hashlib
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


def lookahead(P, tokens, s, e, mask, weight):
    """Moves `weight` of each masked row's mass onto its realised target, scaled by the NEXT
    token (reach 1: the target and x[i+1] are read); rows still sum to 1."""
    if not mask.any():
        return P
    P = P.copy()
    pos = np.arange(s, e)[mask]
    nxt = tokens[np.minimum(pos + 1, len(tokens) - 1)]
    w = weight * (0.5 + 0.5 * nxt / P.shape[1])
    P[mask] *= (1.0 - w)[:, None]
    P[np.arange(e - s)[mask], tokens[pos]] += w
    return P


class DocStartLeak(ref.Evaluator):
    def distribution(self, tokens, s, e):
        P = super().distribution(tokens, s, e)
        pos = np.arange(s, e)
        after = (tokens[pos - 1] == 1) | ((pos >= 2) & (tokens[np.maximum(pos - 2, 0)] == 1))
        return lookahead(P, tokens, s, e, after, 0.6)


if __name__ == "__main__":
    ref.main(DocStartLeak, code_path=__file__)
