#!/usr/bin/env bash
# Autotrace's overhead on EVALUATION: the same submission, same seed, run plain and under
# `python -m referee_autotrace`, alternating, ROUNDS times each; compares the eval_time the
# script itself prints (final_int8_zlib_roundtrip … eval_time:Nms, i.e. evaluation only) and
# the whole process wall time and CPU time (user+sys, /usr/bin/time).
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
            (cd "$d" && /usr/bin/time -f "%U %S" -o cpu.txt "$PYTHON" "$SCRIPT" > log.txt 2>&1)
        else
            (cd "$d" && REFEREE_TRACE_DIR="$d/trace" /usr/bin/time -f "%U %S" -o cpu.txt "$PYTHON" -m referee_autotrace "$SCRIPT" > log.txt 2>&1)
        fi
        t1=$(date +%s.%N)
        ev=$(grep -o 'final_int8_zlib_roundtrip val_loss[^ ]* val_bpb[^ ]* eval_time:[0-9]*' "$d/log.txt" | grep -o '[0-9]*$')
        cpu=$(awk '{print $1 + $2}' "$d/cpu.txt")
        echo "$mode round $r: eval_time ${ev} ms, wall $(echo "$t1 - $t0" | bc) s, cpu ${cpu} s"
        echo "$mode $ev $(echo "$t1 - $t0" | bc) $cpu" >> "$work/all"
    done
done
"$PYTHON" - "$work/all" <<'PY'
import statistics, sys
rows = [ln.split() for ln in open(sys.argv[1])]
med = {m: tuple(statistics.median(float(r[i]) for r in rows if r[0] == m) for i in (1, 2, 3))
       for m in ("plain", "autotrace")}
print("median eval_time plain %.0f ms, autotrace %.0f ms: ratio %.3f" % (med["plain"][0], med["autotrace"][0], med["autotrace"][0] / med["plain"][0]))
print("median wall      plain %.2f s, autotrace %.2f s: ratio %.3f" % (med["plain"][1], med["autotrace"][1], med["autotrace"][1] / med["plain"][1]))
print("median CPU (user+sys, whole process) plain %.2f s, autotrace %.2f s: ratio %.3f" % (med["plain"][2], med["autotrace"][2], med["autotrace"][2] / med["plain"][2]))
PY
