#!/usr/bin/env bash
# The whole test suite: the Python side (probe helper, references, cheaters), then Swift.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pytest -q python/tests
swift build --build-tests
swift test --disable-xctest --skip-build
