#!/usr/bin/env bash
# GPU benchmarks, run on the device machine (one H100) with a release `referee` (REFEREE):
#  1. runner overhead: bench/runner/overhead.sh through torchrun (fixed-work job, REPS runs);
#  2. probe cost: one plain evaluation of the GPU reference vs `referee probe` on the same artifact;
#  3. scaling on one GPU: the GPU reference through `referee run --torchrun` with 1 and with 2
#     processes sharing the GPU (gloo), step time and tokens/s from the logs, and the audit of the
#     2-process record (per-rank traces merged: trace.coverage).
#   bash bench/gpu/run.sh OUTDIR
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
OUTDIR="${1:?usage: run.sh OUTDIR}"
REFEREE="${REFEREE:-$ROOT/.build/release/referee}"
export REFEREE_HOME="$ROOT"
DATA="$ROOT/data/sp1024_synth"
VAL="$DATA/dataset/fineweb_val_000000.bin"
TOK="$DATA/tokenizer/synth_1024_bpe.model"
mkdir -p "$OUTDIR"
now() { date +%s.%N; }

# SECTIONS picks which parts run (default "1 2 3"); e.g. SECTIONS="2" for the probe cost only.
SECTIONS="${SECTIONS:-1 2 3}"
want() { case " $SECTIONS " in *" $1 "*) return 0;; *) return 1;; esac; }

if want 1; then
echo "== 1. runner overhead (torchrun, fixed-work job)"
TORCHRUN=1 REPS="${REPS:-3}" STEPS="${STEPS:-30000}" REFEREE="$REFEREE" bash bench/runner/overhead.sh
fi

if want 2; then
echo "== 2. probe cost, GPU reference"
W=$(mktemp -d)
cp submissions/reference_gpu/train_gpt.py "$W/"
( cd "$W" && PYTHONPATH="$ROOT/python" DATA_PATH="$DATA/dataset" TOKENIZER_PATH="$TOK" MAX_WALLCLOCK_SECONDS=20 python3 train_gpt.py > train.log 2>&1 )
for i in 1 2 3; do
    t0=$(now)
    ( cd "$W" && PYTHONPATH="$ROOT/python" TOKENIZER_PATH="$TOK" REFEREE_EVAL_ONLY=1 REFEREE_EVAL_SHARD="$VAL" \
        REFEREE_EVAL_OUT="$W/plain$i" REFEREE_DIST_POSITIONS= python3 train_gpt.py )
    echo "plain evaluation (whole val shard, $(python3 -c "import os;print((os.path.getsize('$VAL')-1024)//2)") tokens) s: $(python3 -c "print(f'{$(now) - $t0:.2f}')")"
done
for i in 1 2 3; do
    t0=$(now)
    "$REFEREE" probe "$W" --data-path "$DATA/dataset" --tokenizer-path "$TOK" --seed "$i" --out "$W/probes$i.json" > "$W/probe$i.out"
    echo "referee probe (7 evaluations of a probe shard) s: $(python3 -c "print(f'{$(now) - $t0:.2f}')")"
done
fi

if want 3; then
echo "== 3. one GPU, 1 vs 2 processes (torchrun)"
for n in 1 2; do
    "$REFEREE" run submissions/reference_gpu --seeds 7 --nproc-per-node "$n" --torchrun --no-probes \
        --track track_non_record_16mb --data-path "$DATA/dataset" --tokenizer-path "$TOK" \
        --out "$OUTDIR/nproc$n" -- MAX_WALLCLOCK_SECONDS=20 > "$OUTDIR/nproc$n.out" 2>&1 || echo "nproc $n: referee run exit $?"
    log="$OUTDIR/nproc$n/train_seed7.log"
    python3 - "$log" "$n" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
avg = [float(m) for m in re.findall(r"step:\d+/\d+ train_loss:\S+ train_time:\d+ms step_avg:([\d.]+)ms", text)]
steps = re.findall(r"step:(\d+)/\d+ val_loss", text)
batch = int(re.search(r"train_batch_tokens:(\d+)", text).group(1))
score = re.findall(r"final_\S+_exact val_loss:\S+ val_bpb:([\d.]+)", text)
print(f"nproc {sys.argv[2]}: step_avg {avg[-1]:.2f} ms, tokens/s {batch / avg[-1] * 1000:,.0f}, steps {steps[-1] if steps else '?'}, val_bpb {score[-1] if score else '?'}")
PY
    "$REFEREE" audit "$OUTDIR/nproc$n" --format text | grep -E "verdict|trace\.|causal\.single|norm\.sums" || true
    ls "$OUTDIR/nproc$n/traces/seed7"
done
fi
