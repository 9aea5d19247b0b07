#!/usr/bin/env bash
# On a GPU machine (the lead ran it on 2 H200s through the device tool): the GPU reference
# through `referee run --nproc-per-node 2` inside the sandbox (NCCL between the ranks, loopback
# only), probed, audited, signed and verified; then the unmodified Parameter Golf baseline
# (BASELINE=path/to/train_gpt.py) through the same runner. Evidence goes to $OUT.
#   REFEREE=path/to/referee OUT=dir BASELINE=.../baseline/train_gpt.py bash scripts/gpu-sandbox.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
REFEREE="${REFEREE:-$ROOT/.build/release/referee}"
OUT="${OUT:?set OUT}"
NPROC="${NPROC:-2}"
WALL="${WALL:-20}"
export REFEREE_HOME="$ROOT"
DATA="$ROOT/data/sp1024_synth/dataset"
TOK="$ROOT/data/sp1024_synth/tokenizer/synth_1024_bpe.model"
WORK="${WORK:-/var/tmp/referee-gpu}"
rm -rf "$WORK"; mkdir -p "$WORK" "$OUT"
{
  nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv
  uname -r
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "gpus", torch.cuda.device_count())'
} > "$OUT/machine.txt" 2>&1
"$REFEREE" keygen --out "$WORK/key.pem" > /dev/null
REC="$WORK/reference_gpu_${NPROC}xH200_sandboxed"
start=$(date +%s.%N)
"$REFEREE" run "$ROOT/submissions/reference_gpu" --seeds 1337 --nproc-per-node "$NPROC" \
    --track track_non_record_16mb --data-path "$DATA" --tokenizer-path "$TOK" \
    --author Referee --github-id referee --name "Reference GPT, ${NPROC}xH200, sandboxed" \
    --blurb "Referee's GPU reference on the bundled synthetic data (not FineWeb), run in Referee's sandbox on ${NPROC} GPUs with NCCL." \
    --key "$WORK/key.pem" --out "$REC" -- MAX_WALLCLOCK_SECONDS="$WALL" > "$OUT/reference-run.txt" 2>&1
echo "referee run exit $? in $(python3 -c "import time; print(round(time.time() - $start, 1))") s" >> "$OUT/reference-run.txt"
"$REFEREE" verify "$REC" --key "$WORK/key.pem.pub" >> "$OUT/reference-run.txt" 2>&1
echo "verify exit $?" >> "$OUT/reference-run.txt"
tar -czf "$OUT/reference-record.tar.gz" -C "$WORK" "$(basename "$REC")"
if [ -n "${BASELINE:-}" ]; then
  mkdir -p "$WORK/baseline-src" && cp "$BASELINE" "$WORK/baseline-src/train_gpt.py"
  BREC="$WORK/baseline_${NPROC}xH200_sandboxed"
  start=$(date +%s.%N)
  "$REFEREE" run "$WORK/baseline-src" --seeds 1337 --nproc-per-node "$NPROC" --track track_10min_16mb \
      --data-path "$DATA" --tokenizer-path "$TOK" --no-probes --out "$BREC" \
      -- MAX_WALLCLOCK_SECONDS="${BASE_WALL:-30}" VAL_LOSS_EVERY=0 TRAIN_LOG_EVERY=10 > "$OUT/baseline-run.txt" 2>&1
  echo "referee run exit $? in $(python3 -c "import time; print(round(time.time() - $start, 1))") s" >> "$OUT/baseline-run.txt"
  "$REFEREE" audit "$BREC" > "$OUT/baseline-audit.txt" 2>&1
  "$REFEREE" audit "$BREC" --format json > "$OUT/baseline-audit.json" 2>&1
  rm -f "$BREC"/artifacts/*/*.pt
  tar -czf "$OUT/baseline-record.tar.gz" -C "$WORK" "$(basename "$BREC")"
fi
ls -la "$OUT"
