"""Start-up of autotrace: build the validation index, install the hooks, run the entry
script as ``__main__`` (runpy; the file is only read), write the trace at exit."""

from __future__ import annotations

import atexit
import importlib
import os
import runpy
import sys
import time

USAGE = "usage: python -m referee_autotrace ENTRY [args...]  (env: REFEREE_TRACE_DIR, DATA_PATH, TOKENIZER_PATH)"


def _lut(stream_vocab_hint=None):
    """(base, space, boundary) numpy arrays of the baseline byte rule, or None."""
    path = os.environ.get("TOKENIZER_PATH", "")
    if not path or not os.path.exists(path):
        return None
    try:
        import numpy as np
        import referee_probe
        lut = referee_probe.ByteLUT.from_model_file(path, 65536)
    except Exception as exc:  # sentencepiece missing or unreadable model: bytes unknown
        sys.stderr.write("autotrace: no byte counts (%s)\n" % exc)
        return None
    return (np.asarray(lut.base, dtype=np.int64), np.asarray(lut.space, dtype=bool),
            np.asarray(lut.boundary, dtype=bool))


class SettingError(ValueError):
    """An autotrace variable that is not what it must be (the message names it)."""


def _setting(env, name, default, minimum):
    """The whole number in ``env[name]`` (``default`` when unset or empty), at least ``minimum``."""
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError("%s=%r: expected a whole number >= %d" % (name, raw, minimum)) from None
    if value < minimum:
        raise SettingError("%s=%d: expected a whole number >= %d" % (name, value, minimum))
    return value


def start(environ=None):
    """Builds the recorder for this process and installs the hooks; returns the recorder.
    Raises SettingError for a malformed REFEREE_AUTOTRACE_* number."""
    env = os.environ if environ is None else environ
    from .stream import ValStream
    from . import hooks, watch
    k = _setting(env, "REFEREE_AUTOTRACE_K", 8, 2)
    min_update_run = _setting(env, "REFEREE_AUTOTRACE_MIN_UPDATE_RUN", 32, 1)
    hooks.LAZY_ITEMS = _setting(env, "REFEREE_AUTOTRACE_FLUSH_EVERY", hooks.LAZY_ITEMS, 1)
    hooks.LAZY_BYTES = _setting(env, "REFEREE_AUTOTRACE_FLUSH_BYTES", hooks.LAZY_BYTES, 0)
    watch.COPY_LIMIT = _setting(env, "REFEREE_AUTOTRACE_COPY_BYTES", watch.COPY_LIMIT, 0)
    t0 = time.time()
    stream = ValStream.from_pattern(ValStream.default_pattern(env), k=k)
    # The trace directory belongs to autotrace: the script's own referee_probe trace (if any)
    # is switched off, unless REFEREE_AUTOTRACE_DIR names another folder for the observed one.
    trace_dir = env.get("REFEREE_AUTOTRACE_DIR") or env.get("REFEREE_TRACE_DIR") or None
    if not env.get("REFEREE_AUTOTRACE_DIR"):
        env.pop("REFEREE_TRACE_DIR", None)
    rec = hooks.Recorder(stream, trace_dir, int(env.get("RANK", "0")),
                         int(env.get("WORLD_SIZE", "1")), lut=_lut(),
                         min_update_run=min_update_run,
                         extra={"index_seconds": round(time.time() - t0, 3)})
    hooks.install(rec)
    atexit.register(rec.finish)
    return rec


class _Globals:
    """Attribute view of a module's globals dict (what a test patch edits)."""

    def __init__(self, namespace):
        object.__setattr__(self, "_ns", namespace)

    def __getattr__(self, name):
        try:
            return self._ns[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self._ns[name] = value


def arm_test_patch(entry, spec, rec=None):
    """TEST SUPPORT (REFEREE_AUTOTRACE_TEST_PATCH=MODULE:FUNCTION): when the entry script's
    ``main`` is first called, ``MODULE.FUNCTION(globals)`` edits the script's globals (e.g.
    turns its evaluator into a cheat) before ``main`` runs; the file itself is only read. The
    patch is named in the trace's autotrace phase (``test_patch``) and on stderr."""
    module, _, function = spec.partition(":")
    patch = getattr(importlib.import_module(module), function or "patch")
    target = os.path.realpath(entry)

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_name == "main" and os.path.realpath(frame.f_code.co_filename) == target:
            sys.setprofile(None)
            patch(_Globals(frame.f_globals))
            sys.stderr.write("autotrace: TEST PATCH %s applied to %s\n" % (spec, entry))
    sys.setprofile(profile)
    if rec is not None:
        rec.extra["test_patch"] = spec


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        sys.stderr.write(USAGE + "\n")
        return 2 if not argv else 0
    entry = argv[0]
    if not os.path.isfile(entry):
        sys.stderr.write("autotrace: %s: no such file (expected the submission's entry script)\n" % entry)
        return 2
    try:
        rec = start()
    except SettingError as exc:
        sys.stderr.write("autotrace: %s\n" % exc)
        return 2
    if os.environ.get("REFEREE_AUTOTRACE_TEST_PATCH"):
        arm_test_patch(entry, os.environ["REFEREE_AUTOTRACE_TEST_PATCH"], rec)
    sys.argv = [entry] + argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(entry)))
    try:
        runpy.run_path(entry, run_name="__main__")
    except SystemExit as exc:
        rec.finish()
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    rec.finish()
    return 0
