"""Decode one image file the same way everywhere: RGB uint8, alpha composited onto white.

Why one place: the perceptual hash, the tests and the files handed to tf.data must all see the
same pixels. Cut-out photos (the demo data) are RGBA with transparent backgrounds; dropping the
alpha channel would show whatever colour the transparent pixels happen to store, so alpha is
always composited onto white. Grayscale, palette, CMYK and 16-bit images become 8-bit RGB.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

# A truncated file must fail loudly (and be skipped), never be silently padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False

#: Extensions treated as images (the Keras `image_dataset_from_directory` list plus WebP).
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"})

_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
_SIXTEEN_BIT_MODES = frozenset({"I;16", "I;16L", "I;16B", "I;16N", "I"})
_WHITE = (255, 255, 255, 255)


def is_image_name(path: Path | str) -> bool:
    """True when the file name has one of the image extensions (case-insensitive)."""
    return Path(path).suffix.lower() in IMAGE_EXTENSIONS


def has_alpha(img: Image.Image) -> bool:
    """True for an alpha channel or a palette/grey image with a transparent colour."""
    return img.mode in _ALPHA_MODES or "transparency" in img.info


def to_rgb(img: Image.Image) -> Image.Image:
    """Flatten any decoded Pillow image to 8-bit RGB, compositing alpha onto white."""
    if img.mode in _SIXTEEN_BIT_MODES:
        # Pillow's convert("RGB") clips 16-bit values instead of scaling them.
        depth = 65535 if img.mode.startswith("I;16") or np.asarray(img).max() > 255 else 255
        arr = np.asarray(img, dtype=np.float64) * (255.0 / depth)
        img = Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8), mode="L")
    elif img.mode == "F":
        img = Image.fromarray(np.clip(np.rint(np.asarray(img)), 0, 255).astype(np.uint8), mode="L")
    if has_alpha(img):
        rgba = img.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, _WHITE), rgba).convert("RGB")
    return img if img.mode == "RGB" else img.convert("RGB")


def decode_bytes(data: bytes) -> Image.Image:
    """Fully decode `data` (first frame of animations); raises on corrupt or truncated input."""
    img = Image.open(io.BytesIO(data))
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # again here: a library imported later (WeasyPrint) may have set it
    img.load()  # `verify()` does not catch truncated pixel data; a full load does.
    return img


def load_rgb(path: Path | str) -> np.ndarray:
    """Return the image at `path` as an (H, W, 3) uint8 array, alpha composited onto white."""
    return np.asarray(to_rgb(decode_bytes(Path(path).read_bytes())))


def tf_decodes_identically(img: Image.Image) -> bool:
    """True when `tf_decode.decode_rgb` gives the same pixels as `to_rgb(img)`.

    Only 8-bit RGB or grey PNG/JPEG without transparency qualifies; every other file (alpha,
    palette, GIF, BMP, WebP, 16-bit, CMYK) is converted once to a flat PNG before tf.data sees it.
    """
    return img.format in {"PNG", "JPEG"} and img.mode in {"RGB", "L"} and not has_alpha(img)


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def failure_reason(exc: BaseException) -> str:
    """A short, deterministic reason for a file that would not decode (no memory addresses)."""
    if isinstance(exc, UnidentifiedImageError):
        return "cannot identify image file (corrupt or not an image)"
    message = _ADDRESS.sub("", str(exc)).strip()
    if "truncated" in message.lower():
        return f"truncated image ({message})"
    if isinstance(exc, Image.DecompressionBombError):
        return f"image too large ({message})"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
