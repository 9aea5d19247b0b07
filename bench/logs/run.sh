#!/usr/bin/env bash
# Times log extraction on a synthetic 1 GB log: `cat` (the I/O floor), the Python regex reference
# (bench/logs/extract.py) and, when REFEREE_CMD is set, Referee's release CLI with the log path
# appended (e.g. REFEREE_CMD=".build/release/referee audit --log").
#   bench/logs/run.sh [size_mb] [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
size="${1:-1024}"
runs="${2:-1}"
log="${TMPDIR:-/tmp}/referee-bench-${size}mb-${runs}runs.log"
[ -f "$log" ] || python3 "$here/make_big_log.py" --out "$log" --size-mb "$size" --runs "$runs"
ls -l "$log"
t() { local start end; start=$(date +%s.%N); "$@" > /dev/null; end=$(date +%s.%N); echo "$(echo "$end - $start" | bc) s  $*"; }
t cat "$log"
t python3 "$here/extract.py" "$log"
if [ -n "${REFEREE_CMD:-}" ]; then
  # shellcheck disable=SC2086
  t $REFEREE_CMD "$log"
fi
