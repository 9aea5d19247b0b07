#!/usr/bin/env bash
# One device-tool session on 2 GPUs (what the lead ran for the v0.2 evidence):
#  1. the GPU reference through `referee run --nproc-per-node $NPROC`, 3 seeds, in the sandbox,
#     probed and audited (signed afterwards with `referee sign`, so the signature covers the final
#     rules); 2. the unmodified baseline through `referee run --autotrace --nproc-per-node $NPROC`;
#  3. optionally (JOBS) the real TTT scripts and their cheating twins through scripts/gpu-autotrace.sh.
#   REFEREE=... OUT=... SHARED=.../parameter-golf-scripts JOBS="lora lora_cheat" bash scripts/gpu-session.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
REFEREE="${REFEREE:?}"; OUT="${OUT:?}"; SHARED="${SHARED:?}"
NPROC="${NPROC:-2}"
export REFEREE_HOME="$ROOT"
DATA="$ROOT/data/sp1024_synth/dataset"; TOK="$ROOT/data/sp1024_synth/tokenizer/synth_1024_bpe.model"
WORK=/var/tmp/referee-gpu; rm -rf "$WORK"; mkdir -p "$WORK" "$OUT"
t() { python3 -c "import time; print(round(time.time() - $1, 1))"; }
nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv > "$OUT/machine.txt" 2>&1
if [ -z "${SKIP_RECORD:-}" ]; then
  REC="$WORK/2026-11-29_reference_gpu_${NPROC}xH200"; s=$(date +%s.%N)
  "$REFEREE" run "$ROOT/submissions/reference_gpu" --seeds 1337,42,2025 --nproc-per-node "$NPROC" \
    --track track_non_record_16mb --data-path "$DATA" --tokenizer-path "$TOK" \
    --author Referee --github-id referee --name "Reference GPT, score-first TTT, ${NPROC}xH200, sandboxed" \
    --blurb "Referee's own GPU reference (6L d256 GPT, int8+zlib, score-first TTT) on the bundled synthetic data (not FineWeb), run in Referee's sandbox on ${NPROC} H200s with NCCL, probed, audited and signed by Referee; not the 8xH100 track." \
    --out "$REC" -- MAX_WALLCLOCK_SECONDS="${WALL:-20}" > "$OUT/record-run.txt" 2>&1
  echo "exit $? in $(t $s) s" >> "$OUT/record-run.txt"
  tar -czf "$OUT/record.tar.gz" -C "$WORK" "$(basename "$REC")"
fi
if [ -z "${SKIP_BASELINE:-}" ]; then
  mkdir -p "$WORK/baseline-src"; cp "$SHARED/baseline/train_gpt.py" "$WORK/baseline-src/"
  B="$WORK/baseline_autotrace_${NPROC}xH200"; s=$(date +%s.%N)
  "$REFEREE" run "$WORK/baseline-src" --seeds 1337 --nproc-per-node "$NPROC" --autotrace --no-probes \
    --track track_10min_16mb --data-path "$DATA" --tokenizer-path "$TOK" --out "$B" \
    -- MAX_WALLCLOCK_SECONDS="${BASE_WALL:-30}" VAL_LOSS_EVERY=0 > "$OUT/baseline-run.txt" 2>&1
  echo "exit $? in $(t $s) s" >> "$OUT/baseline-run.txt"
  "$REFEREE" audit "$B" > "$OUT/baseline-audit.txt" 2>&1
  "$REFEREE" audit "$B" --format json > "$OUT/baseline-audit.json" 2>&1
  rm -f "$B"/artifacts/*/*.ptz "$B"/train_gpt.py
  tar -czf "$OUT/baseline.tar.gz" -C "$WORK" "$(basename "$B")"
fi
if [ -n "${JOBS:-}" ]; then
  SHARED="$SHARED" DATA_PATH="$DATA" TOKENIZER_PATH="$TOK" NPROC="$NPROC" ONLY="$JOBS" \
    MAX_WALLCLOCK_SECONDS="${TTT_WALL:-40}" timeout "${JOBS_TIMEOUT:-3000}" bash scripts/gpu-autotrace.sh "$WORK/autotrace" > "$OUT/autotrace.txt" 2>&1
  echo "gpu-autotrace exit $?" >> "$OUT/autotrace.txt"
  (cd "$WORK" && find autotrace -name '*.pt' -o -name '*.ptz' | xargs rm -f; tar -czf "$OUT/autotrace.tar.gz" autotrace)
fi
ls -la "$OUT"
