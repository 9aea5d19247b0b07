#!/usr/bin/env bash
# The whole test suite: the Python side (probe helper, references, cheaters), then Swift; then
# one summary of what passed, failed and was skipped, and why tests were skipped.
#   bash scripts/test.sh          (SKIP_LINT=1 to skip `swift format lint`)
# The last lines read, for example:
#   python: passed 55, failed 0, skipped 0
#   swift: passed 380, failed 0, skipped 30 (26 without ../shared/samples, 4 without chromium)
#   tests: 422 passed, 0 failed, 30 skipped
#   422 passed, 0 failed
# (the last line alone is what CI's reader counts). Exit status: non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
status=0

bash scripts/generate-builtin-rules.sh --check || status=1

python3 -m pytest -q -rs python/tests 2>&1 | tee "$logs/python.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

if ! swift build --build-tests 2>&1 | tee "$logs/build.log"; then
    echo "test: swift build --build-tests failed" >&2
    exit 1
fi
swift test --disable-xctest --skip-build 2>&1 | tee "$logs/swift.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# swift format lint with the committed .swift-format. Rule findings fail the script; layout
# findings (the pretty printer's Indentation, AddLines, RemoveLine, Spacing, LineLength,
# TrailingComma) are counted but not enforced until one `swift format format` pass is made over
# the tree at a moment when no branch is open (it rewrites most files). See docs/style.md.
if [ "${SKIP_LINT:-0}" != "1" ] && swift format --version >/dev/null 2>&1; then
    swift format lint --recursive --parallel Sources Tests Package.swift > "$logs/lint.log" 2>&1
    layout='\[(Indentation|AddLines|RemoveLine|Spacing|LineLength|TrailingComma)\]'
    rules_found=$(grep -E ': (warning|error):' "$logs/lint.log" | grep -Ev "$layout" || true)
    layout_count=$(grep -Ec "$layout" "$logs/lint.log" || true)
    if [ -n "$rules_found" ]; then
        printf '%s\n' "$rules_found"
        echo "lint: swift format lint: $(printf '%s\n' "$rules_found" | wc -l) rule findings (fix them or change .swift-format)"
        status=1
    else
        echo "lint: swift format lint: no rule findings ($layout_count layout findings, not enforced)"
    fi
fi

python3 scripts/test-summary.py "$logs/python.log" "$logs/swift.log"
exit $status
