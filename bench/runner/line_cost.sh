#!/usr/bin/env bash
# Runner CPU cost per log line, measured in CPU seconds (far less sensitive to a busy machine
# than wall time): total CPU of `referee run` on a job that prints LINES lines as fast as it can,
# minus the CPU of the same job run bare with its output sent to a file. REPS runs each; medians.
#   bash bench/runner/line_cost.sh     environment: LINES (200000), REPS (5), REFEREE
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
REFEREE="${REFEREE:-$ROOT/.build/release/referee}"
JOB="$ROOT/bench/runner/printer"
export LINES="${LINES:-200000}"
REPS="${REPS:-5}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cpu() { /usr/bin/time -f "%U %S" -o "$WORK/t" "$@" > /dev/null 2>&1 || true; awk '{print $1 + $2}' "$WORK/t"; }
bare=(); ref=(); ref0=()
for i in $(seq 1 "$REPS"); do
    bare+=("$(cd "$WORK" && cpu sh -c "PYTHONUNBUFFERED=1 python3 '$JOB/train_gpt.py' > '$WORK/bare.log'")")
    ref+=("$(cpu "$REFEREE" run "$JOB" --seeds "$i" --no-network-isolation --out "$WORK/ref$i")")
    # Same command with a job that prints nothing: start-up, environment capture, records.
    ref0+=("$(LINES=0 cpu "$REFEREE" run "$JOB" --seeds "$i" --no-network-isolation --out "$WORK/zero$i")")
done
python3 - "$LINES" "${bare[*]}" "${ref[*]}" "${ref0[*]}" <<'PY'
import statistics, sys
lines = int(sys.argv[1])
bare, ref, ref0 = ([float(x) for x in a.split()] for a in sys.argv[2:5])
b, r, z = statistics.median(bare), statistics.median(ref), statistics.median(ref0)
print(f"lines per run: {lines}")
print(f"bare job CPU s (median of {len(bare)}): {b:.3f}  {bare}")
print(f"referee run CPU s, same job: {r:.3f}  {ref}")
print(f"referee run CPU s, job printing nothing (start-up + environment capture): {z:.3f}  {ref0}")
print(f"runner CPU per line: {(r - z - b) / lines * 1e6:.2f} us")
PY
