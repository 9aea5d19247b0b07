#!/usr/bin/env bash
# Installs what Referee needs on a fresh Debian machine (idempotent): libcrypto headers,
# pkg-config, the openssl CLI (interop tests), and the Python packages the reference
# submissions and the interop tests use, and Debian's CPU PyTorch (python3-torch, with
# python3-numpy and python3-sentencepiece) for the system interpreter /usr/bin/python3: the
# autotrace tests (python/tests/test_autotrace.py) run the PyTorch submissions with it.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
need=()
for pkg in libssl-dev pkg-config openssl python3 python3-pip python3-torch python3-numpy python3-sentencepiece; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 - <<'PY' || python3 -m pip install -q --disable-pip-version-check numpy sentencepiece "securesystemslib[crypto]"
import importlib, sys
for name in ("numpy", "sentencepiece", "securesystemslib", "cryptography"):
    importlib.import_module(name)
PY
