"""The second, independent similarity that confirms a pHash near-duplicate candidate.

Why a second measure: a 64-bit pHash keeps only the sign pattern of the lowest 8x8 DCT
frequencies of a grayscale image. Regular textures share that pattern: 16 stripe images with
different widths, offsets and colours are all within a Hamming distance of 4 ("vertical
stripes"), so grouping on pHash alone, transitively, collapses a textured class into one or two
groups and chains unrelated images together. A real copy (re-encoded, resized, mirrored,
flipped, even recoloured) still matches its original pixel for pixel at low resolution; a
texture that merely looks alike does not.

The measure: the image (alpha on white) reduced to a `THUMB` x `THUMB` colour thumbnail (box
filter), each channel centred on its own mean, flattened, scaled to unit length; the similarity
of two images is the dot product (a normalised correlation: 1 = the same picture up to
brightness and contrast). The variant compared is the one pHash matched: image a's mirror or
flip against image b as it is. A candidate is confirmed when the similarity is at least
`CONFIRM_THRESHOLD`.

Calibration (measured here, see tests/test_data_similarity.py): JPEG re-encoded (quality 30),
resized and mirrored copies score above 0.99; the demo data's one near-duplicate pair, a
recoloured mirror image (green and red apple), 0.87; across 30 seeded sets of 16 stripe images
with distinct widths, random offsets and random colours, no pHash candidate scored above 0.79.
0.85 sits between the two.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

#: Thumbnail side in pixels: coarse enough to ignore re-encoding, fine enough to see layout.
THUMB = 32
#: Smallest normalised correlation that confirms a pHash candidate.
CONFIRM_THRESHOLD = 0.85
METHOD = f"normalised correlation of {THUMB}x{THUMB} colour thumbnails (alpha on white), per-channel centred"
FLAT_RMS = 2.0  # grey levels: below this a thumbnail is flat (as phash.FLAT_STD)


def thumbnail(rgb: Image.Image) -> np.ndarray:
    """The `(THUMB, THUMB, 3)` uint8 colour thumbnail that `similarity` compares (3 KB an image)."""
    return np.asarray(rgb.convert("RGB").resize((THUMB, THUMB), Image.Resampling.BOX), dtype=np.uint8)


def _unit(pixels: np.ndarray) -> np.ndarray | None:
    centred = pixels.astype(np.float64) - pixels.mean(axis=(0, 1), keepdims=True)
    norm = float(np.linalg.norm(centred))
    return None if norm < FLAT_RMS * np.sqrt(centred.size) else (centred / norm).ravel()


def similarity(a: np.ndarray | None, b: np.ndarray | None, kind: str = "identical") -> float | None:
    """Correlation of thumbnail a's `kind` variant (identical, mirror, flip) with thumbnail b.

    None when either thumbnail is missing or flat (nothing to correlate): such a pair is never
    confirmed.
    """
    if a is None or b is None:
        return None
    variant = {"identical": a, "mirror": a[:, ::-1], "flip": a[::-1, :]}[kind]
    ua, ub = _unit(variant), _unit(b)
    if ua is None or ub is None:
        return None
    return round(min(1.0, max(-1.0, float(np.dot(ua, ub)))), 4)


def confirmed(value: float | None, threshold: float = CONFIRM_THRESHOLD) -> bool:
    """True when the second measure agrees that a candidate pair is a copy."""
    return value is not None and value >= threshold
