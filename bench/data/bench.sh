#!/usr/bin/env bash
# Benchmark `referee data bytes` against a numpy implementation on a synthetic shard.
# Usage: bench/data/bench.sh [NTOKENS] [MODEL]   (defaults: 100000000 tokens, the 8192 model of
# the shared samples). Needs python3 with numpy and sentencepiece. Prints wall seconds (best of
# 3 runs each) and checks that both give the same totals.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000000}
MODEL=${2:-../shared/samples/parameter-golf-records/track_10min_16mb/2026-03-24_74M_Ternary_UNet_FP8_10L_8192BPE_YaRN_NeoMuon/fineweb_8192_bpe.model}
VOCAB=$(python3 -c "import sentencepiece as s,sys; print(s.SentencePieceProcessor(model_file=sys.argv[1]).vocab_size())" "$MODEL")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

swift build -c release --product referee >/dev/null
BIN=$(swift build -c release --show-bin-path)/referee
python3 bench/data/make_shard.py "$WORK/fineweb_val_000000.bin" "$N" "$VOCAB"

best() {  # best wall time of 3 runs of "$@", output of the last run in $WORK/out
    local best=""
    for _ in 1 2 3; do
        local s e
        s=$(date +%s.%N)
        "$@" >"$WORK/out"
        e=$(date +%s.%N)
        best=$(python3 -c "import sys; a=float(sys.argv[1]); b=sys.argv[2]; print(a if b=='' else min(a, float(b)))" "$(echo "$e - $s" | bc)" "$best")
    done
    echo "$best"
}

T_SWIFT=$(best "$BIN" data bytes --tokenizer "$MODEL" --shards "$WORK/fineweb_val_*.bin" --format json)
SWIFT=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['tokens'], d['targets'], d['bytes'])" "$WORK/out")
T_NUMPY=$(best python3 bench/data/numpy_bytes.py "$MODEL" "$WORK/fineweb_val_000000.bin")
NUMPY=$(cat "$WORK/out")

echo "tokens: $N   model: $(basename "$MODEL")   machine: $(nproc) cores, $(uname -m)"
echo "referee (tokens targets bytes): $SWIFT   best of 3: ${T_SWIFT}s"
echo "numpy   (tokens targets bytes): $NUMPY   best of 3: ${T_NUMPY}s"
python3 -c "import sys; s,n=float(sys.argv[1]),float(sys.argv[2]); print(f'numpy / referee time ratio: {n/s:.2f}x; referee throughput: {float(sys.argv[3])/s/1e6:.0f} M tokens/s')" "$T_SWIFT" "$T_NUMPY" "$N"
[ "$SWIFT" = "$NUMPY" ] || { echo "MISMATCH: referee and numpy disagree" >&2; exit 1; }
