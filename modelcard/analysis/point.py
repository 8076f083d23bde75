"""Point estimates on the whole evaluation set, through the same formulas as the resamples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .calibration import reliability_bins
from .inputs import validate_options, validate_predictions
from .rows import PER_CLASS_METRICS, SCALAR_METRICS, metric_rows
from .samples import PerSample, per_sample


@dataclass(frozen=True)
class PointMetrics:
    """Scalars by name (top5_accuracy only when k > 5) and per-class arrays in class order.

    Per-class precision/recall/F1 follow sklearn's zero_division=0 (0 where undefined).
    """

    scalars: dict[str, float]
    per_class: dict[str, np.ndarray]
    support: np.ndarray


def point_from_samples(samples: PerSample) -> PointMetrics:
    """Point metrics of already validated per-sample facts (the evaluation set as one row)."""
    whole = samples.take(np.arange(samples.y_true.shape[-1])[None, :])
    rows = metric_rows(whole)
    scalars = {name: float(rows[name][0]) for name in SCALAR_METRICS if name in rows}
    per_class = {name: np.nan_to_num(rows[f"per_class_{name}"][0], nan=0.0) for name in PER_CLASS_METRICS}
    support = np.bincount(samples.y_true, minlength=samples.n_classes)
    return PointMetrics(scalars=scalars, per_class=per_class, support=support)


def point_metrics(y_true, y_prob, class_names: Sequence[str], n_bins: int = 15) -> PointMetrics:
    """Accuracy, balanced accuracy, log loss, top-5, macro/weighted P/R/F1, ECE and per-class scores.

    >>> point = point_metrics([0, 1, 1, 0], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]], ["cat", "dog"])
    >>> round(point.scalars["accuracy"], 4), round(point.scalars["f1_macro"], 4), round(point.scalars["log_loss"], 4)
    (0.75, 0.7333, 0.4004)
    >>> point.per_class["recall"].tolist(), point.support.tolist()
    ([1.0, 0.5], [2, 2])
    """
    validate_options(n_bins=n_bins)
    y_true, y_prob, _ = validate_predictions(y_true, y_prob, class_names)
    return point_from_samples(per_sample(y_true, y_prob, n_bins))


def calibration_from_samples(samples: PerSample) -> list[dict]:
    """Reliability curve (per-bin count, accuracy, mean confidence) of validated facts."""
    return reliability_bins(samples.calibration_bin, samples.correct, samples.confidence, samples.n_bins)


def expected_calibration_error(y_true, y_prob, n_bins: int = 15) -> tuple[float, list[dict]]:
    """`(ece, reliability bins)` on top-class confidence; bins are `(lower, upper]`, equal width.

    >>> ece, bins = expected_calibration_error([0, 1, 1, 0], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]], n_bins=2)
    >>> round(ece, 4), [(b["upper"], b["count"]) for b in bins]
    (0.0, [(0.5, 0), (1.0, 4)])
    """
    validate_options(n_bins=n_bins)
    k = np.shape(y_prob)[-1] if np.ndim(y_prob) == 2 else 0
    y_true, y_prob, _ = validate_predictions(y_true, y_prob, [f"class {i}" for i in range(k)])
    samples = per_sample(y_true, y_prob, n_bins)
    return point_from_samples(samples).scalars["ece"], calibration_from_samples(samples)
