#!/usr/bin/env bash
# Runs the leaderboard's real scripts UNMODIFIED under autotrace on NPROC GPUs (torchrun -m
# referee_autotrace), plus the two TTT records' cheating variants (patched at run time by
# python/tests/support/cheat_entry.py; the shared files are only read), and prints each trace's
# rule verdicts (python/tests/support/check_trace.py). Evidence lands in OUT/<name>/:
# log.txt (stdout+stderr), trace/rank<R>.jsonl, verdicts.json, sha256 of the script before/after.
#
#   scripts/gpu-autotrace.sh [OUT]
#
# Env: SHARED (folder with baseline/, 2026-03-17_LoRA_TTT/, 2026-03-23_LeakyReLU_LegalTTT_ParallelMuon/;
# default ../shared/samples/parameter-golf-scripts next to the checkout, else
# /work/shared/samples/parameter-golf-scripts), DATA_PATH (FineWeb-format shards), TOKENIZER_PATH,
# NPROC (2), MAX_WALLCLOCK_SECONDS (40), PYTHON (python3), ONLY (space-separated subset of:
# baseline lora legal lora_cheat legal_cheat).
# flash_attn_interface is not installed on the GPU machines: the stand-in of
# python/tests/support (scaled_dot_product_attention) is put on PYTHONPATH for the run only.
#
# Expected (docs/autotrace.md): causal.score-before-update true for baseline, lora, legal; false
# for lora_cheat and legal_cheat. Known true findings, not false alarms: lora's score ranges do
# not ascend per rank (documents interleave), legal counts its last `stride` targets repeatedly
# (single-pass), baseline leaves the stream's tail after the last full sequence unscored
# (coverage).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/.referee/gpu-autotrace}"
SHARED="${SHARED:-}"
if [ -z "$SHARED" ]; then
    for c in "$ROOT/../shared/samples/parameter-golf-scripts" /work/shared/samples/parameter-golf-scripts; do
        if [ -d "$c" ]; then SHARED="$c"; break; fi
    done
fi
[ -d "$SHARED" ] || { echo "gpu-autotrace: SHARED folder not found (set SHARED)" >&2; exit 2; }
: "${DATA_PATH:?set DATA_PATH to the FineWeb-format data folder}"
: "${TOKENIZER_PATH:?set TOKENIZER_PATH to the SentencePiece model}"
NPROC="${NPROC:-2}"
PYTHON="${PYTHON:-python3}"
export MAX_WALLCLOCK_SECONDS="${MAX_WALLCLOCK_SECONDS:-40}"
ONLY="${ONLY:-baseline lora legal lora_cheat legal_cheat}"
SUPPORT="$ROOT/python/tests/support"
BASE="$SHARED/baseline/train_gpt.py"
LORA="$SHARED/2026-03-17_LoRA_TTT/train_gpt.py"
LEGAL="$SHARED/2026-03-23_LeakyReLU_LegalTTT_ParallelMuon/train_gpt.py"
mkdir -p "$OUT"

run() {  # name script-to-hash extra-env... -- entry args...
    local name="$1" watched="$2"; shift 2
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    local dir="$OUT/$name"
    rm -rf "$dir"; mkdir -p "$dir/work"
    sha256sum "$watched" > "$dir/script.sha256.before"
    local t0=$SECONDS rc=0
    (cd "$dir/work" && env "${envs[@]}" PYTHONPATH="$ROOT/python:$SUPPORT${PYTHONPATH:+:$PYTHONPATH}" \
        REFEREE_TRACE_DIR="$dir/trace" DATA_PATH="$DATA_PATH" TOKENIZER_PATH="$TOKENIZER_PATH" \
        PYTHONUNBUFFERED=1 "$PYTHON" -m torch.distributed.run --standalone --nproc_per_node="$NPROC" \
        -m referee_autotrace "$@") > "$dir/log.txt" 2>&1 || rc=$?
    sha256sum "$watched" > "$dir/script.sha256.after"
    cmp -s "$dir/script.sha256.before" "$dir/script.sha256.after" || { echo "$name: SCRIPT MODIFIED" >&2; exit 1; }
    echo "$name: exit $rc in $((SECONDS - t0)) s" | tee "$dir/status.txt"
    if [ -d "$dir/trace" ]; then
        "$PYTHON" "$SUPPORT/check_trace.py" "$dir/trace" "$dir/log.txt" > "$dir/verdicts.json" || true
        "$PYTHON" - "$dir/verdicts.json" "$name" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["rules"]
print("  %s: %s" % (sys.argv[2], " ".join("%s=%s" % (k, v[k]) for k in sorted(v))))
PY
    fi
}

for job in $ONLY; do
    case "$job" in
        baseline)    run baseline "$BASE" VAL_LOSS_EVERY=0 -- "$BASE" ;;
        lora)        run lora "$LORA" VAL_LOSS_EVERY=0 -- "$LORA" ;;
        legal)       run legal "$LEGAL" VAL_LOSS_EVERY=0 TTT_ENABLED=1 -- "$LEGAL" ;;
        lora_cheat)  run lora_cheat "$LORA" VAL_LOSS_EVERY=0 -- "$SUPPORT/cheat_entry.py" lora "$LORA" ;;
        legal_cheat) run legal_cheat "$LEGAL" VAL_LOSS_EVERY=0 TTT_ENABLED=1 -- "$SUPPORT/cheat_entry.py" legal "$LEGAL" ;;
        *) echo "gpu-autotrace: unknown job $job" >&2; exit 2 ;;
    esac
done
