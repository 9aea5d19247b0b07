#!/usr/bin/env bash
# Cost of Referee's official evaluation and probe campaign (protocol v2), in multiples of one
# plain evaluation, for the CPU reference submission on data/sp1024_synth.
#
#   bench/probe-cost.sh [REPEATS] [BUDGET]      (defaults 3 and 4; needs python3 + numpy + sentencepiece)
#
# 1. trains submissions/reference_cpu once in a temp folder (writes final_model.ptz);
# 2. "plain evaluation": the eval entry point once on the whole validation stream outside any
#    sandbox (REFEREE_EVAL_ONLY=1, no dumped distributions), timed REPEATS times;
# 3. `referee probe --probe-budget BUDGET` on the same folder: official + control + (BUDGET − 1)
#    cuts, each a fresh sandboxed process on the whole validation stream, plus the comparisons,
#    timed REPEATS times; the official evaluation's own seconds come from probes.json;
# and prints the medians and the ratios. Uses .build/release/referee when present, else debug.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS="${1:-3}"
BUDGET="${2:-4}"
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
campaign=()
official=()
for i in $(seq "$REPEATS"); do
    t0=$(now)
    "$BIN" probe "$WORK" --data-path "$DATA/dataset" --tokenizer-path "$TOKENIZER_PATH" --seed "$i" \
        --probe-budget "$BUDGET" --out "$WORK/probes-$i.json" >/dev/null
    campaign+=("$(echo "$(now) - $t0" | bc)")
    official+=("$(python3 -c "import json; r=json.load(open('$WORK/probes-$i.json')); print([e['seconds'] for e in r['evaluations'] if e['name']=='official'][0])")")
done
p=$(printf '%s\n' "${plain[@]}" | median)
o=$(printf '%s\n' "${official[@]}" | median)
q=$(printf '%s\n' "${campaign[@]}" | median)
info=$(python3 -c "import json; r=json.load(open('$WORK/probes-1.json')); print(len(r['evaluations']), r['val_tokens'], r['sandbox'], r['entry_point'])")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "plain evaluation (whole validation stream, eval-only entry point, no sandbox): median ${p}s over $REPEATS"
echo "official evaluation inside the campaign (fresh sandboxed process): median ${o}s"
echo "referee probe --probe-budget $BUDGET (evaluations, val tokens, sandbox, entry point): $info; median ${q}s over $REPEATS"
echo "ratio campaign / plain evaluation: $(echo "scale=2; $q / $p" | bc); campaign / official evaluation: $(echo "scale=2; $q / $o" | bc)"
