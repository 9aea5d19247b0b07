#!/usr/bin/env bash
# Builds one libFuzzer executable per parser and runs each for N seconds (not part of CI).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]      default: 600 s, every target
#   FUZZ_JOBS=2 scripts/fuzz.sh 120 log_line trace_line    two targets at a time
#
# The package's library modules are compiled once, instrumented (-sanitize=fuzzer,address:
# coverage + AddressSanitizer), into .build/fuzz (the normal .build is untouched). Each target is
# Tests/RefereeHostileTests/Fuzz/FuzzTargets.swift (the same target functions the test suite runs
# with a fixed seed) plus its one-line entry point Fuzz/entries/<target>.swift, linked against
# those objects. Runs start from the committed seeds Fuzz/corpus/<target>/ and grow a working
# corpus in .build/fuzz/corpus/<target>/; crashes are written to .build/fuzz/crashes/. A summary
# (executions, corpus size, crashes per target) is printed at the end and written to
# .build/fuzz/summary.txt. Exit 1 when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${1:-600}"
shift || true
BUILD=.build/fuzz
ALL_TARGETS=(log_line log_whole submission_json toml_rules tokenizer_proto shard_header trace_line
             probes_json dsse_envelope intoto_statement strict_json interval_set)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL_TARGETS[@]}")
JOBS="${FUZZ_JOBS:-1}"

echo "== building instrumented modules into $BUILD"
swift build --build-path "$BUILD" --target RefereeRunner -Xswiftc -sanitize=fuzzer,address

MODULES="$BUILD/debug/Modules"
[ -d "$MODULES" ] || MODULES="$BUILD/debug"
OBJECTS=()
for module in RefereeCore RefereeLogs RefereeData RefereeTrace RefereeAudit RefereeCrypto RefereeBundle; do
    OBJECTS+=("$BUILD"/debug/"$module".build/*.o)
done

mkdir -p "$BUILD/bin" "$BUILD/corpus" "$BUILD/crashes" "$BUILD/logs"
for target in "${TARGETS[@]}"; do
    echo "== linking fuzz-$target"
    swiftc -sanitize=fuzzer,address -parse-as-library -swift-version 6 -g \
        -I "$MODULES" -Xcc -fmodule-map-file=Sources/COpenSSL/module.modulemap \
        Tests/RefereeHostileTests/Fuzz/FuzzTargets.swift "Fuzz/entries/$target.swift" \
        "${OBJECTS[@]}" -lcrypto -o "$BUILD/bin/fuzz-$target" 2> >(grep -v "Cannot export local symbol" >&2)
done

run_one() {
    local target="$1"
    mkdir -p "$BUILD/corpus/$target"
    echo "== fuzzing $target for ${SECONDS_PER_TARGET}s"
    "$BUILD/bin/fuzz-$target" "$BUILD/corpus/$target" "Fuzz/corpus/$target" \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$BUILD/crashes/$target-" \
        > "$BUILD/logs/$target.log" 2>&1 || true
}

running=0
for target in "${TARGETS[@]}"; do
    run_one "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

status=0
{
    printf "%-18s %12s %10s %8s %8s\n" target executions exec/s corpus crashes
    for target in "${TARGETS[@]}"; do
        log="$BUILD/logs/$target.log"
        execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        corpus=$(ls "$BUILD/corpus/$target" | wc -l)
        crashes=$(ls "$BUILD/crashes" | grep -c "^$target-" || true)
        [ "$crashes" -gt 0 ] && status=1
        printf "%-18s %12s %10s %8s %8s\n" "$target" "$execs" "$rate" "$corpus" "$crashes"
    done
} | tee "$BUILD/summary.txt"
exit "$status"
