#!/usr/bin/env bash
# Screenshot the top of an HTML card (header, summary, first results table) with headless
# Chromium, for the README. Usage:
#   bash scripts/screenshot.sh [CARD.html] [OUT.png] [WIDTHxHEIGHT]
# Defaults: the example card in cards/, docs/card-screenshot.png, 1100x1400.
# Needs Debian's `chromium` (scripts/setup.sh installs it). Exit 2 with one line when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
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
mkdir -p "$(dirname "$out")"
tmp="$out.tmp.png"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --window-size="${size/x/,}" --screenshot="$(realpath -m "$tmp")" \
  "file://$(realpath "$card")" >/dev/null 2>&1
mv "$tmp" "$out"
echo "$out"
