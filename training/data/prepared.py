"""Paths that TensorFlow decodes to exactly the pixels `load_rgb` gives.

Why: the fast feature pipeline decodes inside tf.data (`training.data.tf_decode.decode_rgb`),
and TF drops alpha (a transparent background would come out black or noisy, not white) and
cannot read every format. Files that TF decodes identically (8-bit RGB or grey PNG/JPEG without
transparency) are used in place; every other file is flattened once with Pillow (alpha onto
white) to a lossless PNG in `cache_dir/rgb-v1/<sha256>.png`, written atomically and reused.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Protocol

from PIL import Image

from modelcard.atomic import ensure_writable_dir, write_bytes

from .images import load_rgb

CACHE_VERSION = "rgb-v1"  # bump when `to_rgb` changes, so stale conversions are not reused


class SampleFile(Protocol):
    """The file of a `dataset.Sample`, what this module reads of it (not imported: dataset imports this module)."""

    path: Path        # e.g. Path("stamps/animals/cat.png")
    sha256: str       # e.g. "9f2c..."
    tf_ready: bool    # e.g. False for a PNG with transparency


def flat_png_bytes(path: Path) -> bytes:
    """The image at `path` as an RGB PNG (alpha composited onto white)."""
    buffer = io.BytesIO()
    Image.fromarray(load_rgb(path)).save(buffer, format="PNG")
    return buffer.getvalue()


def tf_ready_path(sample: SampleFile, cache_dir: Path) -> Path:
    """`sample.path` itself when TF decodes it identically, else its cached flat PNG."""
    if sample.tf_ready:
        return sample.path
    target = Path(cache_dir) / CACHE_VERSION / f"{sample.sha256}.png"
    if not target.exists():
        ensure_writable_dir(target.parent)
        write_bytes(target, flat_png_bytes(sample.path))
    return target
