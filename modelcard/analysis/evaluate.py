"""Assemble the evaluation object stored in a run record's `evaluations[<set>]`.

Plain JSON types only (no numpy scalars, no NaN: undefined is None), nothing rounded, and
deterministic: the same inputs and seed give an identical dict.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from .bootstrap import METHOD, BootstrapDistribution, GroupDistribution, bootstrap_samples, percentile_interval
from .confusion import confusion_summary
from .inputs import encode_groups, validate_groups, validate_options, validate_predictions
from .point import calibration_from_samples, point_from_samples
from .rows import GROUP_METRICS, PER_CLASS_METRICS
from .samples import per_sample
from .slices import SliceSummary, summarise_slice


def _number(value) -> float | None:
    """A finite Python float, or None for undefined (NaN/inf) values."""
    value = float(value)
    return value if math.isfinite(value) else None


def metric(value, ci_low=math.nan, ci_high=math.nan) -> dict:
    """The Metric object: `{"value", "ci_low", "ci_high"}` with None where undefined."""
    return {"value": _number(value), "ci_low": _number(ci_low), "ci_high": _number(ci_high)}


def _with_interval(value, resampled: np.ndarray | None, confidence: float) -> dict:
    """Metric for a point value and its resampled values (None: no bootstrap was run)."""
    if resampled is None:
        return metric(value)
    low, high = percentile_interval(resampled, confidence)
    return metric(value, low, high)


def _slice_entries(summary: SliceSummary, resampled: GroupDistribution | None, confidence: float,
                   min_group_size: int) -> dict:
    """One slice column in output form; `resampled` is None when no bootstrap was run."""
    groups = []
    for g, group_name in enumerate(summary.groups):
        entry = {"group": group_name, "count": summary.count[g], "unreliable": summary.unreliable[g]}
        for metric_name in GROUP_METRICS:
            draws = None if resampled is None else getattr(resampled, metric_name)[:, g]
            entry[metric_name] = _with_interval(getattr(summary, metric_name)[g], draws, confidence)
        groups.append(entry)
    difference_ci = {name: _with_interval(summary.difference[name],
                                          None if resampled is None else getattr(resampled, f"{name}_difference"),
                                          confidence)
                     for name in GROUP_METRICS}
    return {"column": summary.column, "min_group_size": min_group_size, "groups": groups,
            "difference": dict(summary.difference), "difference_ci": difference_ci, "ratio": dict(summary.ratio),
            "worst_group": dict(summary.worst_group)}


def evaluate_predictions(y_true, y_prob, class_names: Sequence[str], groups: Mapping[str, object] | None = None, *,
                         n_resamples: int = 1000, seed: int = 0, confidence: float = 0.95, n_bins: int = 15,
                         min_group_size: int = 30, top_confusions: int = 10) -> dict:
    """Every metric a model card reports, each scalar with a percentile bootstrap interval.

    All intervals come from the same `n_resamples` seeded resamples of the whole set; slice
    groups are resampled inside them (not per group), so a group's size varies as it would in
    a fresh evaluation set, and a resample without the group is left out of its interval.
    Undefined intervals (e.g. precision of a class never predicted) are None.
    `n_resamples=0` skips the bootstrap (all `ci_low`/`ci_high` are None).
    """
    validate_options(n_resamples=n_resamples, seed=seed, confidence=confidence, n_bins=n_bins,
                     min_group_size=min_group_size, top_confusions=top_confusions)
    y_true, y_prob, names = validate_predictions(y_true, y_prob, class_names)
    columns = validate_groups(groups, y_true.shape[0])
    samples = per_sample(y_true, y_prob, n_bins)
    point = point_from_samples(samples)
    dist: BootstrapDistribution | None = None
    if n_resamples:
        encoded = {column: encode_groups(values) for column, values in columns.items()}
        dist = bootstrap_samples(samples, encoded, n_resamples=int(n_resamples), seed=int(seed))

    def draws(table: str, name: str, column: int | None = None) -> np.ndarray | None:
        if dist is None:
            return None
        values = getattr(dist, table)[name]
        return values if column is None else values[:, column]

    metrics = {name: _with_interval(value, draws("scalars", name), confidence) for name, value in point.scalars.items()}
    per_class = []
    for c, class_name in enumerate(names):
        entry = {"class_name": class_name, "support": int(point.support[c])}
        for name in PER_CLASS_METRICS:
            entry[name] = _with_interval(point.per_class[name][c], draws("per_class", name, c), confidence)
        per_class.append(entry)
    slices = [_slice_entries(summarise_slice(column, y_true, samples.y_pred, values, min_group_size),
                             None if dist is None else dist.slices[column], confidence, min_group_size)
              for column, values in columns.items()]
    confusion = confusion_summary(y_true, samples.y_pred, names, top_confusions)
    return {
        "n_samples": int(y_true.shape[0]),
        "n_classes": len(names),
        "bootstrap": {"method": METHOD, "n_resamples": int(n_resamples), "confidence": float(confidence), "seed": int(seed)},
        "metrics": metrics,
        "per_class": per_class,
        "confusion_matrix": confusion["confusion_matrix"],
        "top_confusions": confusion["top_confusions"],
        "calibration": {"n_bins": int(n_bins), "ece": metrics["ece"], "bins": calibration_from_samples(samples)},
        "slices": slices,
    }
