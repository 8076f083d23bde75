"""Every reported metric for each row of gathered samples: one code path for points and resamples.

A row is either the evaluation set itself (the point estimate) or one bootstrap resample of
it; inputs are `PerSample` vectors of shape `(rows, m)` and outputs have a leading `rows` axis.
"""

from __future__ import annotations

import numpy as np

from .calibration import ece_rows
from .counts import ClassCounts, class_counts, scores_from_counts
from .pseudo import with_pseudo
from .samples import PerSample
from ..record.model.evaluation import PER_CLASS_METRICS, SCALAR_METRICS, SLICE_METRICS as GROUP_METRICS

#: Scalars computed from confusion counts alone: their intervals use the pseudo-counted resamples.
COUNT_SCALARS = ("balanced_accuracy", "precision_macro", "recall_macro", "f1_macro",
                 "precision_weighted", "recall_weighted", "f1_weighted")


def row_counts(rows: PerSample, groups: np.ndarray | None = None, n_groups: int = 1) -> ClassCounts:
    """Per-class counts of each row `(r, k)`, or per group and class `(r, n_groups, k)`."""
    return class_counts(rows.y_true, rows.y_pred, rows.correct, rows.n_classes, cells=groups, n_cells=n_groups)


def metric_rows(rows: PerSample, counts: ClassCounts | None = None) -> dict[str, np.ndarray]:
    """Scalars `(r,)` keyed as in `SCALAR_METRICS` plus `per_class_<metric>` arrays `(r, k)`.

    `counts`: the rows' `row_counts`, when already computed.

    >>> from modelcard.analysis.samples import per_sample
    >>> facts = per_sample(np.array([0, 1, 1, 0]), np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]]), 2)
    >>> rows = metric_rows(facts.take(np.array([[0, 1, 2, 3], [0, 0, 1, 1]])))  # the set, and one resample
    >>> rows["accuracy"].tolist(), rows["per_class_recall"].tolist()
    ([0.75, 1.0], [[1.0, 0.5], [1.0, 1.0]])
    """
    counts = row_counts(rows) if counts is None else counts
    scores = scores_from_counts(counts)
    scores["log_loss"] = rows.nll.mean(axis=-1)
    if rows.top_k_hit is not None:
        scores["top5_accuracy"] = rows.top_k_hit.mean(axis=-1)
    scores["ece"] = ece_rows(rows.calibration_bin, rows.correct - rows.confidence, rows.n_bins)
    return scores


def group_rows(rows: PerSample, groups: np.ndarray, n_groups: int, counts: ClassCounts | None = None) -> dict[str, np.ndarray]:
    """Per-group accuracy, macro-F1 and count, each `(r, n_groups)`; NaN for absent groups.

    `groups` holds each gathered sample's group code, so groups are resampled inside the
    overall resamples (their sizes vary as they would in a new draw of the evaluation set).
    """
    counts = row_counts(rows, groups, n_groups) if counts is None else counts
    scores = scores_from_counts(counts)
    return {"accuracy": scores["accuracy"], "f1_macro": scores["f1_macro"], "count": counts.support.sum(axis=-1)}


def smoothed_rows(counts: ClassCounts, overall: np.ndarray, per_class: np.ndarray) -> dict[str, np.ndarray]:
    """`COUNT_SCALARS` `(r,)` and `per_class_f1` `(r, k)` from `row_counts` plus pseudo-counts `(r, 3, k)`."""
    scores = scores_from_counts(with_pseudo(counts, overall), counts)
    smoothed = {name: scores[name] for name in COUNT_SCALARS}
    smoothed["per_class_f1"] = scores_from_counts(with_pseudo(counts, per_class), counts)["per_class_f1"]
    return smoothed


def smoothed_group_rows(counts: ClassCounts, pseudo: np.ndarray) -> dict[str, np.ndarray]:
    """Per-group accuracy and macro-F1 `(r, n_groups)` from group `row_counts` plus pseudo-counts `(r, 3, n_groups, k)`."""
    scores = scores_from_counts(with_pseudo(counts, pseudo), counts)
    absent = counts.support.sum(axis=-1) == 0  # a group missing from a resample stays undefined
    return {name: np.where(absent, np.nan, scores[name]) for name in GROUP_METRICS}
