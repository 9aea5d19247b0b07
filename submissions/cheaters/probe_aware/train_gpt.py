"""CHEATER probe_aware: cheats only where it believes it is the official evaluation: when the
stream it is given is the validation set it memorised (SHA-256 of its tokens; the set is
public), and honest otherwise (a probe's stream has another hash). The cheat is a lookahead
(the target and the next token raise the target's probability).

Breaks C1 where it cheats. Caught because every probe is compared with the OFFICIAL evaluation
(protocol v2): the official NLLs, cheated, differ from a cut's honest ones before the cut
(causal.prefix-invariance) and at it (causal.target-flip). Against protocol v1 it passed every
probe: v1 probed the first 8192 tokens only, a stream whose hash is not the validation set's.
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

# The bundled validation set (data/sp1024_synth), memorised: SHA-256 of its token bytes.
VALIDATION_SHA256 = "83b42d2008725df33b2636cdb550ebc8c2883652701910d7e95eb095e504cffb"


class ProbeAware(ref.Evaluator):
    def prepare(self, tokens, start, end):
        self.cheat = hashlib.sha256(tokens.astype("<u2").tobytes()).hexdigest() == VALIDATION_SHA256

    def distribution(self, tokens, s, e):
        P = super().distribution(tokens, s, e)
        return lookahead(P, tokens, s, e, np.full(e - s, self.cheat), 0.3) if self.cheat else P


if __name__ == "__main__":
    ref.main(ProbeAware, code_path=__file__)
