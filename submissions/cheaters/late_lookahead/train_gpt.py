"""CHEATER late_lookahead: a lookahead (the target and the next token raise the target's
probability) only in the last 22% of the validation stream, beyond any fixed probe window.

Breaks C1 there. Protocol v1 probed the first 8192 tokens only and never saw it. Protocol v2
cuts every stratum of the whole set: with --probe-budget 6 or more (5 strata of 20%) a cut
always lands inside the leak (causal.prefix-invariance, causal.target-flip); at the default
budget 4 the last third is cut, inside the leak with probability 0.66.
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


class LateLookahead(ref.Evaluator):
    def distribution(self, tokens, s, e):
        P = super().distribution(tokens, s, e)
        return lookahead(P, tokens, s, e, np.arange(s, e) >= int(0.78 * len(tokens)), 0.3)


if __name__ == "__main__":
    ref.main(LateLookahead, code_path=__file__)
