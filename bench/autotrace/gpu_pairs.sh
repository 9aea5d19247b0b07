#!/usr/bin/env bash
# Autotrace's overhead on the GPU reference's evaluation (issue 17's goal: <= 10 %), as
# interleaved pairs of processes: plain, autotrace, plain, autotrace, ... each process pinned to
# the same CPU cores (taskset) with one intra-op thread, evaluating the same artifact ROUNDS
# times after a warm-up (bench/autotrace/eval_gpu.py: wall time of eval_score_first_ttt over the
# whole validation stream, torch.cuda.synchronize around it). Prints each process's median and
# fastest round, the per-pair ratios of medians, and their median.
#   bash bench/autotrace/gpu_pairs.sh OUTDIR [PAIRS=5] [ROUNDS=8]
# Needs one CUDA GPU, python3 with torch, numpy, sentencepiece; run alone on the machine.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:?usage: gpu_pairs.sh OUTDIR [PAIRS] [ROUNDS]}"; PAIRS="${2:-5}"; ROUNDS="${3:-8}"
mkdir -p "$OUT"
A="$OUT/bench-artifact.ptz"
LOG="$OUT/pairs.txt"
CORES="${CORES:-2-3}"
{ echo "== $(date -u +'%F %T UTC') commit ${COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo "?")}, pairs $PAIRS, rounds $ROUNDS, cores $CORES"
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader 2>&1 | head -1
  python3 -c 'import sys, torch; print("python", sys.version.split()[0], "torch", torch.__version__)'; } > "$LOG"
for i in $(seq "$PAIRS"); do
  for m in plain autotrace; do
    PYTHONPATH=python CUDA_VISIBLE_DEVICES=0 OMP_NUM_THREADS=1 timeout 300 taskset -c "$CORES" \
      python3 bench/autotrace/eval_gpu.py "$m" "$A" "$ROUNDS" >> "$LOG" 2>&1 || echo "$m: exit $?" >> "$LOG"
  done
done
python3 - "$LOG" <<'PY' | tee -a "$LOG"
import re, statistics, sys
rows = []
for line in open(sys.argv[1]):
    m = re.match(r"(plain|autotrace) eval wall seconds: median ([\d.]+), all ([\d. ]+);", line)
    if m:
        rows.append((m.group(1), float(m.group(2)), min(float(x) for x in m.group(3).split())))
plain = [r for r in rows if r[0] == "plain"]
auto = [r for r in rows if r[0] == "autotrace"]
ratios = [a[1] / p[1] for p, a in zip(plain, auto)]
fast = [a[2] / p[2] for p, a in zip(plain, auto)]
print("pairs %d: plain medians %s; autotrace medians %s" % (len(ratios), " ".join("%.3f" % r[1] for r in plain),
      " ".join("%.3f" % r[1] for r in auto)))
print("ratio autotrace/plain per pair (medians): %s; median %.3f" % (" ".join("%.3f" % r for r in ratios), statistics.median(ratios)))
print("ratio per pair (fastest rounds): %s; median %.3f" % (" ".join("%.3f" % r for r in fast), statistics.median(fast)))
print("ratio of all-process medians: %.3f" % (statistics.median(r[1] for r in auto) / statistics.median(r[1] for r in plain)))
PY
