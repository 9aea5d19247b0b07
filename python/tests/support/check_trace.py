"""TEST SUPPORT: prints the trace rules' verdicts (python/tests/rules.py oracle) for an
autotrace folder as JSON: ``check_trace.py TRACE_DIR [LOG]``. trace.matches-log is checked
only when LOG has a ``final_int8_zlib_roundtrip_exact`` line (the records' own TTT score lines
differ)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import rules  # noqa: E402

trace_dir = sys.argv[1]
log = open(sys.argv[2]).read() if len(sys.argv) > 2 else ""
if "final_int8_zlib_roundtrip_exact" not in log:
    log = "final_int8_zlib_roundtrip_exact val_loss:0 val_bpb:0\n"
    skip = True
else:
    skip = False
result = rules.check(trace_dir, log)
if skip:
    result["trace.matches-log"] = None
ranks, _ = rules.load(trace_dir)
info = {r: evs[0] for r, evs in ranks.items() if evs and evs[0].get("name") == "autotrace"}
print(json.dumps({"rules": result, "autotrace": {r: {k: v for k, v in i.items() if k not in ("unobserved", "prev")}
                                                 for r, i in info.items()}}, indent=1, sort_keys=True))
