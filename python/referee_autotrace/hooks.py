"""Autotrace's observation machinery (see docs/autotrace.md).

Scoring calls (``F.cross_entropy``, ``F.nll_loss``, ``F.log_softmax`` followed by ``gather``)
return their usual value as a ``Tracked`` tensor: a subclass whose ``__torch_function__``
carries the PROVENANCE of every element (which loss call, which element of it, hence which
target position of the validation stream) through slicing, reshaping, casts, arithmetic and
reductions. Only tensors derived from a loss pay this cost; the model's own computation is
untouched.

- COUNTED: a derived value added in place (``+=`` / ``add_``) into a tensor that needs no
  gradient and is not a parameter (the evaluator's running sum), or exported to the host
  (``.item()``, ``.tolist()``, ``.numpy()``, ``float()``) while it needs no gradient. The
  elements that reach it are scored; the others (context of a sliding window, padding) are not.
- UPDATE: ``backward``/``autograd.grad`` of a derived value records the positions that fed
  the gradients; the next optimizer step (global step pre-hook, or a wrapped ``step``) is an
  update that read them; an in-place write of a derived value into a parameter is one too.
  ``zero_grad`` forgets pending positions. A parameter holding such a gradient that changes
  with no optimizer step (a hand-written update) is an update too (checksums, ``check_manual``).

Events are kept in memory with the time they were observed and written at exit
(``Recorder.finish``) as the trace of docs/protocol.md, every line marked
``"source": "autotrace"``.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import time
import traceback

import numpy as np
import torch

from . import watch

_DISABLE = torch._C.DisableTorchFunction

# --------------------------------------------------------------------------- provenance


class LossCall:
    """One observed loss call: the target position and per-element values of each element.
    Nothing is read back at the call, so a loss call costs no host synchronisation: the targets
    are kept as a device-side copy taken at the call and located in the validation stream when
    the observations that need them are read back in a batch (``Recorder.flush``, or ``pos`` /
    ``seglen`` read directly); a reduced loss's per-element values are computed from its detached
    input only when counted (``materialize``; under inference mode at the call), and values are
    copied to the host only for counted calls — a training loss is never read back."""

    __slots__ = ("serial", "n", "_tgt", "_pos", "_seg", "_ignore", "_nll", "_psum", "t", "where", "rec", "start",
                 "nbytes", "deferred", "rowlen")

    def __init__(self, serial, n, tgt, ignore, nll, psum, t, where, rec):
        self.serial, self.n, self._tgt, self._ignore, self._nll, self._psum, self.t, self.where, self.rec = (
            serial, n, tgt, ignore, nll, psum, t, where, rec)
        self._pos = self._seg = self.start = None
        self.nbytes, self.deferred = 0, False  # device memory it keeps alive; counted in a batch
        self.rowlen = None  # targets are rows of this many (a batch of windows), located row by row

    def _locate(self):
        self.resolve(_host_arrays([self._tgt])[0])

    def resolve(self, targets):
        """Locates the call's targets, given as a host array (see ``Recorder.resolve``)."""
        self._pos, self._seg, located = self.rec.locate_targets(targets, self._ignore, self.rowlen)
        self._tgt = None
        # located whole (one run of the stream, no ignored element): element j is at start + j
        if located == self.n and self.n and self._seg[0] == self.n:
            self.start = int(self._pos[0])

    def materialize(self):
        """A reduced loss's per-element values, computed now on the device (no copy): the
        detached input may be written after this."""
        if callable(self._nll):
            with _DISABLE():
                self._nll = self._nll().reshape(-1)

    @property
    def pos(self):
        if self._pos is None:
            self._locate()
        return self._pos

    @property
    def seglen(self):
        if self._seg is None:
            self._locate()
        return self._seg

    def _host(self, value, fill):
        if value is None:
            return np.full(self.n, fill, dtype=np.float64)
        if isinstance(value, np.ndarray):
            return value
        if callable(value):  # a reduced loss: its per-element values, computed now
            value = value()
        with _DISABLE():
            return value.reshape(-1).double().cpu().numpy()

    @property
    def nll(self):
        if not isinstance(self._nll, np.ndarray):
            self._nll = self._host(self._nll, 0.0)
        return self._nll

    @property
    def psum(self):
        if not isinstance(self._psum, np.ndarray):
            self._psum = self._host(self._psum, 1.0)
        return self._psum


class Prov:
    """Provenance of a tensor derived from loss calls.

    ``parts``: list of (LossCall, idx) where idx are indices into the call's flat arrays.
    ``elementwise``: a single part whose idx has the tensor's shape (element i of the tensor
    comes from idx[i]); otherwise the tensor mixes all the parts' elements (after a reduction).
    ``table``: a log-probability table (log_softmax output) not yet tied to targets.
    """

    __slots__ = ("parts", "elementwise", "table")

    def __init__(self, parts=(), elementwise=False, table=False):
        self.parts = list(parts)
        self.elementwise = elementwise
        self.table = table

    def reduced(self) -> "Prov":
        if not self.elementwise:
            return self
        return Prov([(c, i.reshape(-1)) for c, i in self.parts], elementwise=False)

    def run(self):
        """(call, a, b) when this stands for elements a..b-1 of one loss call, in order, and that
        call was located whole (its element j at stream position call.start + j); else None.
        Only after the call is resolved."""
        if len(self.parts) != 1:
            return None
        call, idx = self.parts[0]
        if call.start is None:
            return None
        i = idx.reshape(-1)
        if not len(i):
            return None
        a = int(i[0])
        b = a + len(i)
        if int(i[-1]) != b - 1 or (len(i) > 2 and not (np.diff(i) == 1).all()):
            return None
        return call, a, b

    def positions(self):
        """(positions, seglen) flat arrays over every element (no values read back)."""
        if not self.parts:
            z = np.zeros(0, dtype=np.int64)
            return z, z
        pos, seg = [], []
        for call, idx in self.parts:
            i = idx.reshape(-1)
            pos.append(call.pos[i])
            seg.append(call.seglen[i])
        return np.concatenate(pos), np.concatenate(seg)

    def members(self):
        """(positions, seglen, nll, psum) flat arrays over every element."""
        if not self.parts:
            z = np.zeros(0)
            return z.astype(np.int64), z.astype(np.int64), z, z
        pos, seg, nll, ps = [], [], [], []
        for call, idx in self.parts:
            i = idx.reshape(-1)
            pos.append(call.pos[i])
            seg.append(call.seglen[i])
            nll.append(call.nll[i])
            ps.append(call.psum[i])
        return np.concatenate(pos), np.concatenate(seg), np.concatenate(nll), np.concatenate(ps)


TABLE = Prov(table=True)


def union(provs) -> Prov:
    parts = []
    for p in provs:
        if not p.table:
            parts.extend(p.reduced().parts)
    if not parts and provs and all(p.table for p in provs):
        return TABLE
    return Prov(parts, elementwise=False)


class Tracked(torch.Tensor):
    """A tensor derived from an observed loss call (see module docstring)."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        # One context for the call and the observation: attribute reads and operations on
        # Tracked tensors inside ``after`` do not come back through this method.
        with _DISABLE():
            ret = func(*args, **kwargs)
            rec = RECORDER
            if rec is None or rec.busy:
                return ret
            rec.busy = True
            try:
                return rec.after(func, args, kwargs, ret)
            except Exception:  # never break the submission: count it and go on
                rec.internal_errors += 1
                if rec.internal_errors <= 3:
                    sys.stderr.write("autotrace: internal error (observation lost):\n" + traceback.format_exc())
                return ret
            finally:
                rec.busy = False


def _plain(t):
    """``t`` as a plain torch.Tensor (same storage and device; a Tracked tensor loses its class)."""
    if isinstance(t, Tracked):
        with _DISABLE():
            return t.as_subclass(torch.Tensor)
    return t


def _prov(t):
    return getattr(t, "_rt_prov", None) if isinstance(t, Tracked) else None


def wrap(t, prov):
    if prov is None or not isinstance(t, torch.Tensor):
        return t
    with _DISABLE():
        out = t.as_subclass(Tracked)
    out._rt_prov = prov
    return out


def _flat_args(args, kwargs):
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, (list, tuple)):
            for b in a:
                yield b
        else:
            yield a


def _cpu_arg(a):
    if isinstance(a, torch.Tensor):
        with _DISABLE():
            return _plain(a).detach().cpu()
    if isinstance(a, (list, tuple)):
        return type(a)(_cpu_arg(b) for b in a)
    return a


SAME = {"to", "float", "double", "half", "bfloat16", "type", "cpu", "cuda", "contiguous", "clone",
        "detach", "__neg__", "neg", "abs", "exp", "log", "requires_grad_", "type_as", "nan_to_num",
        "clamp", "clamp_min", "clamp_max", "__pos__"}
VIEW = {"__getitem__", "reshape", "view", "flatten", "squeeze", "unsqueeze", "transpose", "permute", "t",
        "narrow", "select", "expand", "view_as", "reshape_as", "expand_as", "unflatten", "movedim",
        "index_select", "masked_select", "take", "swapaxes", "ravel"}
REDUCE = {"sum", "mean", "nansum", "nanmean", "logsumexp", "prod", "norm", "cumsum", "max", "min",
          "amax", "amin", "dot", "matmul", "mm", "__matmul__", "einsum"}
EXPORT = {"item", "tolist", "numpy", "__float__", "__int__", "__index__", "__bool__"}
SINK = {"add_", "__iadd__", "sub_", "__isub__"}
INPLACE_DUNDER = {"__iadd__", "__isub__", "__imul__", "__itruediv__", "__idiv__", "__ipow__", "__iand__", "__ior__",
                  "__ixor__", "__setitem__"}
IGNORE = {"__get__", "__set__", "__repr__", "__format__", "__str__", "size", "dim", "numel", "__len__",
          "element_size", "data_ptr", "is_contiguous", "stride", "storage_offset", "__hash__", "get_device", "is_floating_point", "__reduce_ex__", "__deepcopy__", "backward", "register_hook",
          "retain_grad", "__setstate__", "_make_subclass"}


class Recorder:
    """Observes one process (rank) and writes its trace at exit."""

    def __init__(self, stream, trace_dir, rank, world_size, lut=None, min_update_run=32, extra=None):
        self.stream = stream
        self.trace_dir = trace_dir
        self.rank = int(rank)
        self.world_size = int(world_size)
        self.lut = lut
        self.min_update_run = int(min_update_run)
        self.extra = dict(extra or {})
        self.busy = False
        self.serial = 0
        self.internal_errors = 0
        self.sinks = {}          # id(sink tensor) -> pass index
        self.sink_refs = []      # keeps sink tensors alive so their ids stay unique
        self.passes = []         # [{"t0", "events": [(t, kind, fields)], "kind"}]
        self.export_pass = None
        self.updates = []        # (t, fields)
        self.pending = []        # Prov of the values that fed gradients since the last zero_grad/step
        self.watch = None        # watch.Snapshot of the parameters after such a backward, until a step
        self.buffers = watch.Buffers()
        self.lazy = []           # observations whose positions and values are not read back yet
        self.lazy_bytes = 0      # device memory the deferred observations keep alive
        self.last_located = None  # (targets, pos, seglen) of the last located loss call
        self.stats = {"manual_updates": 0, "loss_calls": 0, "located_targets": 0, "unlocated_targets": 0, "counted_unlocated": 0,
                      "stored_unobserved": 0, "compiled_loss_calls": 0, "param_writes": 0,
                      "optimizer_steps": 0, "backward_calls": 0, "stale_loss_inputs": 0}
        self.finished = False

    # -- loss calls -----------------------------------------------------------------------

    def new_call(self, target, nll, psum, ignore_index=None, owned=False, owned_target=False, held=0):
        """Records a loss call over ``target`` (any shape) with per-element ``nll`` / ``psum``
        (same number of elements; psum may be None for 1; nll may be a callable computing
        them, for a reduced loss, keeping ``held`` bytes of device memory alive). Returns a flat
        LossCall, resolved lazily (no host copy here)."""
        with _DISABLE():
            # device-side copies (no synchronisation): the values as they were at the call
            tgt = target.detach().reshape(-1)
            if not owned_target:
                tgt = tgt.clone()
            if owned:  # fresh tensors of autotrace's own: nobody else can write them
                vals, ps = nll, psum
            else:
                vals = nll.detach().clone() if isinstance(nll, torch.Tensor) else nll
                ps = psum.detach().clone() if psum is not None else None
        self.serial += 1
        self.stats["loss_calls"] += 1
        call = LossCall(self.serial, tgt.numel(), tgt, ignore_index, vals, ps, time.time(), _caller(), self)
        call.rowlen = _row_length(target)
        call.nbytes = int(held) + sum(v.numel() * v.element_size() for v in (tgt, vals, ps) if isinstance(v, torch.Tensor))
        return call

    def locate_targets(self, targets, ignore_index, rowlen=None):
        """Positions and segment lengths of a call's targets (a host array); with ``rowlen``,
        each row of that many located on its own (a segment never runs from one window of a
        batch into the next, where the next row's first tokens happen to continue the text)."""
        tgt = np.asarray(targets).astype(np.int64, copy=False)
        if not rowlen or rowlen >= len(tgt) or len(tgt) % rowlen:
            rowlen = None
        # The same targets are often scored by several calls in a row (log_softmax+gather,
        # then the TTT loss on the same chunk): locate them once.
        last = self.last_located
        if last is not None and last[3] == rowlen and len(last[0]) == len(tgt) and np.array_equal(last[0], tgt):
            pos, seg = last[1], last[2]  # shared: never written (an ignored target makes a copy)
        else:
            if rowlen is None:
                pos, seg = self.stream.locate(tgt)
            else:
                rows = [self.stream.locate(r) for r in tgt.reshape(-1, rowlen)]
                pos, seg = np.concatenate([r[0] for r in rows]), np.concatenate([r[1] for r in rows])
            self.last_located = (tgt, pos, seg, rowlen)
        if ignore_index is not None:
            hit = tgt == ignore_index
            if hit.any():
                pos = pos.copy()
                pos[hit] = -1
        located = int((pos >= 1).sum())
        self.stats["located_targets"] += located
        self.stats["unlocated_targets"] += len(pos) - located
        return pos, seg, located

    # -- torch function dispatch on Tracked ------------------------------------------------

    def after(self, func, args, kwargs, ret):
        name = getattr(func, "__name__", "") or ""
        if name in IGNORE:
            return ret
        tracked, provs = [], []  # the Tracked arguments (one level of lists) and their provenance
        for a in args:
            if isinstance(a, Tracked):
                p = getattr(a, "_rt_prov", None)
                if p is not None:
                    tracked.append(a)
                    provs.append(p)
            elif isinstance(a, (list, tuple)):
                for b in a:
                    if isinstance(b, Tracked) and getattr(b, "_rt_prov", None) is not None:
                        tracked.append(b)
                        provs.append(b._rt_prov)
        if kwargs:
            for a in _flat_args((), kwargs):
                if isinstance(a, Tracked) and getattr(a, "_rt_prov", None) is not None:
                    tracked.append(a)
                    provs.append(a._rt_prov)
        if not tracked:
            return ret
        first = args[0] if args else None
        if name in SINK and isinstance(first, torch.Tensor) and not isinstance(first, Tracked):
            other = [a for a in tracked if a is not first]
            if isinstance(first, torch.nn.Parameter):
                self.param_write(union([_prov(a) for a in other]))
            elif not first.requires_grad:
                self.accumulate(first, union([_prov(a) for a in other]))
            return ret
        if name in EXPORT:
            if isinstance(first, Tracked) and not first.requires_grad:
                self.export(_prov(first))
            return ret
        if name in INPLACE_DUNDER or (name.endswith("_") and not name.startswith("__")):
            if isinstance(first, Tracked):
                others = [_prov(a) for a in tracked if a is not first]
                if others:
                    first._rt_prov = union([_prov(first)] + others)
                return ret
            if isinstance(first, torch.nn.Parameter):
                self.param_write(union([_prov(a) for a in tracked]))
            else:
                self.stats["stored_unobserved"] += 1
            return ret
        if name in ("gather", "take_along_dim") and isinstance(first, Tracked) and _prov(first).table:
            return self.gather(first, args, kwargs, ret)
        if isinstance(ret, (tuple, list)):
            p = union(provs)
            return type(ret)(wrap(r, p) if isinstance(r, torch.Tensor) and r.dtype.is_floating_point else r
                             for r in ret) if not hasattr(ret, "_fields") else ret
        if not isinstance(ret, torch.Tensor):
            return ret
        if all(p.table for p in provs):
            if name in ("gather", "take_along_dim"):
                return ret
            return wrap(ret, TABLE) if ret.dtype.is_floating_point else ret
        if len(tracked) == 1 and provs[0].elementwise:
            src = tracked[0]
            p = provs[0]
            if name in REDUCE:
                return wrap(ret, p.reduced())
            if name in VIEW:
                replayed = self.replay(func, args, kwargs, src, p)
                return wrap(ret, replayed if replayed is not None else p.reduced())
            if tuple(ret.shape) == tuple(src.shape):
                return wrap(ret, p)
            try:
                call, idx = p.parts[0]
                return wrap(ret, Prov([(call, np.broadcast_to(idx, tuple(ret.shape)))], elementwise=True))
            except ValueError:
                return wrap(ret, p.reduced())
        return wrap(ret, union(provs))

    def replay(self, func, args, kwargs, src, p):
        call, idx = p.parts[0]
        idx_t = torch.from_numpy(np.ascontiguousarray(idx))

        def sub(a):
            if a is src:
                return idx_t
            return _cpu_arg(a)
        new_args = [sub(a) for a in args]
        new_kwargs = {k: sub(v) for k, v in kwargs.items()}
        try:
            with _DISABLE():
                out = func(*new_args, **new_kwargs)
        except Exception:
            return None
        if not isinstance(out, torch.Tensor):
            return None
        return Prov([(call, out.numpy())], elementwise=True)

    def gather(self, table, args, kwargs, ret):
        """log-probabilities gathered at the targets: a scoring observation."""
        index = kwargs.get("index", args[2] if len(args) > 2 else None)
        dim = kwargs.get("dim", args[1] if len(args) > 1 else -1)
        with _DISABLE():
            # the table's normalisation: sum of exp over the class dimension, in float64
            # (two kernels; a log-probability table cannot overflow, a table of large values
            # sums to inf, which is not 1 either)
            tab = _plain(table).detach()
            if tab.dtype != torch.float64:
                tab = tab.double()
            lse = torch.exp(tab).sum(dim=dim, keepdim=True)
            psum = lse.expand_as(index) if lse.dim() == index.dim() else None
            nll = -_plain(ret).detach()
        call = self.new_call(index, nll, psum, owned=True)
        idx = np.arange(call.n).reshape(tuple(index.shape))
        return wrap(ret, Prov([(call, idx)], elementwise=True))

    # -- observations ----------------------------------------------------------------------

    def accumulate(self, sink, prov):
        self.check_manual()
        key = _storage_key(sink)
        if key not in self.sinks:
            self.sinks[key] = len(self.passes)
            self.sink_refs.append(sink)
            self.passes.append({"t0": time.time(), "events": [], "via": "accumulate"})
            self.export_pass = None
        self.score(self.passes[self.sinks[key]], prov)

    def export(self, prov):
        self.check_manual()
        if self.export_pass is None:
            self.export_pass = len(self.passes)
            self.passes.append({"t0": time.time(), "events": [], "via": "export"})
        self.score(self.passes[self.export_pass], prov)

    def score(self, pas, prov):
        """Counted values: ``score`` events of pass ``pas``, made when their positions and values
        are read back (``flush``); the values are fixed now."""
        if prov.table:
            return
        for call, _ in prov.parts:
            call.materialize()
        self.defer(("score", time.time(), pas, prov), prov)

    def defer(self, item, *provs):
        self.lazy.append(item)
        for p in provs:
            for call, _ in p.parts:
                if not call.deferred:
                    call.deferred = True
                    self.lazy_bytes += call.nbytes
        if len(self.lazy) >= LAZY_ITEMS or self.lazy_bytes >= LAZY_BYTES:
            self.flush()

    def resolve(self, provs, valued=()):
        """Reads back what ``provs`` need: the targets of their loss calls not yet located (and
        the per-element values of the calls of ``valued``), one device-to-host copy per device
        and dtype for all of them, then locates the targets in call order."""
        calls, vcalls = {}, {}
        for p in provs:
            for call, _ in p.parts:
                calls[call.serial] = call
        for p in valued:
            for call, _ in p.parts:
                calls[call.serial] = vcalls[call.serial] = call
        ordered = [calls[k] for k in sorted(calls)]
        todo = [c for c in ordered if c._pos is None and c._tgt is not None]
        for c, host in zip(todo, _host_arrays([c._tgt for c in todo])):
            c.resolve(host)
        if vcalls:
            ordered = [vcalls[k] for k in sorted(vcalls)]
            todo = [c for c in ordered if isinstance(c._nll, torch.Tensor)]
            nlls = _host_arrays([c._nll for c in todo], floating=True)
            todo_ps = [c for c in ordered if isinstance(c._psum, torch.Tensor)]
            psums = _host_arrays([c._psum for c in todo_ps], floating=True)
            for c, v in zip(todo, nlls):
                c._nll = v
            for c, v in zip(todo_ps, psums):
                c._psum = v

    def flush(self):
        """Turns the deferred observations into events (see ``defer``)."""
        items, self.lazy, self.lazy_bytes = self.lazy, [], 0
        if not items:
            return
        scored = [it[3] for it in items if it[0] == "score"]
        self.resolve([p for it in items if it[0] == "update" for p in it[3]], valued=scored)
        for it in items:
            if it[0] == "score":
                self.score_now(it[2], it[3], it[1])
                continue
            run = it[3][0].run() if len(it[3]) == 1 else None
            if run is not None:  # one call located whole: one run, nothing to sort
                call, a, b = run
                if call.n >= self.min_update_run:
                    self.updates.append((it[1], "update", {"kind": it[2], "start": call.start + a,
                                                           "end": call.start + b}))
                continue
            pos = [self.update_positions(p) for p in it[3]]
            self.update_now(np.concatenate(pos) if pos else np.zeros(0, np.int64), it[2], it[1])

    def score_now(self, pas, prov, t):
        run = prov.run()
        if run is not None:  # one run of one call located whole: one event, no position arrays
            call, a, b = run
            start, end = call.start + a, call.start + b
            nll, psum = call.nll[a:b], call.psum[a:b]
            pas["events"].append((t, "score", {"start": start, "end": end, "nll": float(nll.sum()),
                                               "bytes": self.bytes_of(start, end),
                                               "psum_min": float(psum.min()), "psum_max": float(psum.max())}))
            return
        pos, _, nll, psum = prov.members()
        ok = pos >= 1
        self.stats["counted_unlocated"] += int((~ok).sum())
        pos, nll, psum = pos[ok], nll[ok], psum[ok]
        if not len(pos):
            return
        breaks = np.flatnonzero(np.diff(pos) != 1) + 1
        for a, b in zip(np.concatenate([[0], breaks]), np.concatenate([breaks, [len(pos)]])):
            start, end = int(pos[a]), int(pos[b - 1]) + 1
            fields = {"start": start, "end": end, "nll": float(nll[a:b].sum()),
                      "bytes": self.bytes_of(start, end),
                      "psum_min": float(psum[a:b].min()), "psum_max": float(psum[a:b].max())}
            pas["events"].append((t, "score", fields))

    def bytes_of(self, start, end):
        if self.lut is None:
            return 0
        base, space, boundary = self.lut
        toks = self.stream.tokens
        tgt = toks[start:end]
        prev = toks[start - 1:end - 1]
        return int(base[tgt].sum() + (space[tgt] & ~boundary[prev]).sum())

    def backward(self, roots):
        """Gradients were computed from ``roots``: remember the values that fed them (their
        positions are read back later; only runs long enough to be validation text count, see
        ``update_positions``)."""
        for r in roots:
            p = _prov(r)
            if p is not None and not p.table:
                self.stats["backward_calls"] += 1
                self.pending.append(p.reduced())

    def update_positions(self, prov):
        """The validation positions ``prov`` stands for that an update read: located, in a run
        of at least ``min_update_run`` (shorter matches may be text shared with training)."""
        if prov.table:
            return np.zeros(0, np.int64)
        run = prov.run()
        if run is not None:  # every element's segment is the whole call
            call, a, b = run
            if call.n < self.min_update_run:
                return np.zeros(0, np.int64)
            return np.arange(call.start + a, call.start + b, dtype=np.int64)
        pos, seg = prov.positions()
        return pos[(pos >= 1) & (seg >= self.min_update_run)]

    def snapshot(self):
        """After a backward that read loss values: a snapshot of every parameter holding a
        gradient (``watch.Buffers``), to see an update made without an optimizer step
        (``p -= lr * p.grad``, ``p.data.add_``) at the next observation."""
        if not self.pending or PARAMS is None:
            self.watch = None
            return
        with _DISABLE(), torch.no_grad():
            params = [p for p in (r() for r in list(PARAMS.values())) if p is not None and p.grad is not None]
            self.watch = self.buffers.take(params) if params else None

    def check_manual(self):
        """A watched parameter changed without an optimizer step: an update (kind "other")
        that read the pending positions, placed before the observation that noticed it. The
        comparison comes first: gradient accumulation (backward after backward, parameters
        unchanged) then costs one comparison, not the locating of every training batch."""
        if self.watch is None:
            return
        snap, self.watch = self.watch, None
        if not self.pending or not snap.changed():
            return
        self.resolve(self.pending)
        if any(len(self.update_positions(p)) for p in self.pending):
            self.stats["manual_updates"] += 1
            self.defer(("update", time.time(), "other", self.pending), *self.pending)
            self.pending = []

    def zero_grad(self):
        self.check_manual()
        self.pending = []

    def optimizer_step(self, kind="ttt"):
        """An optimizer step: an update that read the pending positions (consumed: several
        optimizers stepping after one backward make one update)."""
        self.watch = None
        self.stats["optimizer_steps"] += 1
        if self.pending:
            self.defer(("update", time.time(), kind, self.pending), *self.pending)
            self.pending = []

    def param_write(self, prov):
        self.stats["param_writes"] += 1
        provs = ([] if prov.table else [prov.reduced()]) + list(self.pending)
        self.defer(("update", time.time(), "other", provs), *provs)

    def update_now(self, pos, kind, t):
        pos = np.unique(pos)
        if not len(pos):
            return
        breaks = np.flatnonzero(np.diff(pos) != 1) + 1
        for a, b in zip(np.concatenate([[0], breaks]), np.concatenate([breaks, [len(pos)]])):
            self.updates.append((t, "update", {"kind": kind, "start": int(pos[a]), "end": int(pos[b - 1]) + 1}))

    # -- output ----------------------------------------------------------------------------

    def chosen_pass(self):
        live = [p for p in self.passes if p["events"]]
        if not live:
            return None
        choice = os.environ.get("REFEREE_AUTOTRACE_PASS", "last")
        if choice == "first":
            return live[0]
        if choice.lstrip("-").isdigit():
            return live[int(choice)]
        return max(live, key=lambda p: p["t0"])

    def finish(self):
        """Writes this rank's trace: the autotrace phase, eval_start, every update that read
        validation positions, the chosen pass's scores (in the order observed), eval_end.
        ``t`` is the time each event was OBSERVED (what cross-rank order needs)."""
        if self.finished or not self.trace_dir:
            return
        for step in (self.check_manual, self.flush):
            try:
                step()
            except Exception:
                self.internal_errors += 1
                sys.stderr.write("autotrace: internal error at exit:\n" + traceback.format_exc())
        self.buffers.release()
        self.finished = True
        chosen = self.chosen_pass()
        events = list(self.updates)
        if chosen is not None:
            events.extend(chosen["events"])
        events.sort(key=lambda e: e[0])  # stable: same-time events keep observation order
        now = time.time()
        t0 = chosen["t0"] if chosen else (events[0][0] if events else now)
        info = dict(self.stats)
        info.update({"name": "autotrace", "passes": len([p for p in self.passes if p["events"]]),
                     "chosen_via": chosen["via"] if chosen else None, "k": self.stream.k,
                     "min_update_run": self.min_update_run,
                     "val_files": [os.path.basename(f) for f in self.stream.files],
                     "internal_errors": self.internal_errors, "bytes_known": self.lut is not None,
                     "unobserved": UNOBSERVED})
        info.update(self.extra)
        start = {"name": "eval_start", "val_tokens": self.stream.n, "world_size": self.world_size}
        lines = [(min(t0, events[0][0]) if events else t0, "phase", info)]
        placed = False
        for t, ev, fields in events:
            if not placed and t >= t0:
                lines.append((t0, "phase", start))
                placed = True
            lines.append((t, ev, fields))
        if not placed:
            lines.append((t0, "phase", start))
        lines.append((now, "phase", {"name": "eval_end"}))
        write_trace(self.trace_dir, self.rank, lines)


def _row_length(target):
    """The length of the rows a call's targets come in, or None: the last dimension of a
    target tensor of two or more (trailing size-1 dimensions dropped: a gather index (n, 1) is
    one sequence), or of the batch a flattened view was taken from (``y.reshape(-1)`` of a
    (batch, seq) tensor: the records flatten their windows before the loss call)."""
    def last_dim(shape):
        shape = list(shape)
        while shape and shape[-1] == 1:
            shape.pop()
        return shape[-1] if len(shape) >= 2 else None
    with _DISABLE():
        row = last_dim(target.shape)
        if row is None:
            base = getattr(target, "_base", None)
            if isinstance(base, torch.Tensor) and base.numel() == target.numel() and target.is_contiguous():
                row = last_dim(base.shape)
    return row


def _host_arrays(tensors, floating=False):
    """NumPy copies of ``tensors`` (flattened), one device-to-host copy per device and dtype
    (``torch.cat`` on the device first); ``floating``: as float64."""
    out = [None] * len(tensors)
    groups = {}
    for i, t in enumerate(tensors):
        groups.setdefault((t.device, t.dtype), []).append(i)
    with _DISABLE():
        for idx in groups.values():
            flat = [tensors[i].reshape(-1) for i in idx]
            host = (flat[0] if len(flat) == 1 else torch.cat(flat)).cpu()
            if floating or host.dtype in (torch.bfloat16, torch.float16):
                host = host.double()
            arr = host.numpy()
            ends = np.cumsum([t.numel() for t in flat])
            for i, part in zip(idx, np.split(arr, ends[:-1])):
                out[i] = part
    return out


def write_trace(trace_dir, rank, lines):
    """Appends ``(t, ev, fields)`` as hash-chained protocol lines to rank<R>.jsonl
    (continuing an existing chain), marked ``"source": "autotrace"``; one fsync."""
    import hashlib
    import json
    import referee_probe
    tr = referee_probe.Trace(trace_dir, rank)  # resumes seq / prev of an existing file
    seq, prev = tr.seq, tr.prev
    out = []
    for t, ev, fields in lines:
        obj = dict(fields)
        obj.update({"v": referee_probe.PROTOCOL_VERSION, "seq": seq, "rank": int(rank), "t": float(t),
                    "ev": ev, "prev": prev, "source": "autotrace"})
        line = json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
        out.append(line + b"\n")
        prev = hashlib.sha256(line).hexdigest()
        seq += 1
    with open(tr.path, "ab") as f:
        f.write(b"".join(out))
        f.flush()
        os.fsync(f.fileno())


UNOBSERVED = ("state kept outside autograd (caches in NumPy or Python objects, buffers or parameters "
              "changed from the targets without a gradient); gradients averaged in from other ranks; "
              "losses computed inside torch.compile graphs (compilation is disabled unless "
              "REFEREE_AUTOTRACE_COMPILE=1); per-token losses stored into preallocated buffers")


# deferred observations read back together (flush): every this many
LAZY_ITEMS = 64  # REFEREE_AUTOTRACE_FLUSH_EVERY (main.start)
# ... or as soon as their loss calls keep this much device memory alive (a training loss keeps its
# logits for the values it might be counted with: a batch of them would fill the device)
LAZY_BYTES = 256 << 20  # REFEREE_AUTOTRACE_FLUSH_BYTES (main.start)
RECORDER = None
PARAMS = None  # {id: weakref} of every nn.Parameter created after start-up (a WeakSet of tensors
# compares colliding entries with Tensor.__eq__, which raises on tensors of several elements)


def _storage_key(t):
    """Identity of the memory a sink lives in (``sums[0] += ...`` makes a new view each time)."""
    with _DISABLE():
        try:
            return (str(t.device), t.untyped_storage().data_ptr())
        except AttributeError:
            return (str(t.device), t.storage().data_ptr())


def _caller():
    f = sys._getframe(2)
    while f is not None and ("referee_autotrace" in f.f_code.co_filename or "torch" + os.sep in f.f_code.co_filename):
        f = f.f_back
    return "%s:%d" % (os.path.basename(f.f_code.co_filename), f.f_lineno) if f else "?"


def _compiling():
    try:
        return bool(torch.compiler.is_compiling())
    except AttributeError:
        try:
            return bool(torch._dynamo.is_compiling())
        except AttributeError:
            return False


# --------------------------------------------------------------------------- installation


def install(recorder):
    """Installs every hook (idempotent per process)."""
    global RECORDER, PARAMS
    RECORDER = recorder
    import weakref
    PARAMS = {}
    orig_pnew = torch.nn.Parameter.__new__

    def forget(ref, key=None):
        if PARAMS.get(key) is ref:
            del PARAMS[key]

    def pnew(cls, *a, **k):
        p = orig_pnew(cls, *a, **k)
        try:
            key = id(p)
            PARAMS[key] = weakref.ref(p, lambda ref, key=key: forget(ref, key))
        except TypeError:
            pass
        return p
    torch.nn.Parameter.__new__ = staticmethod(pnew)
    F = torch.nn.functional
    orig_ce, orig_nll, orig_lsm = F.cross_entropy, F.nll_loss, F.log_softmax

    def loss_wrapper(orig, kind):
        @functools.wraps(orig)
        def wrapper(input, target, *args, **kwargs):
            rec = RECORDER
            if rec is None or rec.busy or _compiling() or not isinstance(target, torch.Tensor) \
                    or target.dtype.is_floating_point:
                if rec is not None and _compiling():
                    rec.stats["compiled_loss_calls"] += 1
                return orig(input, target, *args, **kwargs)
            ret = orig(input, target, *args, **kwargs)
            rec.busy = True
            try:
                reduction = kwargs.get("reduction", "mean")
                if len(args) >= 4 and isinstance(args[3], str):
                    reduction = args[3]
                ignore_index = kwargs.get("ignore_index", -100)
                if reduction == "none":
                    per = ret
                else:  # per-element values only if counted (a training loss never is)
                    kw = dict(kwargs, reduction="none")
                    with _DISABLE():
                        x = _plain(input).detach()
                        t = target.detach().clone()  # also the call's own copy of its targets

                    if x.is_inference():
                        # no version counter to see a later write into it (torch.inference_mode,
                        # the records' evaluations): the per-element values now, one more kernel
                        with torch.no_grad(), _DISABLE():
                            per = orig(x, t, *args[:3], **kw)
                        x = None
                    else:
                        version = x._version

                        def per(x=x, t=t, a3=args[:3], kw=kw, version=version):
                            if x._version != version:  # written in place since the call
                                rec.stats["stale_loss_inputs"] += 1
                            with torch.no_grad(), _DISABLE():
                                return orig(x, t, *a3, **kw)
                psum = None
                if kind == "nll_loss":  # log-probabilities given: measure their normalisation
                    with torch.no_grad(), _DISABLE():
                        psum = torch.exp(torch.logsumexp(input.detach().double(), dim=1))
                owned = reduction != "none"
                held = x.numel() * x.element_size() if owned and x is not None else 0
                call = rec.new_call(t if owned else target, per, psum, ignore_index=ignore_index,
                                    owned_target=owned, held=held)
                shape = tuple(target.shape)
                idx = np.arange(call.n).reshape(shape)
                prov = Prov([(call, idx)], elementwise=True)
                return wrap(ret, prov if reduction == "none" else prov.reduced())
            except Exception:
                rec.internal_errors += 1
                sys.stderr.write("autotrace: internal error in %s:\n%s" % (kind, traceback.format_exc()))
                return ret
            finally:
                rec.busy = False
        return wrapper

    @functools.wraps(orig_lsm)
    def log_softmax(input, *args, **kwargs):
        ret = orig_lsm(input, *args, **kwargs)
        if RECORDER is None or RECORDER.busy or _compiling() or not isinstance(ret, torch.Tensor):
            return ret
        return wrap(ret, TABLE)

    F.cross_entropy = loss_wrapper(orig_ce, "cross_entropy")
    F.nll_loss = loss_wrapper(orig_nll, "nll_loss")
    F.log_softmax = log_softmax

    orig_backward = torch.autograd.backward

    @functools.wraps(orig_backward)
    def backward(tensors, *args, **kwargs):
        rec = RECORDER
        if rec is not None:
            rec.check_manual()
            roots = [tensors] if isinstance(tensors, torch.Tensor) else list(tensors)
            rec.backward(roots)
        out = orig_backward(tensors, *args, **kwargs)
        if rec is not None:
            try:
                rec.snapshot()
            except Exception:
                rec.internal_errors += 1
        return out
    torch.autograd.backward = backward

    orig_grad = torch.autograd.grad

    @functools.wraps(orig_grad)
    def grad(outputs, *args, **kwargs):
        rec = RECORDER
        if rec is not None:
            roots = [outputs] if isinstance(outputs, torch.Tensor) else list(outputs)
            rec.backward(roots)
        return orig_grad(outputs, *args, **kwargs)
    torch.autograd.grad = grad

    import torch.optim.optimizer as optmod
    if hasattr(optmod, "register_optimizer_step_pre_hook"):
        optmod.register_optimizer_step_pre_hook(lambda opt, a, k: RECORDER and RECORDER.optimizer_step())
    else:  # torch < 2.0: wrap each optimizer's step when it is built
        orig_init = torch.optim.Optimizer.__init__

        def init(self, *a, **k):
            orig_init(self, *a, **k)
            step, me = type(self).step, weakref.ref(self)  # no cycle: the optimizer (and the
            # parameters it holds) dies with its last reference, not at the next full collection

            @functools.wraps(step)
            def stepped(*sa, **sk):
                if RECORDER is not None:
                    RECORDER.optimizer_step()
                return step(me(), *sa, **sk)
            self.step = stepped
        torch.optim.Optimizer.__init__ = init

    orig_ozg = torch.optim.Optimizer.zero_grad

    @functools.wraps(orig_ozg)
    def opt_zero_grad(self, *a, **k):
        if RECORDER is not None:
            RECORDER.zero_grad()
        return orig_ozg(self, *a, **k)
    torch.optim.Optimizer.zero_grad = opt_zero_grad

    orig_mzg = torch.nn.Module.zero_grad

    @functools.wraps(orig_mzg)
    def mod_zero_grad(self, *a, **k):
        if RECORDER is not None:
            RECORDER.zero_grad()
        return orig_mzg(self, *a, **k)
    torch.nn.Module.zero_grad = mod_zero_grad

    if hasattr(torch, "compile") and os.environ.get("REFEREE_AUTOTRACE_COMPILE", "0") != "1":
        orig_compile = torch.compile

        def compile(model=None, *a, **k):
            if model is None:  # used as @torch.compile(...)
                return lambda m: m
            return model
        compile.__wrapped__ = orig_compile
        torch.compile = compile
    return recorder
