#!/usr/bin/env bash
# Issue-15 rows for trace analysis and sign / verify (BENCHMARKS.md, "Performance (issue 15)"),
# each timed against an independent reference in the same run, A B A B …, medians of CPU
# seconds (user + sys, /usr/bin/time) and the median of the per-pair ratios.
#
#   bench/perf/trace-bundle.sh [--bundle-only] [runs=5] [workdir=/tmp/referee-bench-perf]
#   ONLY=trace bench/perf/trace-bundle.sh …   the trace rows alone (no release build of the CLI)
#   CALLGRIND=1 …                             also instructions per line of the analysis
#                                             (valgrind callgrind, 100,004 lines; repeatable)
#   BASE=DIR …                                also the same harness built from the checkout DIR
#                                             (e.g. `git archive <commit> | tar -x -C DIR`),
#                                             paired against this one: before / after in one run
#   --bundle-only                             the sign / verify rows alone (no trace build, no trace rows)
#   BEFORE_BIN=/path/to/referee …             also that binary's sign / verify in the same run (e.g. a
#                                             release build of main before a change), each against the same reference
#
# Trace analysis: bench/trace/TraceBench.swift (TraceAnalyzer.analyse, swiftc -O -wmo) on
# `bench/gen-trace.py 400000 4` (400,004 hash-chained lines) against bench/trace/check_trace.py
# (plain Python: hashlib, json, heapq, bisect; written from docs/protocol.md); both summaries
# must agree. The hash chain's floor: bench/trace/hash_lines.c (libcrypto only, every line).
# Sign / verify: `referee sign` / `referee verify --key` of a record of 10,000 small files (plus
# a sample record) against `find . -type f -print0 | xargs -0 openssl dgst -sha256` over the same
# files; and bench/bundle/BundleBench.swift (the same signer and verifier with a fixed audit:
# everything but re-running the audit). Needs python3, openssl, cc, swiftc.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUNDLE_ONLY=0
if [ "${1:-}" = "--bundle-only" ]; then BUNDLE_ONLY=1; shift; fi
RUNS=${1:-5}
WORK=${2:-/tmp/referee-bench-perf}
SAMPLES=${SAMPLES:-/work/shared/samples/parameter-golf-records}
mkdir -p "$WORK"
export REFEREE_RULES_DIR="$PWD/Rules"

ONLY=${ONLY:-}
echo "== machine: $(date -u +'%Y-%m-%d %H:%M UTC'), nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD)"
if [ "$BUNDLE_ONLY" = 0 ]; then
    bench/trace/build-tracebench.sh . "$WORK/tracebench" >/dev/null
    cc -O2 bench/trace/hash_lines.c -lcrypto -o "$WORK/hash_lines"
fi
if [ "$ONLY" != trace ]; then
swift build -c release --product referee >/dev/null
BIN=$(swift build -c release --show-bin-path)/referee
# BundleBench against the release objects (the package name is the checkout folder's).
REL=$(swift build -c release --show-bin-path)
objs=$(ls "$REL"/RefereeCore.build/*.o "$REL"/RefereeCrypto.build/*.o "$REL"/RefereeAudit.build/*.o "$REL"/RefereeLogs.build/*.o \
          "$REL"/RefereeTrace.build/*.o "$REL"/RefereeData.build/*.o "$REL"/RefereeBundle.build/*.o)
# shellcheck disable=SC2086
swiftc -O -package-name "$(basename "$PWD" | tr '[:upper:]-' '[:lower:]_')" -o "$WORK/bundle-bench" bench/bundle/BundleBench.swift \
    -I "$REL/Modules" -Xcc -fmodule-map-file=Sources/COpenSSL/module.modulemap $objs -lcrypto
fi

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

if [ "$BUNDLE_ONLY" = 0 ]; then
echo "== trace analysis, 4 ranks, 400,004 lines"
TR="$WORK/trace400k/traces/seed1"
[ -d "$TR" ] || python3 bench/gen-trace.py 400000 4 "$TR" >/dev/null
summary=$("$WORK/tracebench" "$TR" 2>/dev/null | python3 -c "
import json, sys; f = json.load(sys.stdin)
print('lines=%d malformed=%d chain=%d score=%d update=%d tokens=%d overlaps=%d order=%d unscored=%d uncovered=%d' % (
    f['lineCount'], f['malformed']['count'], f['chainBreaks']['count'], f['scoreEvents'], f['updateEvents'], f['tokenSum'],
    f['overlaps']['count'], f['outOfOrder']['count'], f['unscoredReads']['count'], f['uncoveredPositions']))")
reference=$(python3 bench/trace/check_trace.py "$TR")
[ "$summary" = "$reference" ] || { echo "trace summaries differ: referee '$summary', python '$reference'" >&2; exit 1; }
echo "same summary: $summary"
pair "trace analysis vs plain Python" "$WORK/tracebench $TR" "python3 bench/trace/check_trace.py $TR"
if [ -n "${BASE:-}" ]; then
    bench/trace/build-tracebench.sh "$BASE" "$WORK/tracebench-base" >/dev/null
    before=$("$WORK/tracebench-base" "$TR" 2>/dev/null)
    [ "$before" = "$("$WORK/tracebench" "$TR" 2>/dev/null)" ] || { echo "TraceFacts differ from BASE's" >&2; exit 1; }
    echo "same TraceFacts as BASE ($BASE)"
    pair "trace analysis now vs BASE" "$WORK/tracebench $TR" "$WORK/tracebench-base $TR"
    echo "BASE analysis alone:"
    for i in $(seq "$RUNS"); do "$WORK/tracebench-base" "$TR" 2>&1 >/dev/null; done
fi
echo "analysis alone (CPU of TraceAnalyzer.analyse inside the process), then the hash chain's floor:"
for i in $(seq "$RUNS"); do "$WORK/tracebench" "$TR" 2>&1 >/dev/null; "$WORK/hash_lines" "$TR"/rank*.jsonl; done | tee "$WORK/alone.t"
python3 - "$WORK/alone.t" <<'PY'
import re, statistics, sys
text = open(sys.argv[1]).read()
runs = [(int(n), float(c)) for n, c in re.findall(r"(\d+) lines in [\d.]+ s wall, ([\d.]+) s CPU", text)]
floor = [float(c) for c in re.findall(r"lines hashed in ([\d.]+) s CPU", text)]
lines, cpu = runs[0][0], statistics.median(c for _, c in runs)
h = statistics.median(floor)
print(f"analysis alone: median {cpu:.3f} s CPU (min {min(c for _, c in runs):.3f}, max {max(c for _, c in runs):.3f}) = "
      f"{lines / cpu / 1e6:.2f} M lines/s, {cpu / lines * 1e9:.0f} ns per line; goal 2.5 M lines/s: "
      f"{'met' if lines / cpu >= 2.5e6 else 'not met'}")
print(f"hash chain alone (hash_lines.c): median {h:.3f} s CPU = {h / lines * 1e9:.0f} ns per line, {h / cpu:.0%} of the analysis")
PY
if [ -n "${CALLGRIND:-}" ] && command -v valgrind >/dev/null; then
    TS="$WORK/trace100k/traces/seed1"
    [ -d "$TS" ] || python3 bench/gen-trace.py 100000 4 "$TS" >/dev/null
    for build in tracebench ${BASE:+tracebench-base}; do
        valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" "$WORK/$build" "$TS" >/dev/null 2>"$WORK/callgrind.err"
        python3 - "$WORK/callgrind.err" "$build" <<'PY'
import re, sys
ir = int(re.search(r"refs:\s+([\d,]+)", open(sys.argv[1]).read()).group(1).replace(",", ""))
print(f"callgrind, {sys.argv[2]}, whole process on 100,004 lines: {ir:,} instructions = {ir / 100004:,.0f} per line "
      "(SHA-256 runs without SHA-NI under valgrind: about 6,700 of them)")
PY
    done
fi
[ "$ONLY" = trace ] && exit 0
fi

echo "== sign / verify of a record of 10,000 small files"
REC="$WORK/rec10k/track_10min_16mb/rec"
if [ ! -d "$REC" ]; then
    mkdir -p "$(dirname "$REC")"; cp -r "$SAMPLES/track_10min_16mb/2026-03-17_NaiveBaseline" "$REC"
    python3 -c "
import os, sys
for i in range(10000):
    d = os.path.join(sys.argv[1], 'files', 'd%02d' % (i % 100)); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, 'f%05d.txt' % i), 'w').write('small file %d\n' % i * 20)
" "$REC"
fi
[ -f "$WORK/key" ] || "$BIN" keygen --out "$WORK/key" >/dev/null
OPENSSL="cd $REC && find . -type f -print0 | xargs -0 openssl dgst -sha256"
pair "sign 10k files" "rm -f $REC/referee.bundle.json $REC/referee.pub.pem; $BIN sign $REC --key $WORK/key" "$OPENSSL"
"$BIN" verify "$REC" --key "$WORK/key.pub" >/dev/null || { echo "verify failed" >&2; exit 1; }
pair "verify 10k files" "$BIN verify $REC --key $WORK/key.pub" "$OPENSSL"
if [ -n "${BEFORE_BIN:-}" ]; then
    pair "sign 10k files, BEFORE_BIN" "rm -f $REC/referee.bundle.json $REC/referee.pub.pem; $BEFORE_BIN sign $REC --key $WORK/key" "$OPENSSL"
    "$BEFORE_BIN" verify "$REC" --key "$WORK/key.pub" >/dev/null || { echo "verify (BEFORE_BIN) failed" >&2; exit 1; }
    pair "verify 10k files, BEFORE_BIN" "$BEFORE_BIN verify $REC --key $WORK/key.pub" "$OPENSSL"
fi
# `referee audit` walks and reads the folder itself; sign and verify audit the snapshot they
# hashed instead (docs/bundle.md), so this row is no longer a part of them.
pair "referee audit of the folder, same record" "$BIN audit --format json $REC" "$OPENSSL"
echo "sign / verify without the audit (BundleBench, fixed audit; CPU seconds in the process):"
for i in $(seq "$RUNS"); do "$WORK/bundle-bench" signverify "$REC" | tr '\n' ' '; echo; done
rm -f "$REC/referee.bundle.json" "$REC/referee.pub.pem"
