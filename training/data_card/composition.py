"""Composition facts per split: colour modes, file formats, subfolders, size and aspect histograms.

Histograms use fixed bin edges (not data-dependent ones), so cards of different runs compare
bin for bin and the same images always give the same record.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .images import DecodedImages

LONG_SIDE_EDGES = (0, 64, 128, 256, 512, 1024, 2048)        # pixels; the last bin is open-ended
ASPECT_EDGES = (0.0, 0.5, 0.75, 0.9, 1.11, 1.33, 2.0)       # width / height; the last bin is open-ended
MAX_SUBFOLDERS = 30


def _histogram(values: list[float], edges: tuple) -> list[int]:
    index = np.searchsorted(np.asarray(edges[1:], dtype=float), np.asarray(values, dtype=float), side="right")
    return np.bincount(index, minlength=len(edges)).astype(int).tolist() if values else [0] * len(edges)


def _stats(values: list[int]) -> dict:
    if not values:
        return {"min": None, "median": None, "max": None}
    return {"min": int(min(values)), "median": float(np.median(values)), "max": int(max(values))}


def composition(images: DecodedImages) -> dict:
    """`{"edges": {...}, "splits": {split: {...}}}` for the record's `data_card.composition`."""
    splits: dict[str, dict] = {}
    for split in sorted({e.split for e in images.entries}):
        facts = [f for e, f in zip(images.entries, images.facts) if e.split == split and f is not None]
        folders = Counter(f.subfolder for f in facts)
        top = sorted(folders.items(), key=lambda kv: (-kv[1], kv[0]))
        splits[split] = {
            "n": len(facts),
            "modes": dict(sorted(Counter(f.mode for f in facts).items())),
            "formats": dict(sorted(Counter(f.format for f in facts).items())),
            "subfolders": dict(top[:MAX_SUBFOLDERS]),
            "subfolders_total": len(folders),
            "width": _stats([f.width for f in facts]),
            "height": _stats([f.height for f in facts]),
            "long_side_hist": _histogram([max(f.width, f.height) for f in facts], LONG_SIDE_EDGES),
            "aspect_hist": _histogram([f.width / f.height for f in facts], ASPECT_EDGES),
        }
    return {"edges": {"long_side": list(LONG_SIDE_EDGES), "aspect": list(ASPECT_EDGES)}, "splits": splits}
