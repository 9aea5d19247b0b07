#!/usr/bin/env bash
# Benchmarks of the bundle module (see docs/benchmarks-bundle.md).
#   1. SHA-256 throughput on a 1 GB file: Referee (RefereeCrypto, release build) against
#      `openssl dgst -sha256` and `sha256sum` on the same file; best of N runs, page cache warm.
#   2. sign + verify of a 16 MB record (16,000,000-byte artifact + logs + script).
# Usage: bench/bundle/run.sh [runs=3] [workdir=/tmp/referee-bench-bundle]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
WORK="${2:-/tmp/referee-bench-bundle}"
mkdir -p "$WORK"

swift build -c release --target RefereeBundle >/dev/null
BIN=.build/release
objs=$(ls "$BIN"/RefereeCore.build/*.o "$BIN"/RefereeCrypto.build/*.o "$BIN"/RefereeAudit.build/*.o \
          "$BIN"/RefereeLogs.build/*.o "$BIN"/RefereeTrace.build/*.o "$BIN"/RefereeData.build/*.o \
          "$BIN"/RefereeBundle.build/*.o)
# shellcheck disable=SC2086
swiftc -O -package-name "$(basename "$PWD" | tr "[:upper:]-" "[:lower:]_")" -o "$WORK/bundle-bench" bench/bundle/BundleBench.swift \
    -I "$BIN/Modules" -Xcc -fmodule-map-file=Sources/COpenSSL/module.modulemap $objs -lcrypto

FILE="$WORK/1GB.bin"
if [ ! -f "$FILE" ] || [ "$(stat -c %s "$FILE")" != 1000000000 ]; then
    head -c 1000000000 /dev/urandom > "$FILE"
fi
cat "$FILE" > /dev/null   # warm the page cache so every tool reads from memory

best() { sort -n | head -1; }
t() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

ref_hex=$(sha256sum "$FILE" | cut -d' ' -f1)
our_hex=$("$WORK/bundle-bench" hash "$FILE" | cut -d' ' -f1)
[ "$ref_hex" = "$our_hex" ] || { echo "digest mismatch: referee $our_hex, sha256sum $ref_hex"; exit 1; }

referee=$(for _ in $(seq "$RUNS"); do "$WORK/bundle-bench" hash "$FILE" | cut -d' ' -f2; done | best)
openssl_t=$(for _ in $(seq "$RUNS"); do t openssl dgst -sha256 "$FILE"; done | best)
sha256sum_t=$(for _ in $(seq "$RUNS"); do t sha256sum "$FILE"; done | best)
mbps() { echo "scale=0; 1000 / $1" | bc -l; }
echo "== SHA-256 of a 1,000,000,000-byte file (best of $RUNS, warm cache)"
printf "referee (RefereeCrypto)  %6.3f s  %5s MB/s\n" "$referee" "$(mbps "$referee")"
printf "openssl dgst -sha256     %6.3f s  %5s MB/s\n" "$openssl_t" "$(mbps "$openssl_t")"
printf "sha256sum                %6.3f s  %5s MB/s\n" "$sha256sum_t" "$(mbps "$sha256sum_t")"
printf "ratio referee/openssl %.2f, referee/sha256sum %.2f\n" "$(echo "$referee / $openssl_t" | bc -l)" "$(echo "$referee / $sha256sum_t" | bc -l)"

REC="$WORK/record16mb"
rm -rf "$REC"; mkdir -p "$REC/traces/seed42"
head -c 15900000 /dev/urandom > "$REC/final_model.int6.ptz"
head -c 60000 /dev/urandom | base64 > "$REC/train_gpt.py"
for s in 42 1337 2025; do head -c 30000 /dev/urandom | base64 > "$REC/train_seed$s.log"; done
echo '{"val_bpb": 1.1}' > "$REC/submission.json"; echo "# bench" > "$REC/README.md"
head -c 20000 /dev/urandom | base64 > "$REC/traces/seed42/rank0.jsonl"
echo "== sign + verify of a $(du -sb "$REC" | cut -f1)-byte record ($(find "$REC" -type f | wc -l) files), best of $RUNS"
for _ in $(seq "$RUNS"); do "$WORK/bundle-bench" signverify "$REC"; done | awk '{ if (!($1 in m) || $2 < m[$1]) m[$1] = $2 } END { printf "sign %.4f s, verify %.4f s\n", m["sign"], m["verify"] }'
