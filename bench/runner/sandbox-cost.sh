#!/usr/bin/env bash
# The sandbox's start-up cost per run: `referee run` of a submission that does almost nothing
# (writes a 1 KB artifact and a score line), sandboxed (default) against --no-sandbox, paired
# runs through farm-bench. Both include everything else referee run does (environment capture,
# data hashing, audit, report), so the difference is the sandbox's: the probe of the kernel, the
# clone into namespaces, the mounts, the init, and the copy of the declared outputs.
#   bash bench/runner/sandbox-cost.sh [runs=10]      (REFEREE=path, default .build-release/release/referee)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
RUNS="${1:-10}"
REFEREE="${REFEREE:-$ROOT/.build-release/release/referee}"
[ -x "$REFEREE" ] || swift build -c release --scratch-path .build-release --product referee
WORK="$(mktemp -d /var/tmp/referee-sandbox-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/sub"
cat > "$WORK/sub/train_gpt.py" <<'PY'
open("final_model.ptz", "wb").write(bytes(1024))
print("Serialized model: 1024 bytes")
print("final_int8_zlib_roundtrip_exact val_loss:2.00000000 val_bpb:1.20000000")
PY
run() { echo "$REFEREE run $WORK/sub --seeds 1 --track track_non_record_16mb --no-probes --out \$(mktemp -u $WORK/rec.XXXXXX) $1"; }
REFEREE_HOME="$ROOT" farm-bench -n "$RUNS" --timeout 600 --vs "sh -c '$(run --no-sandbox) >/dev/null 2>&1'" -- sh -c "$(run "") >/dev/null 2>&1"
