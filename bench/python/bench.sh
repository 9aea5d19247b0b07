#!/usr/bin/env bash
# Times the honest CPU reference (train + eval, default settings, committed synthetic data)
# with and without the trace (REFEREE_TRACE_DIR), best of 3 each, and the pure-Python
# ByteLUT.target_bytes against a numpy gather on the validation shard.
# Usage: bench/python/bench.sh   (needs python3 with numpy and sentencepiece)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export PYTHONPATH=$ROOT/python

best() {  # best wall seconds of 3 runs of "$@" (run in a fresh dir each time)
    local best=""
    for i in 1 2 3; do
        rm -rf "$WORK/run" && mkdir -p "$WORK/run"
        local s e
        s=$(date +%s.%N)
        (cd "$WORK/run" && "$@" >"$WORK/out")
        e=$(date +%s.%N)
        best=$(python3 -c "import sys; a=float(sys.argv[1])-float(sys.argv[2]); b=sys.argv[3]; print('%.3f' % (a if b=='' else min(a, float(b))))" "$e" "$s" "$best")
    done
    echo "$best"
}

T_TRACE=$(best env REFEREE_TRACE_DIR="$WORK/run/trace" python3 "$ROOT/submissions/reference_cpu/train_gpt.py")
grep -E "^final_int8_zlib_roundtrip |^step:[0-9]+/[0-9]+ train_loss" "$WORK/out" | tail -2
T_PLAIN=$(best python3 "$ROOT/submissions/reference_cpu/train_gpt.py")
echo "reference_cpu train+eval, trace on : ${T_TRACE} s (best of 3)"
echo "reference_cpu train+eval, trace off: ${T_PLAIN} s (best of 3)"
python3 -c "import sys; print('ratio trace on / off: %.2fx' % (float(sys.argv[1]) / float(sys.argv[2])))" "$T_TRACE" "$T_PLAIN"

python3 - <<'PY'
import os, time
import numpy as np
import referee_probe
root = os.getcwd()
data = os.path.join(root, "data", "sp1024_synth")
lut = referee_probe.ByteLUT.from_model_file(os.path.join(data, "tokenizer", "synth_1024_bpe.model"))
toks = referee_probe.read_shard(os.path.join(data, "dataset", "fineweb_val_000000.bin"))
def best(f):
    out = []
    for _ in range(5):
        t = time.perf_counter(); r = f(); out.append(time.perf_counter() - t)
    return min(out), r
tp, a = best(lambda: lut.target_bytes(toks, 1, len(toks)))
t = np.frombuffer(toks.tobytes(), dtype="<u2")
base, space, bnd = np.array(lut.base), np.array(lut.space), np.array(lut.boundary)
tn, b = best(lambda: int((base[t[1:]] + (space[t[1:]] & ~bnd[t[:-1]])).sum()))
assert a == b, (a, b)
print("ByteLUT.target_bytes (pure Python): %.4f s for %d targets (%d bytes)" % (tp, len(toks) - 1, a))
print("numpy gather reference            : %.4f s; ratio python / numpy: %.1fx" % (tn, tp / tn))
PY
