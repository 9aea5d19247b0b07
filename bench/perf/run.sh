#!/usr/bin/env bash
# Issue-15 performance benchmarks (BENCHMARKS.md, "Performance (issue 15)"): each row times
# Referee against a named reference in the same run, A B A B …, and prints median CPU seconds
# (user + sys, /usr/bin/time) and peak RSS of each, and their ratio.
#
#   bench/perf/run.sh [runs=5] [workdir=/tmp/referee-bench-perf]
#
# Rows: log reading (1 GB, 4 runs; bench/logs/final_scores.py --plain), 600 record folders
# audited (bench/audit/extract_all.py), trace writing (python/referee_probe.py, µs per event),
# trace analysis and sign/verify of 10,000 small files (bench/perf/trace-bundle.sh: against a
# plain Python checker and `openssl dgst -sha256` over the same files). Needs python3, openssl, swiftc; the sample
# records under SAMPLES (default /work/shared/samples/parameter-golf-records) for the audit row.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
WORK=${2:-/tmp/referee-bench-perf}
SAMPLES=${SAMPLES:-/work/shared/samples/parameter-golf-records}
mkdir -p "$WORK"
export REFEREE_RULES_DIR="$PWD/Rules"

echo "== machine: $(date -u +'%Y-%m-%d %H:%M UTC'), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
swift build -c release --product referee >/dev/null
BIN=$(swift build -c release --show-bin-path)/referee
bench/logs/build-logbench.sh . "$WORK/logbench" >/dev/null

# median CPU seconds and peak KB of RUNS runs of a command, alternating with a reference.
pair() {  # pair NAME "A command" "B command"
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

echo "== log reading, 1 GB log of 4 appended runs"
LOG="$WORK/big1g.log"
[ -f "$LOG" ] || python3 bench/logs/make_big_log.py --out "$LOG" --size-mb 1024 --runs 4
diff <("$WORK/logbench" scores "$LOG") <(python3 bench/logs/final_scores.py --plain "$LOG") >/dev/null \
    || { echo "final scores differ between LogReader and the Python reference" >&2; exit 1; }
pair "log 1 GB vs plain regex" "$WORK/logbench scores $LOG" "python3 bench/logs/final_scores.py --plain $LOG"
pair "log 1 GB vs prefiltered regex" "$WORK/logbench scores $LOG" "python3 bench/logs/final_scores.py $LOG"
pair "log 1 GB vs cat" "$WORK/logbench scores $LOG" "cat $LOG"

echo "== audit of 600 record folders (copies of the sample records)"
MANY="$WORK/many"
if [ ! -d "$MANY" ]; then
    mapfile -t dirs < <(ls -d "$SAMPLES"/*/*)
    for i in $(seq 0 599); do
        d=${dirs[$((i % ${#dirs[@]}))]}
        t=$(basename "$(dirname "$d")"); mkdir -p "$MANY/$t"; cp -r "$d" "$MANY/$t/$(basename "$d")-$i"
    done
fi
mapfile -t recs < <(ls -d "$MANY"/*/*)
mapfile -t files < <(find "${recs[@]}" -type f \( -name '*.log' -o -name '*.txt' -o -name '*.json' \) | sort)
printf '%s\n' "${files[@]}" >"$WORK/files.txt"
printf '%s\n' "${recs[@]}" >"$WORK/recs.txt"
pair "audit 600 folders (json)" "xargs $BIN audit --format json <$WORK/recs.txt" "xargs python3 bench/audit/extract_all.py <$WORK/files.txt"
pair "audit 60 vs 600 folders (memory)" "head -60 $WORK/recs.txt | xargs $BIN audit --format json" "xargs $BIN audit --format json <$WORK/recs.txt"

echo "== trace writing (python/referee_probe.py), µs per score event on an open file"
python3 bench/perf/trace_write.py 100000

# Trace analysis and sign / verify, each against an independent reference (their own script).
bench/perf/trace-bundle.sh "$RUNS" "$WORK"
