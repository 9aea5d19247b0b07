#!/usr/bin/env python3
"""Closing summary of scripts/test.sh: counts of passed, failed and skipped tests, and why tests
were skipped, from pytest's -q -rs output and `swift test`'s (Swift Testing) output.

    python3 scripts/test-summary.py PYTHON_LOG SWIFT_LOG

Prints, last, `tests: N passed, F failed, K skipped (reasons)` and then `N passed, F failed` alone
on its line (what CI's reader counts). Swift Testing's total ("Test run with N tests") includes
skipped tests; a test is skipped when a line reads `➜ Test … skipped: "reason"`.
"""
import re, sys
from collections import Counter

py = open(sys.argv[1], encoding="utf-8", errors="replace").read()
# pytest's closing line, e.g. "55 passed, 2 skipped in 235.83s (0:03:55)" (possibly in = signs).
closing = [l for l in py.splitlines() if re.search(r"\b\d+ (passed|failed|skipped|errors?)\b.* in [\d.]+s", l)]
def count(word):
    m = re.findall(r"(\d+) " + word + r"\b", closing[-1] if closing else "")
    return int(m[0]) if m else 0
py_passed, py_failed, py_skipped = count("passed"), count("failed") + count("errors?"), count("skipped")
py_reasons = Counter()
for l in py.splitlines():
    m = re.match(r"^SKIPPED \[(\d+)\] [^:]+:\d+: (.*)$", l)
    if m: py_reasons[m.group(2)] += int(m.group(1))

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
