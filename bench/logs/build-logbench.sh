#!/usr/bin/env bash
# Builds bench/logs/LogBench.swift against the RefereeCore + RefereeLogs sources of a checkout
# (default: this one) with `swiftc -O -wmo`, into OUT (default /tmp/referee-logbench/logbench).
#   bench/logs/build-logbench.sh [SOURCE_ROOT] [OUT]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${1:-$here/../..}"
out="${2:-/tmp/referee-logbench/logbench}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"
swiftc -O -package-name Referee ${SWIFTFLAGS:-} -wmo -parse-as-library -module-name RefereeCore -emit-module -emit-module-path "$work/RefereeCore.swiftmodule" \
    -emit-library -static -o "$work/libRefereeCore.a" $(find "$root/Sources/RefereeCore" -name '*.swift')
swiftc -O -package-name Referee ${SWIFTFLAGS:-} -wmo -parse-as-library -module-name RefereeLogs -I "$work" -emit-module -emit-module-path "$work/RefereeLogs.swiftmodule" \
    -emit-library -static -o "$work/libRefereeLogs.a" $(find "$root/Sources/RefereeLogs" -name '*.swift')
swiftc -O -package-name Referee -I "$work" -L "$work" -lRefereeLogs -lRefereeCore -o "$out" "$here/LogBench.swift"
echo "$out"
