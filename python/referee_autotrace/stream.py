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

    def locate(self, seq, step: int = 4) -> tuple:
        """(positions, seglen) for the flat int sequence ``seq``: the stream index of each
        element (-1 where not found, or where the index is 0, which is no target position)
        and the length of the matched segment it belongs to (0 where not found).

        The index is probed only every ``step`` elements (then each segment is extended forward
        and backward by direct comparison), so a segment is found when it holds at least
        k + step - 1 tokens."""
        seq = np.asarray(seq, dtype=np.int64).reshape(-1)
        n, k = len(seq), self.k
        pos = np.full(n, -1, dtype=np.int64)
        seglen = np.zeros(n, dtype=np.int64)
        if n < k or self.n < k:
            return pos, seglen
        whole = self._whole(seq)
        if whole >= 0:
            pos[:] = np.arange(whole, whole + n)
            seglen[:] = n
            pos[pos == 0] = -1
            return pos, seglen
        return self._segments(seq, pos, seglen, step)

    def _whole(self, seq: np.ndarray) -> int:
        """The stream index where all of ``seq`` lies, if it does, else -1: the lowest candidate
        of its first k-gram (among the first MAX_CANDIDATES) that matches in full — the answer the
        segment-wise search gives such a sequence, at the cost of one index lookup (an
        evaluator's chunks and windows are whole runs of the stream)."""
        n, k = len(seq), self.k
        if n > self.n or seq.min() < 0 or seq.max() > 65535:
            return -1
        h = 0
        for t in seq[:k].tolist():
            h = (h * 1000003 + t + 1) & 0xFFFFFFFFFFFFFFFF
        h = np.uint64(h)
        a = int(np.searchsorted(self.sorted, h, side="left"))
        if a >= len(self.sorted) or self.sorted[a] != h:
            return -1
        b = int(np.searchsorted(self.sorted, h, side="right"))
        for c in self.order[a:min(b, a + MAX_CANDIDATES)].tolist():
            if c + n <= self.n and np.array_equal(seq, self.tokens[c:c + n]):
                return c
        return -1

    def _segments(self, seq, pos, seglen, step):
        n, k = len(seq), self.k
        bad = (seq < 0) | (seq > 65535)
        samp = np.arange(0, n - k + 1, max(1, int(step)))
        if samp[-1] != n - k:
            samp = np.append(samp, n - k)
        clean = np.where(bad, 0, seq).astype(np.uint64)
        h = np.zeros(len(samp), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for t in range(k):
                h = h * _MUL + clean[samp + t] + np.uint64(1)
        lo = np.searchsorted(self.sorted, h, side="left")
        hit = (lo < len(self.sorted)) & (self.sorted[np.minimum(lo, len(self.sorted) - 1)] == h)
        hits = np.flatnonzero(hit)
        hit_at = samp[hits]
        expected, j = -1, 0  # stream index after the previous segment; seq index after it
        hi_ptr = 0
        while hi_ptr < len(hits):
            si = int(hits[hi_ptr])
            j0 = int(samp[si])
            hi_ptr += 1
            if j0 < j:
                hi_ptr = int(np.searchsorted(hit_at, j, side="left"))
                continue
            a = int(lo[si])
            b = int(np.searchsorted(self.sorted, h[si], side="right"))
            cands = self.order[a:min(b, a + MAX_CANDIDATES)]
            best, best_len = -1, 0
            guess = expected + (j0 - j) if expected >= 0 else -1
            if guess >= 0 and (b - a == 1 or np.any(cands == guess)):
                best, best_len = guess, self._match_len(seq, j0, guess)
            if best_len < k:
                best, best_len = -1, 0
                for c in cands:
                    ln = self._match_len(seq, j0, int(c))
                    if ln > best_len:
                        best, best_len = int(c), ln
                        if j0 + ln == n:
                            break
            if best_len < k:
                continue
            m = min(j0 - j, best)  # extend backwards, not into the previous segment
            back = 0
            if m > 0:
                diff = np.flatnonzero(seq[j0 - m:j0][::-1] != self.tokens[best - m:best][::-1])
                back = int(diff[0]) if len(diff) else m
            start, length = j0 - back, back + best_len
            pos[start:start + length] = np.arange(best - back, best - back + length)
            seglen[start:start + length] = length
            expected, j = best + best_len, j0 + best_len
        pos[pos == 0] = -1
        return pos, seglen
