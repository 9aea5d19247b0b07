#!/usr/bin/env bash
# Builds bench/trace/TraceBench.swift against the RefereeCore, RefereeCrypto and RefereeTrace
# sources of a checkout (default: this one) with `swiftc -O -wmo`, into OUT.
#   bench/trace/build-tracebench.sh [SOURCE_ROOT] [OUT=/tmp/referee-tracebench/tracebench]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${1:-$here/../..}"
out="${2:-/tmp/referee-tracebench/tracebench}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"
map=(-Xcc -fmodule-map-file="$root/Sources/COpenSSL/module.modulemap")
lib() {  # lib NAME: a static library and module from Sources/NAME
    swiftc -O ${SWIFTFLAGS:-} -wmo -package-name referee -parse-as-library -module-name "$1" -I "$work" "${map[@]}" -emit-module \
        -emit-module-path "$work/$1.swiftmodule" -emit-library -static -o "$work/lib$1.a" \
        $(find "$root/Sources/$1" -name '*.swift')
}
lib RefereeCore
lib RefereeCrypto
lib RefereeTrace
swiftc -O ${SWIFTFLAGS:-} -package-name referee -I "$work" "${map[@]}" -L "$work" -lRefereeTrace -lRefereeCrypto -lRefereeCore -lcrypto -o "$out" "$here/TraceBench.swift"
echo "$out"
