"""What a parameter held after a backward, to see it change with no optimizer step.

After each backward of an observed loss value, autotrace takes a ``Snapshot`` of every parameter
holding a gradient; if one of them changed by the next observation with no optimizer step in
between, and the gradient read validation positions, that was an update written by hand
(``p.data.add_(p.grad, alpha=-lr)``).

A snapshot is a device-side COPY of the parameters (one ``torch._foreach_copy_`` per dtype into
buffers kept from one snapshot to the next: no synchronisation), compared bit for
bit when it is checked, so any change is seen, including one that keeps every norm (a
permutation of a parameter's elements). Only when the watched parameters hold more than
``COPY_LIMIT`` bytes (``REFEREE_AUTOTRACE_COPY_BYTES``, default 4 GiB) is a checksum kept
instead: their L1 and L2 norms in float64, which a norm-preserving change escapes.

The comparison synchronises, but it is made only when a backward that read validation positions
is followed by an observation with no optimizer step in between (rare: an optimizer step drops
the snapshot unread).
"""

from __future__ import annotations

import weakref

import torch

_DISABLE = torch._C.DisableTorchFunction
COPY_LIMIT = 4 << 30  # REFEREE_AUTOTRACE_COPY_BYTES (main.start)
_SAME_SIZE_INT = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}


class Snapshot:
    """The state of some parameters at one moment (see the module docstring)."""

    __slots__ = ("params", "copies", "sums")

    def __init__(self, params, copies=None, sums=None):
        self.params, self.copies, self.sums = params, copies, sums

    def changed(self) -> bool:
        """Whether any parameter differs from its snapshot (synchronises)."""
        with _DISABLE(), torch.no_grad():
            if self.copies is not None:
                return _copies_differ(self.params, self.copies)
            return _differ(_checksums(self.params), self.sums)


class Buffers:
    """Device buffers for copies of one list of parameters, reused while the list holds the
    same parameter objects over the same memory (held weakly: keeping them alive would keep
    every model the submission ever watched, and watch them all)."""

    def __init__(self, limit=None):
        self.limit = COPY_LIMIT if limit is None else int(limit)
        self.release()

    def take(self, params) -> Snapshot:
        """A snapshot of ``params`` (nn.Parameters): copies where they fit, else checksums."""
        with _DISABLE(), torch.no_grad():
            groups = self._groups(params)
            if groups is None:
                return Snapshot(params, sums=_checksums(params))
            if len(groups) == 1:
                _copy_all(self.bufs, params)
            else:
                for bufs, idx in groups:
                    _copy_all(bufs, [params[i] for i in idx])
            return Snapshot(params, copies=self.bufs)

    def _groups(self, params):
        """(buffers, indices into ``params``) of one device and dtype each (a multi-tensor copy
        takes its fast path only over one dtype), or None above the byte limit."""
        ptrs = [p.data_ptr() for p in params]
        shapes = [p.shape for p in params]
        if ptrs == self.ptrs and shapes == self.shapes and all(r() is p for r, p in zip(self.refs, params)):
            return self.groups
        self.refs, self.ptrs, self.shapes = [weakref.ref(p) for p in params], ptrs, shapes
        self.bufs = self.groups = None
        if sum(p.numel() * p.element_size() for p in params) > self.limit:
            return None
        self.bufs = [torch.empty(p.shape, dtype=p.dtype, device=p.device) for p in params]
        by = {}
        for i, (b, p) in enumerate(zip(self.bufs, params)):
            pair = by.setdefault((p.device, p.dtype), ([], []))
            pair[0].append(b)
            pair[1].append(i)
        self.groups = list(by.values())
        return self.groups

    def release(self):
        self.refs = self.ptrs = self.shapes = self.bufs = self.groups = None


def _copy_all(bufs, srcs):
    try:
        torch._foreach_copy_(bufs, srcs)  # one multi-tensor launch (torch >= 2.1)
    except (AttributeError, RuntimeError, TypeError):
        for b, t in zip(bufs, srcs):
            b.copy_(t)


def _bits(t):
    """``t`` flattened and reinterpreted as integers of its element size (NaN equals NaN,
    -0.0 differs from 0.0: a bitwise comparison)."""
    t = t.detach().reshape(-1)
    if t.dtype.is_floating_point or t.dtype.is_complex:
        return t.view(_SAME_SIZE_INT[t.element_size()])
    return t


def _copies_differ(params, copies) -> bool:
    flags = {}  # device -> one flag per parameter, reduced there: one synchronisation a device
    for p, c in zip(params, copies):
        p = p.detach()
        if p.shape != c.shape or p.dtype != c.dtype or p.device != c.device:
            return True
        try:
            flag = (_bits(p) != _bits(c)).any()
        except (KeyError, RuntimeError):
            flag = torch.tensor(not torch.equal(p, c), device=p.device)
        flags.setdefault(p.device, []).append(flag)
    return any(bool(torch.stack(fl).any()) for fl in flags.values())


def _checksums(params):
    """One fused reduction over every parameter (device tensor, no synchronisation): the
    L1 and L2 norms of each, through ``torch._foreach_norm``, in float64 where torch supports it;
    where it does not (1.13), low-precision parameters are measured in float32 (a bf16 norm has
    about three significant digits). A change that keeps both norms of every parameter
    bit-identical goes unseen."""
    with _DISABLE(), torch.no_grad():
        ts = [p.detach() for p in params]
        try:
            try:
                norms = torch._foreach_norm(ts, 1, dtype=torch.float64) + torch._foreach_norm(ts, 2, dtype=torch.float64)
            except (RuntimeError, TypeError):
                wide = [t if t.dtype in (torch.float32, torch.float64) else t.float() for t in ts]
                norms = [n.double() for n in torch._foreach_norm(wide, 1) + torch._foreach_norm(wide, 2)]
            return torch.stack(norms).double()
        except (AttributeError, RuntimeError, TypeError):
            return torch.stack([t.sum(dtype=torch.float64) for t in ts])


def _differ(a, b) -> bool:
    """Whether two results of ``_checksums`` over the same parameters differ (synchronises)."""
    return bool((a != b).any().item())
