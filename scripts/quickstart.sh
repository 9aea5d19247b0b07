#!/usr/bin/env bash
# Referee in one command: install dependencies, build, run the CPU reference submission with
# three seeds through `referee run`, sign it with a fresh key, verify it, and print the verdict.
#   bash scripts/quickstart.sh            (environment: TRACK, SEEDS, OUT to override)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

bash scripts/install-deps.sh
swift build -c release
BIN="$ROOT/.build/release/referee"
export REFEREE_HOME="$ROOT"   # where python/referee_probe.py lives

TRACK="${TRACK:-track_non_record_16mb}"
SEEDS="${SEEDS:-1337,42,2025}"
OUT="${OUT:-$ROOT/.referee/runs/$(date -u +%Y%m%dT%H%M%SZ)_reference_cpu}"
KEYDIR="$ROOT/.referee"
KEY="$KEYDIR/quickstart.pem"
mkdir -p "$KEYDIR"
rm -f "$KEY" "$KEY.pub"
"$BIN" keygen --out "$KEY"

DATA="$ROOT/data/sp1024_synth"
set +e
"$BIN" run "$ROOT/submissions/reference_cpu" \
    --seeds "$SEEDS" \
    --track "$TRACK" \
    --data-path "$DATA/dataset" \
    --tokenizer-path "$DATA/tokenizer/synth_1024_bpe.model" \
    --heldout-shards "$DATA/heldout" \
    --key "$KEY" \
    --out "$OUT"
run_rc=$?
"$BIN" verify "$OUT" --key "$KEY.pub"
verify_rc=$?
set -e

verdict=$("$BIN" audit "$OUT" --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["records"][0]["verdict"])' || echo "unknown")

echo
echo "record:  $OUT"
echo "verdict: $verdict (audit of the record; referee run exit $run_rc, referee verify exit $verify_rc)"
if [ "$run_rc" -ne 0 ] || [ "$verify_rc" -ne 0 ] || [ "$verdict" != "pass" ]; then
    exit 1
fi
