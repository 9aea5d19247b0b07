#!/usr/bin/env bash
# Audit benchmark (BENCHMARKS.md, "Audit"): times the release `referee audit --format json` over
# every sample record folder against `cat` of the same files and against the Python regex
# reference (bench/audit/extract_all.py, which runs bench/logs/extract.py on each log), then
# measures the peak RSS of `referee audit` on a 1 GB synthetic log.
#
#   bench/audit/run.sh [runs=10] [size_mb=1024]
#
# Env: SAMPLES (default /work/shared/samples/parameter-golf-records), BIG_LOG (default
# /tmp/referee-bench-audit-<size>mb.log, deleted at exit), BIG_PYTHON=1 also times the Python
# reference on the big log (about 3 minutes of CPU per GB), NO_HYPERFINE=1 forces the fallback
# loop. Needs python3; uses hyperfine when
# installed (apt-get install -y hyperfine), else a loop of /usr/bin/time runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-10}
SIZE=${2:-1024}
SAMPLES=${SAMPLES:-/work/shared/samples/parameter-golf-records}
BIG_LOG=${BIG_LOG:-/tmp/referee-bench-audit-${SIZE}mb.log}
WORK=$(mktemp -d /tmp/referee-bench-audit.XXXXXX)
trap 'rm -rf "$WORK" "$BIG_LOG"' EXIT

echo "== machine"
date -u +"%Y-%m-%d %H:%M UTC"
echo "nproc: $(nproc)   cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1)   $(uname -m)"
echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')   load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(swift --version 2>&1 | head -1)"
echo "$(python3 --version)"

echo "== build (release)"
swift build -c release --scratch-path .build-release --product referee >"$WORK/build.log" 2>&1 \
  || { tail -20 "$WORK/build.log"; exit 1; }
BIN=$(swift build -c release --scratch-path .build-release --show-bin-path)/referee

records=()
for d in "$SAMPLES"/*/*; do [ -d "$d" ] && records+=("$d"); done
[ ${#records[@]} -gt 0 ] || { echo "no record folders under $SAMPLES" >&2; exit 2; }
# The files the auditor reads in these folders: logs (*.log, *.txt) and submission*.json.
mapfile -t files < <(find "${records[@]}" -type f \( -name '*.log' -o -name '*.txt' -o -name '*.json' \) | sort)
bytes=$(cat "${files[@]}" | wc -c)
echo "== inputs: ${#records[@]} record folders, ${#files[@]} files, $bytes bytes"

# Sanity: the audit must run (exit 0 or 1 = rules evaluated; 2 = bad input) and give one JSON
# record per folder; the Python reference must extract at least one run per log.
set +e; "$BIN" audit --format json "${records[@]}" >"$WORK/audit.json"; rc=$?; set -e
[ $rc -le 1 ] || { echo "referee audit failed with exit $rc" >&2; exit 1; }
python3 - "$WORK/audit.json" ${#records[@]} <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = len(d["records"]); runs = sum(len(r["runs"]) for r in d["records"])
assert n == int(sys.argv[2]), f"referee audit gave {n} records, expected {sys.argv[2]}"
print(f"referee audit: {n} records, {runs} runs, verdicts " +
      ", ".join(f"{v}={sum(r['verdict'] == v for r in d['records'])}" for v in ("pass", "fail", "incomplete")))
PY
python3 bench/audit/extract_all.py "${files[@]}" >"$WORK/python.jsonl"
echo "python reference: $(grep -c '"first_line"' "$WORK/python.jsonl") runs extracted"

echo "== audit of all sample records ($RUNS runs each, warm cache)"
if [ "${NO_HYPERFINE:-0}" != 1 ] && command -v hyperfine >/dev/null; then
  hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$WORK/hf.json" \
    -n referee "$BIN audit --format json ${records[*]}" \
    -n cat "cat ${files[*]}" \
    -n python "python3 bench/audit/extract_all.py ${files[*]}" \
    -n referee-start "$BIN --version" -n python-start "python3 -c pass" >"$WORK/hf.txt"
else
  python3 - "$WORK/hf.json" "$RUNS" "$BIN" "${#records[@]}" "${records[@]}" "${files[@]}" <<'PY'
import json, resource, subprocess, sys, time
out, runs, binary, nrec = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
records, files = sys.argv[5:5 + nrec], sys.argv[5 + nrec:]
cmds = {"referee": [binary, "audit", "--format", "json", *records], "cat": ["cat", *files],
        "python": ["python3", "bench/audit/extract_all.py", *files],
        "referee-start": [binary, "--version"], "python-start": ["python3", "-c", "pass"]}
results = []
for name, cmd in cmds.items():
    wall, user, sys_ = [], [], []
    for i in range(runs + 2):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL)
        t1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if i >= 2:
            wall.append(t1 - t0); user.append(r1.ru_utime - r0.ru_utime); sys_.append(r1.ru_stime - r0.ru_stime)
    results.append({"command": name, "mean": sum(wall) / runs, "min": min(wall), "user": sum(user) / runs,
                    "system": sum(sys_) / runs, "times": wall})
json.dump({"results": results}, open(out, "w"))
PY
fi
/usr/bin/time -v "$BIN" audit --format json "${records[@]}" >/dev/null 2>"$WORK/rss.referee" || true
/usr/bin/time -v cat "${files[@]}" >/dev/null 2>"$WORK/rss.cat"
/usr/bin/time -v python3 bench/audit/extract_all.py "${files[@]}" >/dev/null 2>"$WORK/rss.python"
python3 - "$WORK" <<'PY'
import json, re, sys
work = sys.argv[1]
res = {r["command"]: r for r in json.load(open(f"{work}/hf.json"))["results"]}
def rss(name):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{work}/rss.{name}").read())
    return int(m.group(1)) / 1024 if m else float("nan")
print(f"{'command':<8} {'wall mean':>10} {'wall min':>9} {'user':>9} {'sys':>9} {'max RSS':>9}")
for n in ("referee", "cat", "python"):
    r = res[n]
    print(f"{n:<8} {r['mean']*1e3:>8.1f}ms {min(r['times'])*1e3:>7.1f}ms {r['user']*1e3:>7.1f}ms "
          f"{r['system']*1e3:>7.1f}ms {rss(n):>7.1f}MB")
for n in ("referee-start", "python-start"):
    r = res[n]
    print(f"{n:<13} wall mean {r['mean']*1e3:.1f}ms  user {r['user']*1e3:.1f}ms  sys {r['system']*1e3:.1f}ms (process start floor)")
ref = res["referee"]
for n in ("cat", "python"):
    o = res[n]
    print(f"ratio referee / {n}: wall {ref['mean']/o['mean']:.2f}, user+sys "
          f"{(ref['user']+ref['system'])/(o['user']+o['system']):.2f}")
PY

echo "== ${SIZE} MB synthetic log (4 appended runs), one run each"
python3 bench/logs/make_big_log.py --out "$BIG_LOG" --size-mb "$SIZE" --runs 4 >/dev/null
ls -l "$BIG_LOG" | awk '{print $5 " bytes"}'
cat "$BIG_LOG" >/dev/null  # warm the page cache
report() {  # name, /usr/bin/time -v output
  awk -v n="$1" -F': ' '/Elapsed \(wall clock\)/ {w=$2} /User time/ {u=$2} /System time/ {s=$2}
    /Maximum resident set size/ {m=$2} END {printf "%-8s wall %s  user %ss  sys %ss  max RSS %.1f MB\n", n, w, u, s, m/1024}' "$2"
}
/usr/bin/time -v cat "$BIG_LOG" >/dev/null 2>"$WORK/big.cat"
report cat "$WORK/big.cat"
set +e; /usr/bin/time -v "$BIN" audit --format json "$BIG_LOG" >"$WORK/big.json" 2>"$WORK/big.referee"; rc=$?; set -e
[ $rc -le 1 ] || { cat "$WORK/big.referee" >&2; echo "referee audit failed on the big log (exit $rc)" >&2; exit 1; }
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('referee runs found:', len(d['records'][0]['runs']))" "$WORK/big.json"
report referee "$WORK/big.referee"
# Where the peak comes from: poll /proc/PID/status (every 50 ms) for the largest anonymous
# (heap) and file-backed (mapped file pages) resident sizes during a second run.
"$BIN" audit --format json "$BIG_LOG" >/dev/null & pid=$!
python3 - "$pid" <<'PY'
import os, sys, time
pid, peak = sys.argv[1], {"RssAnon": 0, "RssFile": 0, "VmRSS": 0}
while True:
    try:
        for line in open(f"/proc/{pid}/status"):
            k, _, v = line.partition(":")
            if k in peak: peak[k] = max(peak[k], int(v.split()[0]))
        if open(f"/proc/{pid}/stat").read().split(") ")[1][0] == "Z": break
    except (FileNotFoundError, ProcessLookupError):
        break
    time.sleep(0.05)
print("referee  sampled peaks: " + "  ".join(f"{k} {v / 1024:.1f} MB" for k, v in peak.items()))
PY
wait "$pid" || true
if [ "${BIG_PYTHON:-0}" = 1 ]; then
  /usr/bin/time -v python3 bench/logs/extract.py "$BIG_LOG" >/dev/null 2>"$WORK/big.python"
  report python "$WORK/big.python"
fi
