#!/usr/bin/env bash
# Runner overhead: the same fixed-work job launched bare (torchrun or python3) and through
# `referee run`, REPS times each, alternating. Reports the mean wall time of each, the ratio,
# and the job's own in-loop train_time under both (nothing may be added inside that window).
#   bash bench/runner/overhead.sh            environment: NPROC (default: GPUs found, else 1),
#   REPS (5), STEPS (3000), SIZE (2048), LINES_EVERY (1), REFEREE (.build/release/referee)
# Wall time of `referee run` here includes its environment capture (nvidia-smi, pip freeze…),
# which happens before the child starts; the second ratio leaves it out (process start to exit,
# from run.json).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
REFEREE="${REFEREE:-$ROOT/.build/release/referee}"
JOB="$ROOT/bench/runner/job"
REPS="${REPS:-5}"
export STEPS="${STEPS:-3000}" SIZE="${SIZE:-2048}" LINES_EVERY="${LINES_EVERY:-1}"
if [ -z "${NPROC:-}" ]; then
    NPROC=$( (nvidia-smi -L 2>/dev/null || true) | wc -l)
    [ "${NPROC:-0}" -ge 1 ] || NPROC=1
fi
if [ "$NPROC" -gt 1 ] || [ "${TORCHRUN:-0}" = 1 ]; then
    BARE=(torchrun --standalone --nproc_per_node="$NPROC" "$JOB/train_gpt.py"); EXTRA=(--torchrun)
else
    BARE=(python3 "$JOB/train_gpt.py"); EXTRA=()
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
now() { date +%s.%N; }
bare_wall=(); ref_wall=(); ref_child=(); bare_train=(); ref_train=()
for i in $(seq 1 "$REPS"); do
    mkdir -p "$WORK/bare$i"
    t0=$(now); (cd "$WORK/bare$i" && PYTHONUNBUFFERED=1 "${BARE[@]}" > "$WORK/bare$i/log" 2>&1); t1=$(now)
    bare_wall+=("$(python3 -c "print($t1 - $t0)")")
    bare_train+=("$(grep -o 'bench_train_ms:[0-9.]*' "$WORK/bare$i/log" | cut -d: -f2)")
    t0=$(now)
    "$REFEREE" run "$JOB" --seeds "$i" --nproc-per-node "$NPROC" "${EXTRA[@]}" --no-network-isolation \
        --out "$WORK/ref$i" > "$WORK/ref$i.out" 2>&1 || true
    t1=$(now)
    ref_wall+=("$(python3 -c "print($t1 - $t0)")")
    ref_child+=("$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['seeds'][0]['wall_seconds']['total'])" "$WORK/ref$i/run.json")")
    ref_train+=("$(grep -o 'bench_train_ms:[0-9.]*' "$WORK/ref$i/train_seed$i.log" | cut -d: -f2)")
done
mean() { python3 -c "import sys; v=[float(x) for x in sys.argv[1:]]; print(f'{sum(v)/len(v):.3f}')" "$@"; }
B=$(mean "${bare_wall[@]}"); R=$(mean "${ref_wall[@]}"); C=$(mean "${ref_child[@]}")
BT=$(mean "${bare_train[@]}"); RT=$(mean "${ref_train[@]}")
echo "machine:        $(hostname), $(nproc) CPUs, GPUs: $( (nvidia-smi -L 2>/dev/null || true) | wc -l)"
echo "launch:         ${BARE[*]} (NPROC=$NPROC STEPS=$STEPS SIZE=$SIZE LINES_EVERY=$LINES_EVERY REPS=$REPS)"
echo "bare wall s:    $B  (${bare_wall[*]})"
echo "referee wall s: $R  (${ref_wall[*]})"
echo "referee child s (spawn to exit, run.json): $C"
echo "ratio referee/bare, whole command: $(python3 -c "print(f'{$R/$B:.4f}')")"
echo "ratio referee/bare, child only:    $(python3 -c "print(f'{$C/$B:.4f}')")"
echo "job train_time ms, bare: $BT  referee: $RT  ratio: $(python3 -c "print(f'{$RT/$BT:.4f}')")"
