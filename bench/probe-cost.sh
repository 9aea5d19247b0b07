#!/usr/bin/env bash
# Probe cost relative to one plain evaluation, for the CPU reference submission.
#
#   bench/probe-cost.sh [REPEATS]      (default 3; needs python3 + numpy + sentencepiece)
#
# 1. trains submissions/reference_cpu once in a temp folder (writes final_model.ptz);
# 2. "plain evaluation": the eval entry point once on the whole validation shard
#    (REFEREE_EVAL_ONLY=1, no dumped distributions), timed REPEATS times;
# 3. `referee probe` on the same folder (7 evaluations of a 4096-token probe shard, batched
#    into one process through REFEREE_EVAL_PLAN, plus the comparisons), timed REPEATS times;
# and prints the medians and their ratio. Uses .build/release/referee when present, else debug.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS="${1:-3}"
BIN=.build/release/referee
[ -x "$BIN" ] || BIN=.build/debug/referee
[ -x "$BIN" ] || { echo "build first: swift build -c release --product referee" >&2; exit 1; }
DATA="$PWD/data/sp1024_synth"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export PYTHONPATH="$PWD/python" PYTHONUNBUFFERED=1 DATA_PATH="$DATA/dataset" TOKENIZER_PATH="$DATA/tokenizer/synth_1024_bpe.model"
cp submissions/reference_cpu/train_gpt.py "$WORK/"
( cd "$WORK" && python3 train_gpt.py >/dev/null )

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }

plain=()
for _ in $(seq "$REPEATS"); do
    t0=$(now)
    ( cd "$WORK" && REFEREE_EVAL_ONLY=1 REFEREE_EVAL_SHARD="$DATA/dataset/fineweb_val_000000.bin" \
        REFEREE_EVAL_OUT="$WORK/plain" REFEREE_DIST_POSITIONS= python3 train_gpt.py )
    plain+=("$(echo "$(now) - $t0" | bc)")
done
probe=()
for i in $(seq "$REPEATS"); do
    t0=$(now)
    "$BIN" probe "$WORK" --data-path "$DATA/dataset" --tokenizer-path "$TOKENIZER_PATH" --seed "$i" --out "$WORK/probes-$i.json" >/dev/null
    probe+=("$(echo "$(now) - $t0" | bc)")
done
p=$(printf '%s\n' "${plain[@]}" | median)
q=$(printf '%s\n' "${probe[@]}" | median)
runs=$(python3 -c "import json; r=json.load(open('$WORK/probes-1.json')); s={x['seconds'] for x in r['runs']}; print(len(r['runs']), r['tokens'], len(s), round(sum(s), 3))")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "plain evaluation (60824 tokens, eval-only entry point): median ${p}s over $REPEATS"
echo "referee probe (runs, probe tokens, processes, s in them): $runs; median ${q}s over $REPEATS"
echo "ratio probe / plain evaluation: $(echo "scale=2; $q / $p" | bc)"
