"""CHEATER noise_inflation: adds random noise (~1e-3 nats, fresh each run) to every scored NLL,
so that two evaluations of the same input disagree, and hides a small lookahead under it.

Protocol v1 allowed differences up to the tolerance plus the measured control noise, which a
submission could inflate on purpose. Protocol v2 never widens a tolerance: official and control
must agree within max_noise (1e-4 nats) or every probe rule fails as "non-deterministic
evaluation" (causal.prefix-invariance, causal.target-flip).
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


class NoiseInflation(ref.Evaluator):
    def distribution(self, tokens, s, e):
        P = super().distribution(tokens, s, e)
        return lookahead(P, tokens, s, e, np.ones(e - s, dtype=bool), 0.01)

    def record_score(self, tokens, s, e, P):
        nll = super().record_score(tokens, s, e, P)
        # A small bias on top of the random part: its sum over the set (~6 nats) always exceeds what
        # the random part alone sums to (~0.25 nats), so what the trace and the log disagree by is
        # not left to chance (trace.matches-log fails on every run, not on most).
        noise = np.random.default_rng(int.from_bytes(os.urandom(8), "little")).normal(0.0, 1e-3, e - s) + 1e-4
        self.nll[s - self.start:e - self.start] += noise
        return nll + noise


if __name__ == "__main__":
    ref.main(NoiseInflation, code_path=__file__)
