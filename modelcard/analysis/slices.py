"""Per-group accuracy and macro-F1 with fairlearn's `MetricFrame`, plus disparity summaries.

Groups smaller than `min_group_size` are kept but flagged unreliable: their scores swing too
much to support a claim. Difference (max - min) and ratio (min / max) run over all groups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np
from fairlearn.metrics import MetricFrame, count
from sklearn.metrics import accuracy_score, f1_score

from .inputs import encode_groups, validate_groups, validate_label_pair, validate_options


def f1_macro(y_true, y_pred) -> float:
    """Macro F1 over the labels present in the group (sklearn default), zero_division=0."""
    return f1_score(y_true, y_pred, average="macro", zero_division=0)


#: Named callables, as MetricFrame wants them (a bare functools.partial warns).
SLICE_METRICS = {"accuracy": accuracy_score, "f1_macro": f1_macro, "count": count}
COMPARED = ("accuracy", "f1_macro")


@dataclass(frozen=True)
class SliceSummary:
    """One slice column: per-group lists in sorted group order, plus disparity summaries."""

    column: str
    groups: list[str]
    count: list[int]
    unreliable: list[bool]
    accuracy: list[float]
    f1_macro: list[float]
    difference: dict[str, float]
    ratio: dict[str, float | None]
    worst_group: dict[str, str]


def _finite_or_none(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def summarise_slice(column: str, y_true: np.ndarray, y_pred: np.ndarray, values: np.ndarray,
                    min_group_size: int = 30) -> SliceSummary:
    """Run `MetricFrame` on one validated slice column."""
    names, _ = encode_groups(values)
    frame = MetricFrame(metrics=SLICE_METRICS, y_true=y_true, y_pred=y_pred, sensitive_features={column: values})
    by_group = frame.by_group.reindex(names)
    difference, ratio = frame.difference(), frame.ratio()
    counts = [int(c) for c in by_group["count"]]
    return SliceSummary(
        column=column, groups=names, count=counts, unreliable=[c < min_group_size for c in counts],
        accuracy=[float(v) for v in by_group["accuracy"]], f1_macro=[float(v) for v in by_group["f1_macro"]],
        difference={metric: float(difference[metric]) for metric in COMPARED},
        ratio={metric: _finite_or_none(ratio[metric]) for metric in COMPARED},
        worst_group={metric: str(by_group[metric].idxmin()) for metric in COMPARED},
    )


def slice_metrics(y_true, y_pred, groups: Mapping[str, object], *, min_group_size: int = 30) -> list[SliceSummary]:
    """Per-group metrics for every slice column, columns in sorted order.

    >>> [site] = slice_metrics([0, 1, 1, 0], [0, 1, 0, 0], {"site": ["a", "a", "b", "b"]}, min_group_size=2)
    >>> site.groups, site.count, site.accuracy, site.unreliable, site.worst_group["accuracy"]
    (['a', 'b'], [2, 2], [1.0, 0.5], [False, False], 'b')
    >>> {key: round(value, 4) for key, value in site.difference.items()}
    {'accuracy': 0.5, 'f1_macro': 0.6667}
    """
    validate_options(min_group_size=min_group_size)
    y_true, y_pred = validate_label_pair(y_true, y_pred, None)
    return [summarise_slice(column, y_true, y_pred, values, min_group_size)
            for column, values in validate_groups(groups, y_true.shape[0]).items()]
