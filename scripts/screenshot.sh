#!/usr/bin/env bash
# Screenshot the top of an HTML card (header, summary, first results table) with headless
# Chromium, for the README. Usage:
#   bash scripts/screenshot.sh [--top] [CARD.html] [OUT.png] [WIDTHxHEIGHT]
# Defaults: the example card in cards/, docs/card-screenshot.png, 1100x1400.
# --top pictures only the card's header, summary and first results table (scripts/card_top.py
# leaves out the sections between them, saying so on the picture). The README's picture:
#   bash scripts/screenshot.sh --top cards/tuxpaint-stamps-mobilenetv2.html docs/card-screenshot.png 1100x1000
# Needs Debian's `chromium` (scripts/setup.sh installs it). Exit 2 with one line when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
top=0
if [ "${1:-}" = "--top" ]; then top=1; shift; fi
card=${1:-$(ls cards/*.html | grep -v '\.data\.html$' | head -n 1)}
out=${2:-docs/card-screenshot.png}
size=${3:-1100x1400}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "screenshot: Chromium is not installed; run 'bash scripts/setup.sh' (installs Debian's chromium) and retry" >&2
  exit 2
fi
if [ ! -f "$card" ]; then
  echo "screenshot: card $card not found; build one first with 'modelcard build'" >&2
  exit 2
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
if [ "$top" = 1 ]; then
  python3 scripts/card_top.py "$card" "$profile/card-top.html"
  card="$profile/card-top.html"
fi
mkdir -p "$(dirname "$out")"
tmp="$out.tmp.png"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --window-size="${size/x/,}" --screenshot="$(realpath -m "$tmp")" \
  "file://$(realpath "$card")" >/dev/null 2>&1
mv "$tmp" "$out"
echo "$out"
