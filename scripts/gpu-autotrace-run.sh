#!/usr/bin/env bash
# Issue 17 on NPROC GPUs (the device tool's nvidia-h200-x2): the three real scripts of
# ../shared/samples/parameter-golf-scripts run UNMODIFIED through
# `referee run --autotrace --nproc-per-node NPROC` (Referee's sandbox, one record each), the two
# TTT records' cheating variants made at run time inside the same hook
# (REFEREE_AUTOTRACE_TEST_PATCH="${LORA_PATCH:-cheat_entry:patch_lora}"|patch_legal, test support on PYTHONPATH;
# the record's train_gpt.py is the shared file, byte for byte), each record audited; then the
# autotrace overhead on the GPU reference's evaluation (bench/autotrace/eval_gpu.py interleaved:
# plain and autotrace rounds alternated in one process, alone on the machine).
#   REFEREE=… OUT=… SHARED=…/parameter-golf-scripts bash scripts/gpu-autotrace-run.sh
# Env: JOBS (default "baseline lora legal lora_cheat legal_cheat", run in parallel: their memory
# fits together on 2 H200s), WALL (MAX_WALLCLOCK_SECONDS, 30), RUN_TIMEOUT (s, 400), BENCH_UNLESS_AFTER (s: no benchmark when the runs took longer, 430), SKIP_BENCH,
# BENCH_ROUNDS (10 of each), RUN_ARGS (more `referee run` flags), LORA_PATCH (the lora cheat's patch; a
# dry run on the CPU swaps in other scripts and patches). flash_attn_interface (LegalTTT) comes from python/tests/support's stand-in.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
REFEREE="${REFEREE:?}"; OUT="${OUT:?}"; SHARED="${SHARED:?}"
NPROC="${NPROC:-2}"; WALL="${WALL:-30}"
export REFEREE_HOME="$ROOT"
DATA="$ROOT/data/sp1024_synth/dataset"; TOK="$ROOT/data/sp1024_synth/tokenizer/synth_1024_bpe.model"
WORK=/var/tmp/referee-at; rm -rf "$WORK"; mkdir -p "$WORK" "$OUT"
# The sandbox shows the host read-only except /tmp: the support folder must live elsewhere.
SUPPORT="$WORK/support"; cp -r "$ROOT/python/tests/support" "$SUPPORT"
INSIDE_PY=/tmp/referee/python   # Referee's python folder inside the sandbox (SandboxLayout.python)
nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv > "$OUT/machine.txt" 2>&1
python3 -c 'import sys, torch; print("python", sys.version.split()[0], "torch", torch.__version__)' >> "$OUT/machine.txt" 2>&1
t() { python3 -c "import time; print(round(time.time() - $1, 1))"; }

job() {  # name shared-script extra-env...
  local name="$1" script="$2"; shift 2
  local src="$WORK/src/$name" rec="$WORK/records/$name" s
  mkdir -p "$src" "$WORK/records"; cp "$script" "$src/train_gpt.py"
  s=$(date +%s.%N)
  timeout "${RUN_TIMEOUT:-400}" "$REFEREE" run "$src" --seeds 1337 --nproc-per-node "$NPROC" --autotrace --no-probes \
    --track track_10min_16mb --data-path "$DATA" --tokenizer-path "$TOK" --out "$rec" ${RUN_ARGS:-} \
    -- MAX_WALLCLOCK_SECONDS="$WALL" VAL_LOSS_EVERY=0 "$@" > "$WORK/$name-run.txt" 2>&1
  echo "exit $? in $(t $s) s" >> "$WORK/$name-run.txt"
  "$REFEREE" audit "$rec" > "$WORK/$name-audit.txt" 2>&1
  "$REFEREE" audit "$rec" --format json > "$WORK/$name-audit.json" 2>&1
  { sha256sum "$script" "$src/train_gpt.py" "$rec/train_gpt.py"; } > "$WORK/$name-sha256.txt" 2>&1
}

s0=$(date +%s.%N)
for j in ${JOBS:-baseline lora legal lora_cheat legal_cheat}; do
  case "$j" in
    baseline)    job baseline "$SHARED/baseline/train_gpt.py" & ;;
    lora)        job lora "$SHARED/2026-03-17_LoRA_TTT/train_gpt.py" & ;;
    legal)       job legal "$SHARED/2026-03-23_LeakyReLU_LegalTTT_ParallelMuon/train_gpt.py" \
                   TTT_ENABLED=1 PYTHONPATH="$INSIDE_PY:$SUPPORT" & ;;
    lora_cheat)  job lora_cheat "$SHARED/2026-03-17_LoRA_TTT/train_gpt.py" \
                   PYTHONPATH="$INSIDE_PY:$SUPPORT" REFEREE_AUTOTRACE_TEST_PATCH="${LORA_PATCH:-cheat_entry:patch_lora}" & ;;
    legal_cheat) job legal_cheat "$SHARED/2026-03-23_LeakyReLU_LegalTTT_ParallelMuon/train_gpt.py" \
                   TTT_ENABLED=1 PYTHONPATH="$INSIDE_PY:$SUPPORT" REFEREE_AUTOTRACE_TEST_PATCH=cheat_entry:patch_legal & ;;
  esac
done
wait
echo "runs: $(t $s0) s" > "$OUT/summary.txt"
for f in "$WORK"/*-audit.json; do
  n=$(basename "$f" -audit.json)
  python3 - "$f" "$n" >> "$OUT/summary.txt" 2>&1 <<'PY'
import json, sys
try:
    a = json.load(open(sys.argv[1]))["records"][0]
    rules = {r["id"]: r["status"] for r in a["results"]}
    keys = ["causal.score-before-update", "causal.single-pass", "trace.coverage", "trace.chain", "norm.sums-to-one", "trace.matches-log"]
    print(sys.argv[2], a.get("verdict"), " ".join("%s=%s" % (k, rules.get(k)) for k in keys))
except Exception as e:
    print(sys.argv[2], "audit unreadable:", e)
PY
done
# Not evidence, and not ours to commit: artifacts, the shared scripts, their own logs (which embed the source).
(cd "$WORK/records" && find . \( -name '*.ptz' -o -name '*.pt' -o -name train_gpt.py -o -path '*/artifacts/*/logs/*' \) -delete)
tar -czf "$OUT/runs.tar.gz" -C "$WORK" records
tar -czf "$OUT/texts.tar.gz" -C "$WORK" $(cd "$WORK" && ls *-run.txt *-audit.txt *-audit.json *-sha256.txt 2>/dev/null)
cat "$OUT/summary.txt"

if [ -z "${SKIP_BENCH:-}" ] && [ "$(t $s0 | cut -d. -f1)" -lt "${BENCH_UNLESS_AFTER:-430}" ]; then
  # BENCHMARKS.md's fourth measurement: plain and autotrace rounds interleaved in one process
  A="$WORK/bench-artifact.ptz"
  PYTHONPATH="$ROOT/python" CUDA_VISIBLE_DEVICES=0 OMP_NUM_THREADS=1 timeout 200 taskset -c 2-3 \
    python3 bench/autotrace/eval_gpu.py interleaved "$A" "${BENCH_ROUNDS:-10}" >> "$OUT/bench.txt" 2>&1 \
    || echo "interleaved: exit $?" >> "$OUT/bench.txt"
  cat "$OUT/bench.txt"
fi
ls -la "$OUT"
