#!/usr/bin/env bash
# Worst inputs of issue 13 against `referee audit`: wall time and peak RSS of each.
#
#   bench/hostile/run.sh [REFEREE_BINARY]     default: builds the release CLI into .build-release
#
# Cases (each a copy of the clean fixture record plus one hostile file, in a temporary folder):
#   helper-1g      a 1 GiB helper script (sparse file) in the record
#   trace-asc-1m   traces/seed42/rank0.jsonl: 1,000,000 disjoint score ranges, ascending
#   trace-desc-1m  the same ranges in descending order (was > 60 s with a sorted array)
#   trace-9e15     2,000 score events spanning ±9e15 positions (was a trap)
#   dev-zero       rank0.jsonl -> /dev/zero (was a hang)
# Prints one line per case: exit status, wall seconds, CPU seconds (user+sys), peak RSS in MiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${1:-}"
if [ -z "$BIN" ]; then
    swift build -c release --scratch-path .build-release --product referee >/dev/null
    BIN=.build-release/release/referee
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fresh() {
    rm -rf "$WORK/track_10min_16mb"
    mkdir -p "$WORK/track_10min_16mb"
    cp -r Tests/Fixtures/report/cheaters/track_10min_16mb/clean "$WORK/track_10min_16mb/rec"
    echo "$WORK/track_10min_16mb/rec"
}
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{sys.argv[1]:<14} exit {r.returncode:<3} wall {wall:7.2f} s  user+sys {u.ru_utime + u.ru_stime:7.2f} s  peak RSS {u.ru_maxrss / 1024:7.1f} MiB")
PY
}
trace() {  # trace FILE ORDER COUNT
    python3 - "$@" <<'PY'
import sys
path, order, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
z = "0" * 64
ks = range(n) if order == "asc" else range(n - 1, -1, -1)
with open(path, "w") as f:
    f.write('{"v":1,"seq":0,"rank":0,"t":1.0,"prev":"%s","ev":"phase","name":"eval_start","val_tokens":%d,"world_size":1}\n' % (z, 2 * n + 1))
    for s, k in enumerate(ks, 1):
        f.write('{"v":1,"seq":%d,"rank":0,"t":%d.0,"prev":"%s","ev":"score","start":%d,"end":%d,"nll":1.0,"bytes":1.0,"psum_min":1.0,"psum_max":1.0}\n' % (s, s + 1, z, 2 * k + 1, 2 * k + 2))
PY
}
REC=$(fresh); python3 -c "import os; f=open('$REC/helper.py','wb'); f.truncate(1<<30)"
measure helper-1g "$BIN" audit "$REC"
REC=$(fresh); mkdir -p "$REC/traces/seed42"; trace "$REC/traces/seed42/rank0.jsonl" asc 1000000
measure trace-asc-1m "$BIN" audit "$REC"
REC=$(fresh); mkdir -p "$REC/traces/seed42"; trace "$REC/traces/seed42/rank0.jsonl" desc 1000000
measure trace-desc-1m "$BIN" audit "$REC"
REC=$(fresh); mkdir -p "$REC/traces/seed42"
python3 - "$REC/traces/seed42/rank0.jsonl" <<'PY'
import sys
z = "0" * 64
with open(sys.argv[1], "w") as f:
    f.write('{"v":1,"seq":0,"rank":0,"t":1.0,"prev":"%s","ev":"phase","name":"eval_start","val_tokens":8999999999999999,"world_size":1}\n' % z)
    for k in range(1, 2001):
        s, e = (-8999999999999999, 8999999999999999) if k % 2 == 0 else (1, 8999999999999999)
        f.write('{"v":1,"seq":%d,"rank":0,"t":%d.0,"prev":"%s","ev":"score","start":%d,"end":%d,"nll":1.0,"bytes":1.0,"psum_min":1.0,"psum_max":1.0}\n' % (k, k + 1, z, s, e))
PY
measure trace-9e15 "$BIN" audit "$REC"
REC=$(fresh); mkdir -p "$REC/traces/seed42"; ln -s /dev/zero "$REC/traces/seed42/rank0.jsonl"
measure dev-zero timeout 60 "$BIN" audit "$REC"
