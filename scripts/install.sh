#!/usr/bin/env bash
# Builds Referee in release mode and installs it under a prefix (default ~/.local):
#   PREFIX/bin/referee                               the binary (rules built in; runs from anywhere)
#   PREFIX/share/referee/python/referee_probe.py     the helper submissions import (found by
#                                                    `referee run` through the binary's path)
#   bash scripts/install.sh [PREFIX]                 e.g. bash scripts/install.sh /usr/local
# Nothing else is needed at run time: the rule sets are compiled in (REFEREE_RULES_DIR or
# --rules FILE override them), and libcrypto comes from the system (libssl3).
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX="${1:-${PREFIX:-$HOME/.local}}"
swift build -c release --product referee
install -d "$PREFIX/bin" "$PREFIX/share/referee/python"
install -m 0755 .build/release/referee "$PREFIX/bin/referee"
install -m 0644 python/referee_probe.py "$PREFIX/share/referee/python/referee_probe.py"
echo "install: $PREFIX/bin/referee ($("$PREFIX/bin/referee" --version))"
echo "install: $PREFIX/share/referee/python/referee_probe.py"
case ":$PATH:" in *":$PREFIX/bin:"*) ;; *) echo "install: add $PREFIX/bin to PATH" ;; esac
