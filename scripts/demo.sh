#!/usr/bin/env bash
# The main job, end to end: set up, train MobileNetV2 (offline ImageNet weights) on the demo
# images, then build the cards for the newest complete run into cards/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/modelcard train --data demo --config configs/demo.toml "$@"
.venv/bin/modelcard build --run latest
