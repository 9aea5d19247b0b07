#!/usr/bin/env bash
# Renders the HTML report of a record in headless Chromium and checks it in a real browser:
#   1. `referee report <record> --html` writes the page;
#   2. Chromium parses it (--dump-dom): the compliance and results tables must be in the DOM,
#      with one row per rule and one per run;
#   3. Chromium screenshots it (1200x1600); the PNG must have that size and not be blank.
# Usage: scripts/screenshot-report.sh [RECORD_DIR] [OUT_PNG]
#   RECORD_DIR defaults to the A2_Muon097 sample record beside the clone,
#   OUT_PNG to docs/images/report.png. REFEREE (default .build/debug/referee) is the binary used.
# Exit 0 when every check passes; 1 with a message naming the failed check; 77 when chromium
# is not installed (`apt-get install -y chromium` on Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
RECORD="${1:-../shared/samples/parameter-golf-records/track_10min_16mb/2026-04-09_A2_Muon097_3Seed}"
OUT="${2:-docs/images/report.png}"
REFEREE="${REFEREE:-.build/debug/referee}"
CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$CHROMIUM" ]; then
    echo "screenshot-report: chromium not installed (apt-get install -y chromium); skipping" >&2
    exit 77
fi
if [ ! -x "$REFEREE" ]; then
    swift build --product referee >/dev/null
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
HTML="$WORK/report.html"
set +e
"$REFEREE" report "$RECORD" --html "$HTML" >/dev/null
status=$?
set -e
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "screenshot-report: referee report failed with exit code $status" >&2
    exit 1
fi
FLAGS=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$WORK/profile")
"$CHROMIUM" "${FLAGS[@]}" --dump-dom "file://$(realpath "$HTML")" > "$WORK/dom.html" 2>"$WORK/chromium-dom.log"
"$CHROMIUM" "${FLAGS[@]}" --window-size=1200,1600 --screenshot="$WORK/shot.png" "file://$(realpath "$HTML")" >/dev/null 2>"$WORK/chromium-shot.log"
python3 - "$HTML" "$WORK/dom.html" "$WORK/shot.png" <<'PY'
import re, struct, sys, zlib
html, dom, png = open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], encoding="utf-8").read(), open(sys.argv[3], "rb").read()
def fail(msg):
    print("screenshot-report: " + msg, file=sys.stderr); sys.exit(1)
# The browser's DOM holds both tables with the rows the generator wrote.
for table in ("compliance", "results"):
    if f'<table id="{table}">' not in dom:
        fail(f"table #{table} missing from the DOM Chromium built")
def rows(text, table):
    body = text.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0]
    return len(re.findall(r"<tr[ >]", body))
for table in ("compliance", "results"):
    if rows(dom, table) != rows(html, table) or rows(dom, table) < 2:
        fail(f"table #{table}: {rows(dom, table)} rows in the DOM, {rows(html, table)} in the file")
if dom.count("<svg") < 2:
    fail("fewer than two inline SVG plots in the DOM")
# The PNG: signature, 1200x1600, and not blank (many distinct colours, enough non-white pixels).
if png[:8] != b"\x89PNG\r\n\x1a\n":
    fail("screenshot is not a PNG")
width, height, depth, ctype = struct.unpack(">IIBB", png[16:26])
if (width, height) != (1200, 1600):
    fail(f"screenshot is {width}x{height}, expected 1200x1600")
pos, idat = 8, b""
while pos < len(png):
    length, kind = struct.unpack(">I4s", png[pos:pos + 8])
    if kind == b"IDAT":
        idat += png[pos + 8:pos + 8 + length]
    pos += 12 + length
raw = zlib.decompress(idat)
channels = {2: 3, 6: 4}.get(ctype)
if depth != 8 or channels is None:
    fail(f"unexpected PNG format depth={depth} colour type={ctype}")
stride = width * channels + 1
prev = bytearray(stride - 1)
colours, non_white = set(), 0
for y in range(height):
    f, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
    for i in range(len(line)):
        a = line[i - channels] if i >= channels else 0
        b, c = prev[i], (prev[i - channels] if i >= channels else 0)
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 4 == 0:
        for x in range(0, width, 4):
            px = bytes(line[x * channels:x * channels + 3])
            colours.add(px)
            if px != b"\xff\xff\xff": non_white += 1
sampled = (height // 4) * (width // 4)
if len(colours) < 16 or non_white < sampled * 0.02:
    fail(f"screenshot looks blank: {len(colours)} colours, {non_white}/{sampled} non-white samples")
print(f"screenshot-report: ok ({width}x{height}, {len(colours)} colours, {100 * non_white / sampled:.1f}% non-white)")
PY
mkdir -p "$(dirname "$OUT")"
cp "$WORK/shot.png" "$OUT"
echo "$OUT"
