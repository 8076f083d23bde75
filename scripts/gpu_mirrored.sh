#!/usr/bin/env bash
# Train with `--strategy mirrored` on every GPU of this machine and print the devices the run
# record names (training.distribution.devices, hardware.gpu_models). For a machine with GPUs and
# a GPU build of TensorFlow (e.g. `pip install "tensorflow[and-cuda]"` in place of tensorflow-cpu);
# without a GPU it says so and exits 0 (nothing is trained), so it is harmless anywhere.
#   bash scripts/gpu_mirrored.sh [FOLDER]     FOLDER: class folders of images (default: a tiny
#                                            generated one; --weights none, so nothing is downloaded)
# Set PYTHON to choose the interpreter (default .venv/bin/python). Writes only under a temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"

gpus=$("$PY" -c 'import tensorflow as tf; print(len(tf.config.list_physical_devices("GPU")))' 2>/dev/null | tail -1)
if [ "${gpus:-0}" -lt 1 ]; then
  echo "gpu_mirrored: no GPU visible to TensorFlow here; nothing trained (run it on a GPU machine)"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
data="${1:-}"
if [ -z "$data" ]; then
  data="$work/data"
  "$PY" -c "import sys; sys.path.insert(0, 'tests'); from pathlib import Path; from train_fixtures import make_folder; make_folder(Path('$data'), per_class=32)"
fi
echo "gpu_mirrored: $gpus GPU(s); training $data with --strategy mirrored"
run=$("$PY" -m modelcard train --data "$data" --weights none --strategy mirrored --epochs 2 --input-size 96 \
      --robustness none --inference-predictions 0 --label-issues none \
      --runs-dir "$work/runs" --cache-dir "$work/cache" | head -1)
"$PY" - "$run" <<'EOF'
import json, sys
record = json.load(open(f"{sys.argv[1]}/run.json"))
dist, hw = record["training"]["distribution"], record["hardware"] or {}
print(f"status: {record['status']}; strategy {dist['strategy']}, {dist['replicas']} replicas in sync")
print("devices in the record:", ", ".join(dist.get("devices") or []) or "(none recorded)")
print("GPUs in the record:", ", ".join(hw.get("gpu_models") or []) or "(none)", f"(gpu_count {hw.get('gpu_count')})")
print(f"test accuracy {record['evaluations']['test']['metrics']['accuracy']['value']:.3f} "
      f"on {record['evaluations']['test']['n_samples']} images")
sys.exit(0 if record["status"] == "complete" and dist["replicas"] == max(1, hw.get("gpu_count") or 1) else 1)
EOF
