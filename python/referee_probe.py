"""Referee's submission-side helper (protocol v1, see docs/protocol.md).

One file, standard library only, importable by any submission (the runner puts
this folder on PYTHONPATH). It provides:

- ``Trace`` / ``trace()``: a hash-chained, per-rank JSONL trace writer
  (``phase``, ``score`` and ``update`` events; each line written to the kernel at
  once, fsync'ed at every phase event and at most a second after any other).
  It is a no-op when ``REFEREE_TRACE_DIR`` is unset.
- ``eval_requests()`` / ``eval_request()`` / ``write_eval_outputs()``: the
  eval-only entry point used by Referee's black-box probes
  (``REFEREE_EVAL_ONLY=1``; ``REFEREE_EVAL_PLAN`` batches several requests).
- ``read_shard()`` / ``load_tokens()``: FineWeb ``.bin`` shard readers.
- ``ByteLUT``: the baseline's byte-count rule built from a SentencePiece
  processor, and ``ByteLUT.target_bytes()`` to count scored bytes.
"""

from __future__ import annotations

import array
import atexit
import glob
import hashlib
import json
import math
import os
import struct
import sys
import tempfile
import time

PROTOCOL_VERSION = 1
SHARD_MAGIC = 20240520
SHARD_VERSION = 1
SHARD_HEADER_INTS = 256
ZERO_HASH = "0" * 64

__all__ = [
    "PROTOCOL_VERSION", "Trace", "trace", "EvalRequest", "eval_request", "eval_requests", "iter_eval_requests",
    "write_eval_outputs",
    "ShardError", "read_shard", "write_shard", "load_tokens", "ByteLUT",
]


# --------------------------------------------------------------------------- trace


class Trace:
    """Appends hash-chained JSON lines to ``<trace_dir>/rank<R>.jsonl``.

    Each line carries ``v``, ``seq``, ``rank``, ``t``, ``ev`` and ``prev`` (hex
    SHA-256 of the previous line's bytes without its newline; 64 zeros for seq 0).
    When the file already exists the chain continues from its last line. With
    ``trace_dir=None`` every method does nothing (``enabled`` is False).

    Crash safety: the file is opened once (at the first event) and kept open.
    Every event is handed to the kernel with one ``write`` before the call
    returns, so a crash, ``kill -9`` or OOM kill of the process loses no event
    and never leaves a partial line behind a complete one. Every ``phase`` event
    is followed by ``fsync`` (phase ends reach the disk before the phase is said
    to be over), and other events are fsync'ed when more than
    ``FSYNC_INTERVAL`` seconds passed since the last fsync, and at ``close()``
    (also called at interpreter exit). So a power loss or kernel crash loses at
    most the score/update events of the last second after the last phase
    marker; what remains is a prefix of the chain, which still verifies.
    """

    FSYNC_INTERVAL = 1.0

    def __init__(self, trace_dir: str | None, rank: int = 0):
        self.rank = int(rank)
        self.enabled = bool(trace_dir)
        self.path = None
        self.seq = 0
        self.prev = ZERO_HASH
        self._fd = None
        self._last_sync = 0.0
        self._unsynced = False
        if not self.enabled:
            return
        os.makedirs(trace_dir, exist_ok=True)
        self.path = os.path.join(trace_dir, "rank%d.jsonl" % self.rank)
        if os.path.exists(self.path):
            self._resume()

    def _resume(self) -> None:
        with open(self.path, "rb") as f:
            data = f.read()
        lines = [ln for ln in data.split(b"\n") if ln]
        if not lines:
            return
        last = lines[-1]
        try:
            obj = json.loads(last)
            self.seq = int(obj["seq"]) + 1
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError("%s: line %d: cannot resume the trace chain, expected a JSON "
                             "object with an integer 'seq' (%s)" % (self.path, len(lines), exc))
        self.prev = hashlib.sha256(last).hexdigest()

    def _open(self) -> int:
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._last_sync = time.monotonic()
        atexit.register(self.close)
        return self._fd

    def _write(self, line: bytes, sync: bool) -> None:
        fd = self._fd if self._fd is not None else self._open()
        data = line + b"\n"
        while data:
            n = os.write(fd, data)
            data = data[n:]
        now = time.monotonic()
        if sync or now - self._last_sync >= self.FSYNC_INTERVAL:
            os.fsync(fd)
            self._last_sync = now
            self._unsynced = False
        else:
            self._unsynced = True
        self.prev = hashlib.sha256(line).hexdigest()
        self.seq += 1

    def sync(self) -> None:
        """Forces the events written so far to disk (``fsync``)."""
        if self._fd is not None and self._unsynced:
            os.fsync(self._fd)
            self._last_sync = time.monotonic()
            self._unsynced = False

    def close(self) -> None:
        """fsyncs and closes the file; a later event opens it again."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if self._unsynced:
                os.fsync(fd)
        finally:
            self._unsynced = False
            os.close(fd)
            try:
                atexit.unregister(self.close)
            except Exception:  # interpreter shutting down
                pass

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _emit(self, ev: str, fields: dict) -> None:
        if not self.enabled:
            return
        obj = dict(fields)
        obj.update({"v": PROTOCOL_VERSION, "seq": self.seq, "rank": self.rank,
                    "t": time.time(), "ev": ev, "prev": self.prev})
        line = json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
        self._write(line, sync=ev == "phase")

    def phase(self, name: str, **fields) -> None:
        """A phase marker: ``train_start``, ``train_end``, ``artifact_written``,
        ``eval_start`` (give ``val_tokens`` and ``world_size``), ``eval_end``
        (may give ``val_loss`` and ``val_bpb``) or another name."""
        fields["name"] = str(name)
        self._emit("phase", fields)

    # The score and update lines are formatted directly: byte for byte what _emit's
    # json.dumps(sort_keys=True, separators=(",", ":"), allow_nan=False) writes (keys in
    # sorted order, ints as int.__repr__, floats as float.__repr__; tests compare the two), at
    # a fraction of its cost inside the timed evaluation.
    _SCORE = ('{"bytes":%d,"end":%d,"ev":"score","nll":%r,"prev":"%s","psum_max":%r,'
              '"psum_min":%r,"rank":%d,"seq":%d,"start":%d,"t":%r,"v":' + str(PROTOCOL_VERSION) + '}')
    _UPDATE = ('{"end":%d,"ev":"update","kind":"%s","prev":"%s","rank":%d,"seq":%d,"start":%d,'
               '"t":%r,"v":' + str(PROTOCOL_VERSION) + '}')

    def score(self, start: int, end: int, nll: float, nbytes: int,
              psum_min: float, psum_max: float) -> None:
        """Target positions ``[start, end)`` were scored: ``nll`` is the sum of
        -ln p in nats, ``nbytes`` their bytes (baseline rule), ``psum_min/max``
        the extremes of the full-vocabulary probability sums."""
        start, end = int(start), int(end)
        if not (0 <= start < end):
            raise ValueError("score range [%s, %s) is empty or negative" % (start, end))
        nll, nbytes, psum_min, psum_max = float(nll), int(nbytes), float(psum_min), float(psum_max)
        if not self.enabled:
            return
        if not (_isfinite(nll) and _isfinite(psum_min) and _isfinite(psum_max)):
            raise ValueError("Out of range float values are not JSON compliant")
        line = (self._SCORE % (nbytes, end, nll, self.prev, psum_max, psum_min, self.rank, self.seq,
                               start, time.time())).encode()
        self._write(line, sync=False)

    def update(self, kind: str, start: int, end: int) -> None:
        """State was updated from the tokens at target positions ``[start, end)``;
        ``kind`` is ``cache``, ``ttt`` or ``other``."""
        if kind not in ("cache", "ttt", "other"):
            raise ValueError("update kind must be 'cache', 'ttt' or 'other', got %r" % (kind,))
        if not self.enabled:
            return
        line = (self._UPDATE % (int(end), kind, self.prev, self.rank, self.seq, int(start), time.time())).encode()
        self._write(line, sync=False)


_isfinite = math.isfinite
_TRACE = None


def trace() -> Trace:
    """The process-wide trace for ``REFEREE_TRACE_DIR`` and ``RANK`` (created once)."""
    global _TRACE
    if _TRACE is None:
        _TRACE = Trace(os.environ.get("REFEREE_TRACE_DIR") or None,
                       int(os.environ.get("RANK", "0")))
    return _TRACE


# --------------------------------------------------------------------------- eval entry point


class EvalRequest:
    """A black-box probe request (see ``eval_request``)."""

    def __init__(self, shard: str, out_dir: str, positions: list, artifact: str | None):
        self.shard = shard
        self.out_dir = out_dir
        self.positions = positions
        self.artifact = artifact

    def artifact_path(self, default: str) -> str:
        """``REFEREE_ARTIFACT`` when set, else ``default`` (the working-directory artifact)."""
        return self.artifact or default

    def __repr__(self) -> str:
        return "EvalRequest(shard=%r, out_dir=%r, positions=%r, artifact=%r)" % (
            self.shard, self.out_dir, self.positions, self.artifact)


def eval_request(environ=None) -> EvalRequest | None:
    """The probe request when ``REFEREE_EVAL_ONLY=1``, else None.

    Reads ``REFEREE_EVAL_SHARD`` (required), ``REFEREE_EVAL_OUT`` (required),
    ``REFEREE_DIST_POSITIONS`` (comma-separated target positions, may be empty)
    and ``REFEREE_ARTIFACT`` (optional). Raises ValueError naming the variable
    when one is missing or malformed.
    """
    env = os.environ if environ is None else environ
    if env.get("REFEREE_EVAL_ONLY", "") != "1":
        return None
    shard = env.get("REFEREE_EVAL_SHARD", "")
    out_dir = env.get("REFEREE_EVAL_OUT", "")
    if not shard:
        raise ValueError("REFEREE_EVAL_ONLY=1 but REFEREE_EVAL_SHARD is not set "
                         "(expected the path of a FineWeb .bin shard)")
    if not out_dir:
        raise ValueError("REFEREE_EVAL_ONLY=1 but REFEREE_EVAL_OUT is not set "
                         "(expected a directory for nll.f64 and dists.jsonl)")
    positions = []
    raw = env.get("REFEREE_DIST_POSITIONS", "").strip()
    for item in raw.split(",") if raw else []:
        item = item.strip()
        if not item:
            continue
        try:
            pos = int(item)
        except ValueError:
            raise ValueError("REFEREE_DIST_POSITIONS: %r is not an integer (expected "
                             "comma-separated target positions)" % item)
        if pos < 1:
            raise ValueError("REFEREE_DIST_POSITIONS: %d is not a target position (must be >= 1)" % pos)
        positions.append(pos)
    return EvalRequest(shard, out_dir, positions, env.get("REFEREE_ARTIFACT") or None)


def _read_plan(path: str, artifact: str | None) -> tuple:
    """(requests, more) of the plan file at ``path``."""
    try:
        with open(path, "rb") as f:
            plan = json.loads(f.read().decode("utf-8"))
    except OSError as exc:
        raise ValueError("REFEREE_EVAL_PLAN: cannot read %s (%s)" % (path, exc))
    except ValueError as exc:
        raise ValueError("%s: not a JSON document (%s); expected {\"requests\": [...]}" % (path, exc))
    if not isinstance(plan, dict) or not isinstance(plan.get("requests"), list) or not plan["requests"]:
        raise ValueError("%s: expected a JSON object {\"requests\": [{\"shard\": ..., \"out\": ..., "
                         "\"positions\": [...]}, ...]} with at least one request" % path)
    out = []
    for k, item in enumerate(plan["requests"]):
        where = "%s: requests[%d]" % (path, k)
        if not isinstance(item, dict):
            raise ValueError("%s: expected an object with shard, out and positions" % where)
        shard, out_dir, positions = item.get("shard"), item.get("out"), item.get("positions", [])
        if not isinstance(shard, str) or not shard:
            raise ValueError("%s: 'shard' must be the path of a FineWeb .bin shard" % where)
        if not isinstance(out_dir, str) or not out_dir:
            raise ValueError("%s: 'out' must be a directory for nll.f64 and dists.jsonl" % where)
        if not isinstance(positions, list) or not all(
                isinstance(p, int) and not isinstance(p, bool) for p in positions):
            raise ValueError("%s: 'positions' must be a list of integer target positions" % where)
        bad = [p for p in positions if p < 1]
        if bad:
            raise ValueError("%s: position %d is not a target position (must be >= 1)" % (where, bad[0]))
        out.append(EvalRequest(shard, out_dir, list(positions), artifact))
    more = plan.get("more", False)
    if not isinstance(more, bool):
        raise ValueError("%s: 'more' must be true or false" % path)
    return out, more


def eval_requests(environ=None) -> list:
    """Every probe request of this process, in the order to evaluate them.

    With ``REFEREE_EVAL_ONLY=1`` and ``REFEREE_EVAL_PLAN`` (path of a JSON file
    ``{"requests": [{"shard": PATH, "out": DIR, "positions": [ints]}, ...]}``):
    the plan's requests. Else the single request of ``eval_request()`` as a
    one-element list, and ``[]`` without ``REFEREE_EVAL_ONLY=1``. A submission
    loads its artifact once and answers each request with fresh evaluation state
    (no cache or test-time-training state carried from one request to the next).
    Raises ValueError naming the file, the request and the field when malformed.
    """
    env = os.environ if environ is None else environ
    if env.get("REFEREE_EVAL_ONLY", "") != "1":
        return []
    plan = env.get("REFEREE_EVAL_PLAN", "")
    if plan:
        return _read_plan(plan, env.get("REFEREE_ARTIFACT") or None)[0]
    return [eval_request(env)]


def iter_eval_requests(environ=None, poll: float = 0.02, wait: float | None = None):
    """Yields the probe requests one by one, like ``eval_requests()``, and follows a
    growing plan: while the plan says ``"more": true``, Referee will append requests
    (it rewrites the file atomically, earlier requests unchanged), so after the listed
    ones this re-reads the file every ``poll`` seconds until it lists more requests or
    ``"more"`` is false. Waits at most ``wait`` seconds (default
    ``REFEREE_EVAL_PLAN_WAIT`` or 600) for new requests, then raises TimeoutError.
    Answer each request (write its outputs) before asking for the next one.
    """
    env = os.environ if environ is None else environ
    path = env.get("REFEREE_EVAL_PLAN", "")
    if env.get("REFEREE_EVAL_ONLY", "") != "1" or not path:
        for req in eval_requests(env):
            yield req
        return
    artifact = env.get("REFEREE_ARTIFACT") or None
    limit = float(env.get("REFEREE_EVAL_PLAN_WAIT", "600")) if wait is None else float(wait)
    done = 0
    while True:
        requests, more = _read_plan(path, artifact)
        for req in requests[done:]:
            done += 1
            yield req
        if not more:
            return
        deadline = time.time() + limit
        while True:
            requests, more = _read_plan(path, artifact)
            if len(requests) > done or not more:
                break
            if time.time() > deadline:
                raise TimeoutError("%s: still 'more': true and no request after #%d for %.0f s"
                                   % (path, done, limit))
            time.sleep(poll)


def _atomic_write(path: str, data: bytes) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _f64_bytes(values) -> bytes:
    if hasattr(values, "astype") and hasattr(values, "tobytes"):  # numpy, without importing it
        return values.astype("<f8").tobytes()
    values = [float(v) for v in values]
    return struct.pack("<%dd" % len(values), *values)


def write_eval_outputs(nll, dists_by_pos, request: EvalRequest | None = None,
                       out_dir: str | None = None, n_targets: int | None = None) -> None:
    """Writes ``nll.f64`` and ``dists.jsonl`` into the request's output directory.

    ``nll``: one -ln p per target position 1..n-1 of the shard, in order (a list
    or a numpy array). ``dists_by_pos``: ``{pos: probs}`` with the full
    distribution (length V) the NLL at ``pos`` was taken from; every position the
    request lists must be present. ``n_targets`` (shard tokens - 1), when given,
    is checked against ``len(nll)``. Files are written atomically.
    """
    if request is None and out_dir is None:
        request = eval_request()
        if request is None:
            raise ValueError("write_eval_outputs: no request (REFEREE_EVAL_ONLY is not 1) and no out_dir")
    out = out_dir or request.out_dir
    data = _f64_bytes(nll)
    if n_targets is not None and len(data) != 8 * int(n_targets):
        raise ValueError("write_eval_outputs: %d NLL values, expected %d (one per target position)"
                         % (len(data) // 8, n_targets))
    wanted = list(request.positions) if request is not None else sorted(dists_by_pos)
    lines = []
    for pos in wanted:
        if pos not in dists_by_pos:
            raise ValueError("write_eval_outputs: no distribution for requested position %d" % pos)
        probs = [float(p) for p in dists_by_pos[pos]]
        if not all(math.isfinite(p) for p in probs):
            raise ValueError("write_eval_outputs: non-finite probability at position %d" % pos)
        lines.append(json.dumps({"pos": int(pos), "probs": probs}, separators=(",", ":")))
    os.makedirs(out, exist_ok=True)
    _atomic_write(os.path.join(out, "nll.f64"), data)
    _atomic_write(os.path.join(out, "dists.jsonl"), "".join(ln + "\n" for ln in lines).encode())


# --------------------------------------------------------------------------- shards


class ShardError(ValueError):
    """A shard file is not in FineWeb format (message names the file and the problem)."""


def read_shard(path: str) -> array.array:
    """The uint16 tokens of a FineWeb shard (header of 256 little-endian int32:
    magic 20240520, version 1, token count), as ``array('H')``."""
    with open(path, "rb") as f:
        header = f.read(SHARD_HEADER_INTS * 4)
        if len(header) != SHARD_HEADER_INTS * 4:
            raise ShardError("%s: file is %d bytes, shorter than the 1024-byte header" % (path, len(header)))
        magic, version, count = struct.unpack("<3i", header[:12])
        if magic != SHARD_MAGIC:
            raise ShardError("%s: magic %d, expected %d" % (path, magic, SHARD_MAGIC))
        if version != SHARD_VERSION:
            raise ShardError("%s: version %d, expected %d" % (path, version, SHARD_VERSION))
        body = f.read()
    if count < 0 or len(body) != 2 * count:
        raise ShardError("%s: header says %d tokens (%d bytes) but %d bytes follow the header"
                         % (path, count, 2 * count, len(body)))
    tokens = array.array("H")
    tokens.frombytes(body)
    if sys.byteorder != "little":
        tokens.byteswap()
    return tokens


def write_shard(path: str, tokens) -> None:
    """Writes ``tokens`` (ints in [0, 65535]) as a FineWeb shard, atomically."""
    arr = array.array("H", tokens)
    if sys.byteorder != "little":
        arr.byteswap()
    header = struct.pack("<3i", SHARD_MAGIC, SHARD_VERSION, len(arr)) + b"\0" * (4 * (SHARD_HEADER_INTS - 3))
    _atomic_write(path, header + arr.tobytes())


def load_tokens(pattern: str) -> array.array:
    """All tokens of the shards matching ``pattern``, concatenated in name order."""
    files = sorted(glob.glob(pattern))
    if not files:
        raise ShardError("no shard matches %s" % pattern)
    out = array.array("H")
    for path in files:
        out.extend(read_shard(path))
    return out


# --------------------------------------------------------------------------- bytes


class ByteLUT:
    """The baseline's byte rule for a SentencePiece vocabulary.

    ``base[t]``: 0 for control/unknown/unused pieces, 1 for byte-fallback pieces,
    else the UTF-8 length of the piece without its leading "▁".
    ``space[t]``: the piece has a leading "▁" (counts 1 more byte unless the
    previous token is a boundary). ``boundary[t]``: control/unknown/unused.
    """

    def __init__(self, base: list, space: list, boundary: list):
        self.base = base
        self.space = space
        self.boundary = boundary

    @classmethod
    def from_sentencepiece(cls, sp, vocab_size: int | None = None) -> "ByteLUT":
        """Builds the tables from a ``sentencepiece.SentencePieceProcessor``."""
        n = int(sp.vocab_size())
        size = max(n, int(vocab_size or 0))
        base = [0] * size
        space = [False] * size
        boundary = [True] * size
        for t in range(n):
            if sp.is_control(t) or sp.is_unknown(t) or sp.is_unused(t):
                continue
            boundary[t] = False
            if sp.is_byte(t):
                base[t] = 1
                continue
            piece = sp.id_to_piece(t)
            if piece.startswith("\u2581"):
                space[t] = True
                piece = piece[1:]
            base[t] = len(piece.encode("utf-8"))
        return cls(base, space, boundary)

    @classmethod
    def from_model_file(cls, path: str, vocab_size: int | None = None) -> "ByteLUT":
        """Loads a SentencePiece ``.model`` file (needs the ``sentencepiece`` package)."""
        import sentencepiece as spm
        sp = spm.SentencePieceProcessor()
        if not sp.Load(path):
            raise ValueError("%s: not a SentencePiece model" % path)
        return cls.from_sentencepiece(sp, vocab_size)

    def token_bytes(self, prev: int, tok: int) -> int:
        """Bytes of target ``tok`` preceded by ``prev``."""
        return self.base[tok] + (1 if self.space[tok] and not self.boundary[prev] else 0)

    def target_bytes(self, tokens, start: int, end: int) -> int:
        """Sum of bytes of target positions ``[start, end)`` of ``tokens`` (start >= 1)."""
        if start < 1:
            raise ValueError("target positions start at 1, got %d" % start)
        base, space, boundary = self.base, self.space, self.boundary
        total = 0
        for i in range(start, end):
            t = tokens[i]
            total += base[t]
            if space[t] and not boundary[tokens[i - 1]]:
                total += 1
        return total
