#!/usr/bin/env bash
# The main job, end to end: set up, train MobileNetV2 (offline ImageNet weights) on the demo
# images, then build the cards of the selected configuration.
# Everything it writes goes under demo-output/ (git-ignored): the run records in
# demo-output/runs/ and the cards in demo-output/cards/. The committed example cards in cards/
# are left as they are. Set DEMO_OUT=DIR to write elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="${DEMO_OUT:-demo-output}"
.venv/bin/modelcard train --runs-dir "$out/runs" --data demo --config configs/demo.toml "$@" >/dev/null
echo "building the cards..." >&2
meta=$(.venv/bin/modelcard build --runs-dir "$out/runs" --run latest --out "$out/cards" | grep '\.meta\.json$')
echo
.venv/bin/python -m modelcard.commands.where_block "$meta"
