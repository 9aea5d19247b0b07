#!/bin/bash
# GPU smoke test of submissions/reference_gpu (run on the device from .carry/python).
SRC=$PWD
export PYTHONPATH=$SRC/python PYTHONUNBUFFERED=1
S=$SRC/submissions/reference_gpu/train_gpt.py
python3 -c "import torch, sentencepiece; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
mkdir -p $OUT/run && cd $OUT/run
REFEREE_TRACE_DIR=$OUT/run/trace MAX_WALLCLOCK_SECONDS=${WALL:-60} python3 $S > $OUT/gpu_smoke.log 2>&1; echo "train rc=$?"
grep -v "^ \|^$" $OUT/gpu_smoke.log | grep -E "^(step|stopping|final|Serial|Total|Code|peak|model_params|seed|world)" | tail -25
python3 - <<PY
import sys; sys.path.insert(0, "$SRC/python"); import rules
print(rules.check("$OUT/run/trace", open("$OUT/gpu_smoke.log").read()))
PY
cp $OUT/run/trace/rank0.jsonl $OUT/gpu_trace_rank0.jsonl
V=$SRC/data/sp1024_synth/dataset/fineweb_val_000000.bin
for k in a b; do REFEREE_EVAL_ONLY=1 REFEREE_EVAL_SHARD=$V REFEREE_EVAL_OUT=$OUT/probe_$k REFEREE_DIST_POSITIONS=5,30000 python3 $S; echo "probe $k rc=$?"; done
python3 - <<PY
import json, math, struct
def load(k):
    raw = open("$OUT/probe_%s/nll.f64" % k, "rb").read()
    nll = struct.unpack("<%dd" % (len(raw)//8), raw)
    d = {o["pos"]: o["probs"] for o in map(json.loads, open("$OUT/probe_%s/dists.jsonl" % k))}
    return nll, d
na, da = load("a"); nb, db = load("b")
print("probe n", len(na), "mean nll", sum(na)/len(na), "max |a-b|", max(abs(x-y) for x, y in zip(na, nb)))
for p in (5, 30000): print(p, "psum", sum(da[p]), "nll", na[p-1], "-lnp", -math.log(da[p][int(__import__('numpy').fromfile("$V", dtype="<u2", offset=1024)[p])]))
PY
python3 - <<PY
import numpy as np
t = np.fromfile("$V", dtype="<u2", offset=1024).copy(); t[30000] = (t[30000] + 1) % 1024
h = np.zeros(256, dtype="<i4"); h[:3] = [20240520, 1, len(t)]
open("$OUT/flip.bin", "wb").write(h.tobytes() + t.astype("<u2").tobytes())
PY
REFEREE_EVAL_ONLY=1 REFEREE_EVAL_SHARD=$OUT/flip.bin REFEREE_EVAL_OUT=$OUT/probe_f REFEREE_DIST_POSITIONS=30000 python3 $S; echo "probe flip rc=$?"
python3 - <<PY
import json, struct
def nll(k):
    raw = open("$OUT/probe_%s/nll.f64" % k, "rb").read(); return struct.unpack("<%dd" % (len(raw)//8), raw)
a, f = nll("a"), nll("f")
da = [json.loads(l) for l in open("$OUT/probe_a/dists.jsonl")][1]["probs"]
df = [json.loads(l) for l in open("$OUT/probe_f/dists.jsonl")][0]["probs"]
print("target-flip: prefix max diff", max(abs(x - y) for x, y in zip(a[:29999], f[:29999])),
      "dist@30000 max diff", max(abs(x - y) for x, y in zip(da, df)), "nll@30000", a[29999], f[29999])
PY
rm -rf $OUT/probe_a $OUT/probe_b $OUT/probe_f $OUT/flip.bin
mkdir -p $OUT/ddp && cd $OUT/ddp
CUDA_VISIBLE_DEVICES= REFEREE_TRACE_DIR=$OUT/ddp/trace ITERATIONS=3 NUM_LAYERS=2 TRAIN_BATCH_TOKENS=4096 VAL_LOSS_EVERY=0 timeout 300 torchrun --standalone --nproc_per_node=2 $S > $OUT/ddp_cpu_gloo.log 2>&1; echo "ddp rc=$?"
tail -4 $OUT/ddp_cpu_gloo.log
python3 - <<PY
import sys; sys.path.insert(0, "$SRC/python"); import rules
print(rules.check("$OUT/ddp/trace", open("$OUT/ddp_cpu_gloo.log").read()))
PY
rm -rf $OUT/run $OUT/ddp
