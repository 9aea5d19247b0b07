"""CHEATER target_gate: per position, mixes the cache in (heavily) only when that raises
the probability of the realised target; both candidates are normalised, so every vector
sums to 1 and the trace looks clean.

Breaks C1 (p_t may depend only on the artifact and x_<t): the gate reads x_t. Caught by the
target-flip probe: flipping a target changes the dumped distribution at that position.
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

HEAVY = 0.6


class TargetGate(ref.Evaluator):
    def distribution(self, tokens, s, e):
        P0 = self.model.distribution(tokens, s, e)
        n = self.cu.sum()
        if n <= 0:
            return P0
        v = tokens[s - 1:e - 1]
        q = (self.cu + 1e-3) / (n + 1e-3 * self.model.V)
        rows = self.cb[v]
        Pc = (rows + 2.0 * q[None, :]) / (rows.sum(1) + 2.0)[:, None]
        P1 = (1.0 - HEAVY) * P0 + HEAVY * Pc
        a, t = np.arange(e - s), tokens[s:e]
        return np.where((P1[a, t] > P0[a, t])[:, None], P1, P0)


if __name__ == "__main__":
    ref.main(TargetGate, code_path=__file__)
