"""The second, independent test that confirms a pHash near-duplicate candidate.

Why a second test: a 64-bit pHash keeps only the sign pattern of the lowest 8x8 DCT
frequencies of a grayscale image. Regular textures share that pattern: 16 stripe images with
different widths, offsets and colours are all within a Hamming distance of 4 ("vertical
stripes"), and distinct low-detail images of one class (scanned digits, small grey icons) share
it too. A real copy (re-encoded, resized, mirrored, flipped, even recoloured) still matches its
original pixel for pixel at low resolution; an image that merely looks alike does not.

A candidate is confirmed when both hold, for the variant pHash matched (image a's mirror or flip
against image b as it is):

1. Correlation (`similarity`): each image (alpha on white) reduced to a `THUMB` x `THUMB` colour
   thumbnail (box filter), each channel centred on its own mean, flattened, scaled to unit
   length; the dot product is at least `CONFIRM_THRESHOLD` (1 = the same picture up to
   brightness and contrast). This rejects textures that only share a layout.
2. Pixel-difference bound (`difference`): both thumbnails box-averaged to `DIFF_SIDE` x
   `DIFF_SIDE`; image b fitted by least squares as an affine colour transform of image a (a 3x3
   matrix and an offset: recolouring, brightness and contrast changes are allowed); the largest
   remaining difference of any pixel and channel, as a fraction of b's value range, is at most
   `MAX_DIFFERENCE`. Correlation alone cannot tell low-detail images apart (two different
   handwritten 6s correlate at 0.98); they differ by several grey levels somewhere, a copy
   nowhere. Halving the resolution first averages out the edge errors of resampling and JPEG,
   which at full thumbnail resolution are as large as those between distinct low-detail images.

Calibration (measured here, see tests/test_data_near_duplicates.py): JPEG re-encoded (quality
30), resized and mirrored copies of photos correlate above 0.98 and differ by at most 0.09 of
the range; the demo data's recoloured mirror pair (green and red apple) 0.87 and 0.06; 30
seeded sets of 16 stripe images never correlate above 0.79; among all 1,797 scikit-learn
digits (8x8, 16 grey levels, upsampled to 32 px) every pHash candidate differs by at least 0.13
(2 of 16 grey levels), low-detail 12x12-cell grey images by at least 0.27. 0.125 sits between.
The price: a copy degraded far more than re-encoding does (a 150x100 photo shrunk to 60x40,
JPEG quality 40 and mirrored differs by 0.14) is not confirmed; it is still listed as a candidate.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

#: Thumbnail side in pixels: coarse enough to ignore re-encoding, fine enough to see layout.
THUMB = 32
#: Smallest normalised correlation that confirms a pHash candidate.
CONFIRM_THRESHOLD = 0.85
#: Side of the averaged thumbnails the pixel-difference bound compares (half of `THUMB`).
DIFF_SIDE = 16
#: Largest colour-aligned pixel difference (fraction of the value range) that confirms a candidate.
MAX_DIFFERENCE = 0.125
METHOD = (f"normalised correlation of {THUMB}x{THUMB} colour thumbnails (alpha on white, per-channel centred) "
          f"and largest pixel difference at {DIFF_SIDE}x{DIFF_SIDE} after an affine colour fit (fraction of the value range)")
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
    ua, ub = _unit(_variant(a, kind)), _unit(b)
    if ua is None or ub is None:
        return None
    return round(min(1.0, max(-1.0, float(np.dot(ua, ub)))), 4)


def _variant(a: np.ndarray, kind: str) -> np.ndarray:
    return {"identical": a, "mirror": a[:, ::-1], "flip": a[::-1, :]}[kind]


def _averaged(thumb: np.ndarray) -> np.ndarray:
    """`thumb` box-averaged to (DIFF_SIDE * DIFF_SIDE, 3) float values."""
    f = THUMB // DIFF_SIDE
    return thumb.astype(np.float64).reshape(DIFF_SIDE, f, DIFF_SIDE, f, 3).mean(axis=(1, 3)).reshape(-1, 3)


def difference(a: np.ndarray | None, b: np.ndarray | None, kind: str = "identical") -> float | None:
    """Largest pixel difference between thumbnail b and the best affine colour transform of a's `kind` variant.

    As a fraction of b's value range (largest channel max - min at `DIFF_SIDE` px); None when
    either thumbnail is missing or b is flat.
    """
    if a is None or b is None:
        return None
    x, y = _averaged(_variant(a, kind)), _averaged(b)
    span = float((y.max(axis=0) - y.min(axis=0)).max())
    if span < FLAT_RMS:
        return None
    design = np.column_stack([x, np.ones(len(x))])
    fit, *_ = np.linalg.lstsq(design, y, rcond=None)
    return round(float(np.abs(y - design @ fit).max()) / span, 4)


def confirmed(value: float | None, diff: float | None, threshold: float = CONFIRM_THRESHOLD,
              max_difference: float = MAX_DIFFERENCE) -> bool:
    """True when both tests agree that a candidate pair is a copy (see the module docstring)."""
    return value is not None and value >= threshold and diff is not None and diff <= max_difference
