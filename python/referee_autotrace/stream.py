"""The validation stream Referee supplied, and where a run of target tokens lies in it.

Referee owns the validation shards, so autotrace needs no declaration from the submission:
it loads ``fineweb_val_*.bin`` (sorted by name, concatenated: the stream ``x[0..N)`` of
docs/protocol.md) once at start-up and indexes every k-gram by a 64-bit rolling hash
(sorted array + binary search, numpy only). ``locate(targets)`` maps each element of a
flattened target tensor to its target position ``p`` (``targets[j] == x[p]``), or -1.

Matching is greedy and segment-wise: at the first element whose k-gram occurs in the stream,
the candidate occurrence that continues the previous segment is preferred, otherwise the one
whose exact match runs longest; the segment is then extended token by token as far as the
stream agrees, and matching resumes after it. Padding, other documents in the same batch row
and unrelated (training) text break segments. ``seglen`` gives each located element the length
of its segment, so callers can ignore short coincidental matches (boilerplate shared by
training and validation text).
"""

from __future__ import annotations

import glob
import os

import numpy as np

_MUL = np.uint64(1000003)
MAX_CANDIDATES = 64


def _hashes(seq: np.ndarray, k: int) -> np.ndarray:
    """64-bit polynomial hash of every k-gram of ``seq`` (wrapping arithmetic)."""
    n = len(seq) - k + 1
    s = seq.astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _MUL + s[j:j + n] + np.uint64(1)
    return h


class ValStream:
    """The concatenated validation shards and a k-gram index over them."""

    def __init__(self, tokens: np.ndarray, k: int = 8, files: list | None = None):
        self.tokens = np.ascontiguousarray(tokens, dtype=np.int64)
        self.k = int(k)
        self.files = list(files or [])
        self.n = len(self.tokens)
        if self.n >= self.k:
            h = _hashes(self.tokens, self.k)
            self.order = np.argsort(h, kind="stable")
            self.sorted = h[self.order]
        else:
            self.order = np.zeros(0, dtype=np.int64)
            self.sorted = np.zeros(0, dtype=np.uint64)

    @classmethod
    def from_pattern(cls, pattern: str, k: int = 8) -> "ValStream":
        import referee_probe
        files = sorted(glob.glob(pattern))
        if not files:
            raise FileNotFoundError("autotrace: no validation shard matches %s" % pattern)
        parts = [np.frombuffer(referee_probe.read_shard(f).tobytes(), dtype="<u2") for f in files]
        return cls(np.concatenate(parts), k=k, files=files)

    @staticmethod
    def default_pattern(environ=None) -> str:
        env = os.environ if environ is None else environ
        if env.get("REFEREE_AUTOTRACE_VAL"):
            return env["REFEREE_AUTOTRACE_VAL"]
        data = env.get("DATA_PATH", "./data/datasets/fineweb10B_sp1024")
        return os.path.join(data, "fineweb_val_*.bin")

    def _match_len(self, seq: np.ndarray, j: int, c: int) -> int:
        m = min(len(seq) - j, self.n - c)
        diff = np.flatnonzero(seq[j:j + m] != self.tokens[c:c + m])
        return int(diff[0]) if len(diff) else m

    def locate(self, seq) -> tuple:
        """(positions, seglen) for the flat int sequence ``seq``: the stream index of each
        element (-1 where not found, or where the index is 0, which is no target position)
        and the length of the matched segment it belongs to (0 where not found)."""
        seq = np.asarray(seq, dtype=np.int64).reshape(-1)
        n, k = len(seq), self.k
        pos = np.full(n, -1, dtype=np.int64)
        seglen = np.zeros(n, dtype=np.int64)
        if n < k or self.n < k:
            return pos, seglen
        bad = (seq < 0) | (seq > 65535)
        h = _hashes(np.where(bad, 0, seq), k)
        lo = np.searchsorted(self.sorted, h, side="left")
        hit = (lo < len(self.sorted)) & (self.sorted[np.minimum(lo, len(self.sorted) - 1)] == h)
        starts = np.flatnonzero(hit)
        expected = -1
        j = 0
        si = 0
        while si < len(starts):
            j0 = int(starts[si])
            if j0 < j:
                si = int(np.searchsorted(starts, j, side="left"))
                continue
            j = j0
            a = int(lo[j])
            b = int(np.searchsorted(self.sorted, h[j], side="right"))
            cands = self.order[a:min(b, a + MAX_CANDIDATES)]
            best, best_len = -1, 0
            if expected >= 0 and b - a > 1 and np.any(cands == expected):
                best, best_len = expected, self._match_len(seq, j, expected)
            if best_len < k:
                for c in cands:
                    ln = self._match_len(seq, j, int(c))
                    if ln > best_len:
                        best, best_len = int(c), ln
                        if j + ln == n:
                            break
            if best_len < k:
                si += 1
                continue
            pos[j:j + best_len] = np.arange(best, best + best_len)
            seglen[j:j + best_len] = best_len
            expected = best + best_len
            j += best_len
            si = int(np.searchsorted(starts, j, side="left"))
        pos[pos == 0] = -1
        return pos, seglen
