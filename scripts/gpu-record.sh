#!/usr/bin/env bash
# Produces the signed GPU record of submissions/reference_gpu on NPROC GPUs through `referee run`
# (the lead ran this on the device machine; the record is committed under
# records/track_non_record_16mb/). Needs a release `referee` binary (REFEREE, default
# .build/release/referee), python3 with torch + sentencepiece + numpy, and one CUDA GPU.
#   bash scripts/gpu-record.sh OUTDIR [NAME]      env: GPU_LABEL (1xH100), SEEDS (1337,42,2025), WALL (30 s of training),
#                                                 BUDGET (--probe-budget, 4), NPROC (--nproc-per-node, 1)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUTDIR="${1:?usage: gpu-record.sh OUTDIR [NAME]}"
NAME="${2:-$(date -u +%F)_reference_gpu_1xH100}"
REFEREE="${REFEREE:-$ROOT/.build/release/referee}"
SEEDS="${SEEDS:-1337,42,2025}"
WALL="${WALL:-30}"
export REFEREE_HOME="$ROOT"
KEY="$OUTDIR/key/referee.pem"
mkdir -p "$OUTDIR/key"
[ -f "$KEY" ] || "$REFEREE" keygen --out "$KEY"
REC="$OUTDIR/$NAME"
set +e
"$REFEREE" run "$ROOT/submissions/reference_gpu" --seeds "$SEEDS" --nproc-per-node "${NPROC:-1}" \
    --track track_non_record_16mb \
    --data-path "$ROOT/data/sp1024_synth/dataset" \
    --tokenizer-path "$ROOT/data/sp1024_synth/tokenizer/synth_1024_bpe.model" \
    --author "Referee" --github-id "referee" --name "Reference GPT, score-first TTT, ${GPU_LABEL:-1xH100}" \
    --blurb "Referee's own GPU reference submission (6L d256 GPT, int8+zlib, score-first TTT), run, evaluated (official evaluation + probe campaign v2, held-out check), audited and signed by referee run on ${GPU_LABEL:-1xH100} (torchrun, ${NPROC:-1} process(es) per node); not the 8xH100 track." \
    --heldout-shards "$ROOT/data/sp1024_synth/heldout" --probe-budget "${BUDGET:-4}" \
    --key "$KEY" --out "$REC" -- MAX_WALLCLOCK_SECONDS="$WALL"
run_rc=$?
"$REFEREE" verify "$REC" --key "$KEY.pub"
verify_rc=$?
"$REFEREE" audit "$REC" --track track_10min_16mb > "$OUTDIR/audit-as-10min-track.txt"
echo "audit as track_10min_16mb: exit $?"
set -e
echo "record: $REC  run exit $run_rc  verify exit $verify_rc"
