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

python3 - "$logs/python.log" "$logs/swift.log" <<'PY'
import re, sys
from collections import Counter

py = open(sys.argv[1], encoding="utf-8", errors="replace").read()
def count(word):
    m = re.findall(r"(\d+) " + word, py.strip().splitlines()[-1] if py.strip() else "")
    return int(m[0]) if m else 0
py_passed, py_failed, py_skipped = count("passed"), count("failed") + count("error"), count("skipped")
py_reasons = Counter(re.sub(r"^SKIPPED \[\d+\] [^:]+:\d+: ", "", l) for l in py.splitlines() if l.startswith("SKIPPED"))

sw = open(sys.argv[2], encoding="utf-8", errors="replace").read().splitlines()
total = 0
for l in sw:
    m = re.search(r"Test run with (\d+) tests? in \d+ suites? (passed|failed)", l)
    if m: total = int(m.group(1))
sw_failed = sum(1 for l in sw if re.match(r"^\S+ Test (?!run with).* failed after", l))
skips = [re.sub(r'^\S+ Test .*? skipped(: "?)?', "", l).rstrip('"') for l in sw if re.match(r"^\S+ Test (?!run with).* skipped", l)]
sw_skipped = len(skips)
sw_passed = max(0, total - sw_failed - sw_skipped)

def why(reason):
    r = reason.lower()
    if "shared" in r or "samples" in r: return "without ../shared/samples"
    if "chromium" in r: return "without chromium"
    if "git not installed" in r: return "without git"
    if "sentencepiece" in r or "numpy" in r or "python3" in r: return "without a Python package"
    if "torch" in r or "gpu" in r or "cuda" in r: return "without torch/GPU"
    if "not built" in r or "build" in r: return "binary not built"
    return reason[:60] or "no reason given"

def summary(reasons):
    c = Counter()
    for reason, n in reasons.items(): c[why(reason)] += n
    return ", ".join(f"{n} {k}" for k, n in c.most_common())

sw_reasons = Counter(skips)
print()
print(f"python: passed {py_passed}, failed {py_failed}, skipped {py_skipped}" + (f" ({summary(py_reasons)})" if py_skipped else ""))
print(f"swift: passed {sw_passed}, failed {sw_failed}, skipped {sw_skipped}" + (f" ({summary(sw_reasons)})" if sw_skipped else ""))
passed, failed, skipped = py_passed + sw_passed, py_failed + sw_failed, py_skipped + sw_skipped
both = summary(py_reasons + sw_reasons)
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped" + (f" ({both})" if skipped else ""))
print(f"{passed} passed, {failed} failed")
PY
exit $status
