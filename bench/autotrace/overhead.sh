#!/usr/bin/env bash
# Autotrace's overhead on EVALUATION: the same submission, same seed, run plain and under
# `python -m referee_autotrace`, alternating, ROUNDS times each; compares the eval_time the
# script itself prints (final_int8_zlib_roundtrip … eval_time:Nms, i.e. evaluation only) and
# the whole process wall time.
#   bench/autotrace/overhead.sh SCRIPT [ROUNDS]     (env passed through: ITERATIONS, NUM_LAYERS, …)
# PYTHON: interpreter with torch (default /usr/bin/python3 when it has torch, else python3).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SCRIPT="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
ROUNDS="${2:-3}"
if [ -z "${PYTHON:-}" ]; then
    if /usr/bin/python3 -c "import torch" 2>/dev/null; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
export DATA_PATH="${DATA_PATH:-$ROOT/data/sp1024_synth/dataset}"
export TOKENIZER_PATH="${TOKENIZER_PATH:-$ROOT/data/sp1024_synth/tokenizer/synth_1024_bpe.model}"
export PYTHONPATH="$ROOT/python" OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for r in $(seq 1 "$ROUNDS"); do
    for mode in plain autotrace; do
        d="$work/$mode$r"; mkdir -p "$d"
        t0=$(date +%s.%N)
        if [ "$mode" = plain ]; then
            (cd "$d" && "$PYTHON" "$SCRIPT" > log.txt 2>&1)
        else
            (cd "$d" && REFEREE_TRACE_DIR="$d/trace" "$PYTHON" -m referee_autotrace "$SCRIPT" > log.txt 2>&1)
        fi
        t1=$(date +%s.%N)
        ev=$(grep -o 'final_int8_zlib_roundtrip val_loss[^ ]* val_bpb[^ ]* eval_time:[0-9]*' "$d/log.txt" | grep -o '[0-9]*$')
        echo "$mode round $r: eval_time ${ev} ms, wall $(echo "$t1 - $t0" | bc) s"
        echo "$mode $ev $(echo "$t1 - $t0" | bc)" >> "$work/all"
    done
done
"$PYTHON" - "$work/all" <<'PY'
import statistics, sys
rows = [ln.split() for ln in open(sys.argv[1])]
med = {m: (statistics.median(float(r[1]) for r in rows if r[0] == m), statistics.median(float(r[2]) for r in rows if r[0] == m))
       for m in ("plain", "autotrace")}
print("median eval_time plain %.0f ms, autotrace %.0f ms: ratio %.3f" % (med["plain"][0], med["autotrace"][0], med["autotrace"][0] / med["plain"][0]))
print("median wall      plain %.2f s, autotrace %.2f s: ratio %.3f" % (med["plain"][1], med["autotrace"][1], med["autotrace"][1] / med["plain"][1]))
PY
