#!/usr/bin/env bash
# Packs a static release `referee` for a machine without Swift (the device tool's GPU machines):
# builds it (`swift build -c release --static-swift-stdlib`), strips it and compresses it with xz
# into .carry/referee.xz (git ignores .carry), then says whether the repository's tracked files
# plus that file fit the device tool's 64 MiB transfer. On the other machine:
#   python3 -c "import lzma, shutil; shutil.copyfileobj(lzma.open('.carry/referee.xz'), open('/tmp/referee', 'wb'))" && chmod +x /tmp/referee
#   bash scripts/pack-referee.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build-release/x86_64-unknown-linux-gnu/release/referee
if [ "${1:-}" != "--no-build" ]; then
  swift build -c release --static-swift-stdlib --scratch-path .build-release --product referee
fi
[ -x "$BIN" ] || { echo "pack-referee: $BIN: no release build (run without --no-build)" >&2; exit 2; }
mkdir -p .carry
strip -o .carry/referee.stripped "$BIN"
xz -9 -T0 -c .carry/referee.stripped > .carry/referee.xz.tmp
mv .carry/referee.xz.tmp .carry/referee.xz
rm -f .carry/referee.stripped
python3 - <<'PY'
import os, subprocess
files = subprocess.run(["git", "ls-files", "-z"], capture_output=True, check=True).stdout.split(b"\0")
tracked = sum(os.lstat(f).st_size for f in files if f and os.path.lexists(f))
packed = os.path.getsize(".carry/referee.xz")
total = tracked + packed
print("pack-referee: .carry/referee.xz %.1f MiB; tracked files %.1f MiB; together %.1f MiB of the 64 MiB transfer%s"
      % (packed / 2**20, tracked / 2**20, total / 2**20, "" if total < 62 * 2**20 else " (too close: carry less)"))
PY
