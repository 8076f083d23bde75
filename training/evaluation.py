"""Evaluating predictions on a labelled set and writing them into the run record.

Metrics are computed only by `modelcard.analysis.evaluate_predictions` (never a second time
here); this module supplies what it needs from the images: per-sample ids, true labels and
cheap, real slicing attributes read from the file headers.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from PIL import Image

from modelcard.analysis import evaluate_predictions
from modelcard.record import Predictions, RunWriter

from .data import Sample

# Longest side of the original file, in pixels: small originals are upscaled and look blurry.
RESOLUTION_BUCKETS = ((128, "<128 px"), (512, "128-511 px"), (None, ">=512 px"))


def resolution_bucket(width: int, height: int) -> str:
    side = max(width, height)
    return next(label for limit, label in RESOLUTION_BUCKETS if limit is None or side < limit)


def orientation(width: int, height: int) -> str:
    if abs(width - height) <= 0.05 * max(width, height):
        return "square"
    return "landscape" if width > height else "portrait"


def slice_attributes(samples: Sequence[Sample]) -> dict[str, np.ndarray]:
    """`resolution` and `orientation` of each original file (header only, no decoding)."""
    sizes = []
    for sample in samples:
        with Image.open(sample.path) as img:
            sizes.append(img.size)
    return {
        "resolution": np.asarray([resolution_bucket(w, h) for w, h in sizes], dtype=str),
        "orientation": np.asarray([orientation(w, h) for w, h in sizes], dtype=str),
    }


def record_evaluation(writer: RunWriter, eval_set: str, samples: Sequence[Sample], y_prob: np.ndarray,
                      class_names: list[str], source: str, attributes: dict[str, np.ndarray] | None = None,
                      seed: int = 0) -> dict:
    """Analyse one set's predictions, store `predictions/<set>.npz` and `evaluations[set]`."""
    attributes = slice_attributes(samples) if attributes is None else attributes
    y_true = np.asarray([s.label for s in samples], dtype=np.int64)
    y_prob = np.asarray(y_prob, dtype=np.float64)
    y_prob = y_prob / y_prob.sum(axis=1, keepdims=True)  # float32 softmax rows sum to 1 +- 1e-7
    preds = Predictions(ids=np.asarray([s.relpath for s in samples], dtype=str), y_true=y_true, y_prob=y_prob,
                        class_names=list(class_names), attributes=attributes)
    writer.add_predictions(eval_set, preds)
    evaluation = evaluate_predictions(y_true, y_prob, class_names, groups=attributes, seed=seed)
    evaluation["source"] = source
    writer.record["evaluations"][eval_set] = evaluation
    return evaluation
