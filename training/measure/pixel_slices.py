"""Image-property slices measured from the pixels: brightness and contrast terciles, grayscale
vs colour, aspect bucket, and the source subfolder inside a class folder.

Why terciles of the evaluated set itself: a fixed threshold ("dark below 80") means nothing
across datasets, while terciles always give three groups of about equal size, so each group's
interval is as narrow as the set allows. The cut points are recorded and stated on the card,
so a reader knows what "low contrast" meant for this run.

Definitions (on the RGB pixels every other part of modelcard sees, alpha composited onto white):

* brightness: mean luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, Pillow's "L"), 0-255;
* contrast: RMS contrast, the standard deviation of that luma, 0-255;
* grayscale: the 99th percentile over pixels of (max channel - min channel) is at most
  `GRAY_TOLERANCE` (JPEG chroma noise stays below it, any real colour exceeds it);
* aspect: width / height of the original file, in `ASPECT_BUCKETS`;
* subfolder: the first folder below the class folder (only when some class has several).
"""

from __future__ import annotations

import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import numpy as np

from ..data import Sample, load_rgb

TERCILES = (1 / 3, 2 / 3)
TERCILE_LABELS = ("1 low", "2 mid", "3 high")
GRAY_TOLERANCE = 10
# (upper limit of width / height, label); the last bucket has no upper limit.
ASPECT_BUCKETS = ((0.5, "tall (< 1:2)"), (0.8, "tallish (1:2 to 4:5)"), (1.25, "near square (4:5 to 5:4)"),
                  (2.0, "wide (5:4 to 2:1)"), (None, "very wide (>= 2:1)"))
NO_SUBFOLDER = "(class folder itself)"


def luma(rgb: np.ndarray) -> np.ndarray:
    """BT.601 luma of an (H, W, 3) uint8 image, as float64 0-255."""
    return rgb[..., :3].astype(np.float64) @ np.asarray([0.299, 0.587, 0.114])


def pixel_statistics(rgb: np.ndarray) -> tuple[float, float, bool]:
    """(brightness, RMS contrast, is grayscale) of one RGB image."""
    y = luma(rgb)
    spread = rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2).astype(np.int16)
    return float(y.mean()), float(y.std()), bool(np.percentile(spread, 99) <= GRAY_TOLERANCE)


def tercile_cut_points(values: np.ndarray) -> list[float]:
    """The 1/3 and 2/3 quantiles (numpy's default linear method), rounded to 0.01."""
    return [round(float(c), 2) for c in np.quantile(np.asarray(values, dtype=np.float64), TERCILES)]


def tercile_groups(values: np.ndarray, cuts: Sequence[float]) -> np.ndarray:
    """`1 low` below the first cut, `2 mid` up to (not including) the second, `3 high` from it."""
    index = np.searchsorted(np.asarray(cuts, dtype=np.float64), np.asarray(values, dtype=np.float64), side="right")
    return np.asarray([TERCILE_LABELS[i] for i in index], dtype=str)


def aspect_bucket(width: int, height: int) -> str:
    ratio = width / height
    return next(label for limit, label in ASPECT_BUCKETS if limit is None or ratio < limit)


def subfolders(samples: Sequence[Sample]) -> np.ndarray | None:
    """Each sample's first folder below its class folder, or None when no class has two.

    The class folder is the deepest folder shared by all of that class's files (so the
    `train/<class>/` layout, the demo's `animals/mammals/` and plain `<class>/` all work)."""
    parents: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for s in samples:
        parents[s.label].append(tuple(s.relpath.split("/")[:-1]))
    roots = {}
    for label, dirs in parents.items():
        common = dirs[0]
        for d in dirs[1:]:
            n = 0
            while n < min(len(common), len(d)) and common[n] == d[n]:
                n += 1
            common = common[:n]
        roots[label] = len(common)
    values = []
    for s in samples:
        inner = s.relpath.split("/")[:-1][roots[s.label]:]
        values.append(inner[0] if inner else NO_SUBFOLDER)
    by_class = defaultdict(set)
    for s, v in zip(samples, values):
        by_class[s.label].add(v)
    if not any(len(v) > 1 for v in by_class.values()):
        return None
    return np.asarray(values, dtype=str)


def pixel_attributes(samples: Sequence[Sample]) -> tuple[dict[str, np.ndarray], dict[str, list[float]]]:
    """({slice column: one group per sample}, {column: tercile cut points}) for `samples`."""
    def measure(sample: Sample):
        rgb = load_rgb(sample.path)
        return pixel_statistics(rgb), (rgb.shape[1], rgb.shape[0])

    with ThreadPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 1))) as pool:  # Pillow decodes without the GIL
        measured = list(pool.map(measure, samples))
    stats, sizes = [m[0] for m in measured], [m[1] for m in measured]
    brightness = np.asarray([s[0] for s in stats])
    contrast = np.asarray([s[1] for s in stats])
    cuts = {"brightness": tercile_cut_points(brightness), "contrast": tercile_cut_points(contrast)}
    columns = {
        "brightness": tercile_groups(brightness, cuts["brightness"]),
        "contrast": tercile_groups(contrast, cuts["contrast"]),
        "colour": np.asarray(["grayscale" if s[2] else "colour" for s in stats], dtype=str),
        "aspect": np.asarray([aspect_bucket(w, h) for w, h in sizes], dtype=str),
    }
    folders = subfolders(samples)
    if folders is not None:
        columns["subfolder"] = folders
    return columns, cuts
