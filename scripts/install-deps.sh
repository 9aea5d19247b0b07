#!/usr/bin/env bash
# Installs what Referee and its tests need on a fresh Debian machine (idempotent): libcrypto
# headers, pkg-config, the openssl CLI (interop tests), the Python packages the reference
# submissions, the interop tests and the Python test suite use (numpy, sentencepiece,
# securesystemslib[crypto], pytest), and Debian's CPU PyTorch (python3-torch, with python3-numpy
# and python3-sentencepiece) for the system interpreter /usr/bin/python3: the autotrace tests
# (python/tests/test_autotrace.py) run the PyTorch submissions with it. Prints one line per
# step; never a traceback.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
need=()
for pkg in libssl-dev pkg-config openssl python3 python3-pip python3-torch python3-numpy python3-sentencepiece; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
    echo "install-deps: apt-get install ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Python module name -> pip requirement. A missing module is a normal state on a fresh machine:
# ask Python quietly which ones are missing instead of letting an import fail with a traceback.
missing=$(python3 - <<'PY'
import importlib.util
wanted = {"numpy": "numpy", "sentencepiece": "sentencepiece", "securesystemslib": "securesystemslib[crypto]",
          "cryptography": "securesystemslib[crypto]", "pytest": "pytest"}
print(" ".join(sorted({req for mod, req in wanted.items() if importlib.util.find_spec(mod) is None})))
PY
)
if [ -n "$missing" ]; then
    echo "install-deps: pip install $missing"
    # Debian 12 marks its Python as externally managed; pip then needs --break-system-packages.
    python3 -m pip install -q --disable-pip-version-check $missing 2>/dev/null \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages $missing
fi
echo "install-deps: ok"
