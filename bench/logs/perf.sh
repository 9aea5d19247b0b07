#!/usr/bin/env bash
# Issue-15 log rows of BENCHMARKS.md ("Log reading and audit, issue 15"): each row times Referee
# against a named reference in the same run, A B A B …, and prints the median CPU seconds
# (user + sys, /usr/bin/time), the peak RSS of each and the median of the per-pair ratios.
#
#   bench/logs/perf.sh [runs=5] [workdir=/tmp/referee-bench-logs]
#
# Rows:
#   1. log reading, 1 GB log of 4 appended runs: `logbench scores` (LogReader alone, built by
#      bench/logs/build-logbench.sh) against bench/logs/final_scores.py --plain (line-by-line
#      Python regexes; checked to print the same `seed val_bpb` lines) and against `cat`;
#   2. `referee audit --format json` of the same log (reader + SHA-256 + stamp scan + rules)
#      against the same Python;
#   3. 600 record folders (the sample records copied 600 times) audited against
#      bench/audit/extract_all.py over their logs and jsons; 60 vs 600 folders for memory;
#   4. hostile inputs, one run each: logs of 20,000 / 40,000 / 80,000 appended 3-line runs
#      (audit CPU and peak RSS: the per-run memory of issue 13), `logbench stream` of a log of
#      1,850,000 appended runs (the reader alone keeps no run), a 100 MB single line.
# Needs python3, swiftc and the sample records under SAMPLES
# (default /work/shared/samples/parameter-golf-records).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
WORK=${2:-/tmp/referee-bench-logs}
SAMPLES=${SAMPLES:-/work/shared/samples/parameter-golf-records}
mkdir -p "$WORK"
export REFEREE_RULES_DIR="$PWD/Rules"

echo "== machine: $(date -u +'%Y-%m-%d %H:%M UTC'), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD)"
swift build -c release --product referee >/dev/null
BIN=$(swift build -c release --show-bin-path)/referee
bench/logs/build-logbench.sh . "$WORK/logbench" >/dev/null

pair() {  # pair NAME "A command" "B command": A is Referee, B the reference
    local name=$1 a=$2 b=$3 i
    : >"$WORK/a.t"; : >"$WORK/b.t"
    for i in $(seq "$RUNS"); do
        /usr/bin/time -a -o "$WORK/a.t" -f "%U %S %M" sh -c "$a" >/dev/null 2>&1 || true
        /usr/bin/time -a -o "$WORK/b.t" -f "%U %S %M" sh -c "$b" >/dev/null 2>&1 || true
    done
    python3 - "$name" "$WORK/a.t" "$WORK/b.t" <<'PY'
import statistics, sys
def rows(p):
    out = []
    for line in open(p):
        parts = line.split()
        if len(parts) == 3 and parts[0][0].isdigit():
            out.append((float(parts[0]) + float(parts[1]), int(parts[2])))
    return out
a, b = rows(sys.argv[2]), rows(sys.argv[3])
ratios = [x[0] / y[0] for x, y in zip(a, b) if y[0] > 0]
ma, mb = statistics.median(x[0] for x in a), statistics.median(x[0] for x in b)
print(f"{sys.argv[1]}: referee {ma:.3f} s CPU (peak {max(x[1] for x in a)/1024:.1f} MB), "
      f"reference {mb:.3f} s CPU (peak {max(x[1] for x in b)/1024:.1f} MB), "
      f"ratio referee/reference {statistics.median(ratios):.3f} (median of {len(ratios)} pairs; {mb/ma:.2f}x faster)")
PY
}
one() {  # one NAME command: CPU seconds, peak RSS, exit status of one run
    local name=$1; shift
    /usr/bin/time -o "$WORK/one.t" -f "%U %S %M %x" "$@" >/dev/null 2>&1 || true
    # /usr/bin/time writes "Command exited with non-zero status N" first when the exit is not 0
    # (an audit that fails a rule exits 1): the figures are on the last line.
    read -r u s m x < <(tail -n1 "$WORK/one.t") || true
    python3 -c "import sys; u,s,m,x=sys.argv[2:6]; print(f'{sys.argv[1]}: {float(u)+float(s):.2f} s CPU, peak {int(m)/1024:.1f} MB, exit {x}')" "$name" "$u" "$s" "$m" "$x"
}

echo "== 1-2. log reading and audit, 1 GB log of 4 appended runs"
LOG="$WORK/big1g.log"
[ -f "$LOG" ] || python3 bench/logs/make_big_log.py --out "$LOG" --size-mb 1024 --runs 4
diff <("$WORK/logbench" scores "$LOG") <(python3 bench/logs/final_scores.py --plain "$LOG") >/dev/null \
    || { echo "final scores differ between LogReader and the Python reference" >&2; exit 1; }
pair "log 1 GB: LogReader vs plain regex" "$WORK/logbench scores $LOG" "python3 bench/logs/final_scores.py --plain $LOG"
pair "log 1 GB: LogReader vs cat" "$WORK/logbench scores $LOG" "cat $LOG"
pair "log 1 GB: referee audit vs plain regex" "$BIN audit --format json $LOG" "python3 bench/logs/final_scores.py --plain $LOG"

echo "== 3. audit of 600 record folders (copies of the sample records)"
MANY="$WORK/many"
if [ ! -d "$MANY" ]; then
    mapfile -t dirs < <(ls -d "$SAMPLES"/*/*)
    for i in $(seq 0 599); do
        d=${dirs[$((i % ${#dirs[@]}))]}
        t=$(basename "$(dirname "$d")"); mkdir -p "$MANY/$t"; cp -r "$d" "$MANY/$t/$(basename "$d")-$i"
    done
fi
mapfile -t recs < <(ls -d "$MANY"/*/*)
find "${recs[@]}" -type f \( -name '*.log' -o -name '*.txt' -o -name '*.json' \) | sort >"$WORK/files.txt"
printf '%s\n' "${recs[@]}" >"$WORK/recs.txt"
echo "$(wc -l <"$WORK/recs.txt") folders, $(wc -l <"$WORK/files.txt") files, $(du -shL "$MANY" | cut -f1)"
pair "audit 600 folders (json)" "xargs $BIN audit --format json <$WORK/recs.txt" "xargs python3 bench/audit/extract_all.py <$WORK/files.txt"
pair "audit 60 vs 600 folders (memory)" "head -60 $WORK/recs.txt | xargs $BIN audit --format json" "xargs $BIN audit --format json <$WORK/recs.txt"

echo "== 4. hostile inputs (one run each)"
runs_log() {  # runs_log FILE N: N appended runs of 3 lines (seed, step, final score)
    python3 - "$1" "$2" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w", buffering=1 << 22) as f:
    for i in range(n):
        f.write(f"seed:{i}\nstep:1/10 train_loss:2.5 train_time:10ms\nfinal_int8_zlib_roundtrip_exact val_loss:2.0 val_bpb:1.2{i % 10}\n")
PY
}
for n in 20000 40000 80000; do
    [ -f "$WORK/runs$n.log" ] || runs_log "$WORK/runs$n.log" $n
    one "audit, $n appended runs ($(stat -c %s "$WORK/runs$n.log") bytes), json" "$BIN" audit --format json "$WORK/runs$n.log"
    one "audit, $n appended runs, text" "$BIN" audit --format text "$WORK/runs$n.log"
done
[ -f "$WORK/runs1850000.log" ] || runs_log "$WORK/runs1850000.log" 1850000
one "LogReader.read(eachRun:), 1,850,000 appended runs ($(stat -c %s "$WORK/runs1850000.log") bytes)" "$WORK/logbench" stream "$WORK/runs1850000.log"
[ -f "$WORK/line100m.log" ] || python3 -c "
import sys
with open(sys.argv[1], 'w') as f:
    f.write('seed:1\n'); f.write('step:1/2 train_loss:2.5 ' + 'x' * 100_000_000 + '\n')
    f.write('final_int8_zlib_roundtrip_exact val_loss:2.0 val_bpb:1.25\n')" "$WORK/line100m.log"
one "audit, one 100 MB line" "$BIN" audit --format json "$WORK/line100m.log"
one "cat, one 100 MB line" cat "$WORK/line100m.log"
