"""Referee's start-up hook: records, when the process exits, which files it imported or opened.

Python imports `sitecustomize` at start-up from the first folder of sys.path that has one; in
the runs Referee starts, Referee's python folder is first on PYTHONPATH. The hook does nothing
unless REFEREE_IMPORTS_OUT names a folder: then each process writes `imports-<pid>.txt` there
(atomically) listing the interpreter's standard-library and site folders (`#stdlib`, `#site`
lines), every imported file (`sys.modules[*].__file__`, the script itself) and every file the
process opened for reading through Python (an audit hook on the `open` event, which also sees
modules loaded with `importlib.util.spec_from_file_location` and weights read from elsewhere).
Referee classifies them (record, data, standard library, installed package, system, generated,
outside) for the rule code.self-contained (docs/runner.md). It runs inside the submission's process, so it is an
observation the submission could interfere with, not a measurement Referee made from outside.
"""
import os

_REFEREE_IMPORTS_OUT = os.environ.get("REFEREE_IMPORTS_OUT")

if _REFEREE_IMPORTS_OUT:
    import atexit
    import sys

    _referee_opened = set()

    def _referee_audit(event, args, _opened=_referee_opened):
        if event != "open":
            return
        path = args[0] if args else None
        mode = args[1] if len(args) > 1 else "r"
        if isinstance(path, (str, bytes)) and (mode is None or "r" in str(mode) or str(mode) == ""):
            _opened.add(path if isinstance(path, str) else path.decode("utf-8", "surrogateescape"))

    sys.addaudithook(_referee_audit)

    def _referee_record_imports(out=_REFEREE_IMPORTS_OUT):
        try:
            import site
            import sysconfig

            lines = []
            for key in ("stdlib", "platstdlib"):
                path = sysconfig.get_paths().get(key)
                if path:
                    lines.append("#stdlib " + os.path.realpath(path))
            sites = set()
            for key in ("purelib", "platlib"):
                path = sysconfig.get_paths().get(key)
                if path:
                    sites.add(path)
            try:
                sites.update(site.getsitepackages())
                sites.add(site.getusersitepackages())
            except Exception:
                pass
            sites.update(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
            lines += ["#site " + os.path.realpath(p) for p in sorted(sites) if p]
            files = set()
            for module in list(sys.modules.values()):
                path = getattr(module, "__file__", None)
                if isinstance(path, str) and path:
                    files.add(os.path.realpath(path))
            if sys.argv and sys.argv[0] and os.path.isfile(sys.argv[0]):
                files.add(os.path.realpath(sys.argv[0]))
            for path in list(_referee_opened):
                full = os.path.realpath(path)
                if os.path.isfile(full) and not full.startswith(os.path.realpath(out) + os.sep):
                    files.add(full)
            lines += sorted(files)
            name = os.path.join(out, "imports-%d.txt" % os.getpid())
            with open(name + ".tmp", "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            os.replace(name + ".tmp", name)
        except Exception:
            pass

    atexit.register(_referee_record_imports)
