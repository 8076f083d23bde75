"""Assemble the evaluation stored in a run record's `evaluations[<set>]`: the record's typed
`Evaluation` (`modelcard.record.model.evaluation`).

Plain JSON types only inside (no numpy scalars, no NaN: undefined is None), nothing rounded, and
deterministic: the same inputs and seed give an identical evaluation (and `to_dict()`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from sklearn.metrics import confusion_matrix

from ..record.model.evaluation import Bootstrap, Evaluation

from .bootstrap import (BootstrapDistribution, GroupDistribution, bootstrap_samples, expanded_confidence,
                        percentile_interval)
from .confusion import confusion_from_counts
from .counts import ClassCounts, class_counts
from .inputs import encode_groups, validate_groups, validate_options, validate_predictions
from .interval_methods import PER_CLASS, WILSON, intervals_object, metric_method
from .point import calibration_from_samples, point_from_samples
from .proportions import wilson_interval
from .rows import GROUP_METRICS
from .samples import PerSample, per_sample
from .slice_gap import accuracy_gap, bootstrap_gap
from .slices import SliceSummary, summarise_slice

#: Why a per-class score has no value, by score (the card prints "too few images").
UNDEFINED = {"precision": "the model never predicted this class",
             "recall": "no images of this class in the set",
             "f1": "no images of this class in the set, and never predicted"}
#: The bootstrap method name kept in `bootstrap.method` (records before 1.1: "percentile").
METHOD = "expanded percentile"


def _number(value) -> float | None:
    """A finite Python float, or None for undefined (NaN/inf) values."""
    value = float(value)
    return value if math.isfinite(value) else None


def metric(value, ci_low=math.nan, ci_high=math.nan, reason: str | None = None) -> dict:
    """The Metric object `{"value", "ci_low", "ci_high"}`, None where undefined, plus `reason`
    (why the value is undefined) when one is given and the value is undefined.

    >>> metric(0.75, 0.4, 0.9)
    {'value': 0.75, 'ci_low': 0.4, 'ci_high': 0.9}
    >>> metric(float("nan"), reason="no images of this class in the set")
    {'value': None, 'ci_low': None, 'ci_high': None, 'reason': 'no images of this class in the set'}
    """
    out = {"value": _number(value), "ci_low": _number(ci_low), "ci_high": _number(ci_high)}
    if reason is not None and out["value"] is None:
        out = {"value": None, "ci_low": None, "ci_high": None, "reason": reason}
    return out


def _with_interval(value, resampled: np.ndarray | None, confidence: float) -> dict:
    """Metric for a point value and its resampled values (None: no bootstrap was run).

    `confidence` is the level of the quantiles (`expanded_confidence` of the nominal one).
    The interval always holds the measured value: pseudo-counts pull every resample of a
    perfect score below 1, and an interval that excluded the very value it describes would
    read as a contradiction.
    """
    if resampled is None:
        return metric(value)
    low, high = percentile_interval(resampled, confidence)
    if math.isfinite(float(value)) and math.isfinite(float(low)):
        low, high = min(float(low), float(value)), max(float(high), float(value))
    return metric(value, low, high)


def _proportion(hits, total, confidence: float) -> list[dict]:
    """Metric objects `hits / total` with Wilson intervals, element-wise (None where total is 0)."""
    hits, total = np.atleast_1d(np.asarray(hits, dtype=np.float64)), np.atleast_1d(np.asarray(total, dtype=np.float64))
    low, high = wilson_interval(hits, total, confidence)
    value = np.divide(hits, total, out=np.full(hits.shape, np.nan), where=total > 0)
    return [metric(v, lo, hi) for v, lo, hi in zip(value, low, high)]


def _group_hits(samples: PerSample, values: np.ndarray) -> np.ndarray:
    """Correct predictions per group, groups in sorted order (as `encode_groups`)."""
    names, codes = encode_groups(values)
    return np.bincount(codes, weights=samples.correct, minlength=len(names))


def _slice_entries(summary: SliceSummary, hits: np.ndarray, resampled: GroupDistribution | None,
                   confidence: float, level: float, min_group_size: int) -> dict:
    """One slice column in output form; `resampled` is None when no bootstrap was run.

    `difference_ci`: the observed max - min (biased upward) with the projection of simultaneous
    per-group intervals (`slice_gap.py`), which can cover 0; without a bootstrap only accuracy has one."""
    accuracy = _proportion(hits, summary.count, confidence)
    smoothed = None if resampled is None else resampled.smoothed
    groups = []
    for g, group_name in enumerate(summary.groups):
        groups.append({"group": group_name, "count": summary.count[g], "unreliable": summary.unreliable[g],
                       "accuracy": accuracy[g],
                       "f1_macro": _with_interval(summary.f1_macro[g], None if smoothed is None else smoothed["f1_macro"][:, g],
                                                  level)})
    gaps = {"accuracy": accuracy_gap(hits, summary.count, confidence),
            "f1_macro": None if smoothed is None else bootstrap_gap(summary.f1_macro, smoothed["f1_macro"],
                                                                    summary.count, confidence)}
    difference_ci = {name: metric(summary.difference[name]) if gaps[name] is None else
                     metric(summary.difference[name], gaps[name].ci_low, gaps[name].ci_high) for name in GROUP_METRICS}
    return {"column": summary.column, "min_group_size": min_group_size, "groups": groups,
            "difference": dict(summary.difference), "difference_ci": difference_ci, "ratio": dict(summary.ratio),
            "worst_group": dict(summary.worst_group)}


@dataclass(frozen=True)
class SetSummary:
    """What an evaluation entry is made of, however it was gathered (in memory or streamed)."""

    names: list[str]                 # class names, e.g. ["cat", "dog"]
    counts: ClassCounts              # (k,) tp, support and predictions of the whole set
    hits: dict[str, float]           # numerators of the Wilson scalars, e.g. {"accuracy": 27.0}
    point: dict[str, float]          # every scalar's value, e.g. {"accuracy": 0.9, "log_loss": 0.31}
    per_class_f1: np.ndarray         # (k,) point F1, 0 where undefined (sklearn's zero_division=0)
    draws: dict[str, np.ndarray] | None   # bootstrap scalar -> (B,) values its interval reads; None: no bootstrap
    f1_draws: np.ndarray | None      # (B, k) resampled per-class F1 (with pseudo-counts)
    confusion: np.ndarray            # (k, k) counts, rows true classes
    calibration: list[dict]          # reliability bins

    @property
    def n(self) -> int:
        return int(self.counts.support.sum())


def _per_class(summary: SetSummary, confidence: float, level: float) -> list[dict]:
    """Per-class precision and recall (Wilson) and F1 (smoothed bootstrap), undefined ones explained."""
    names, f1_draws = summary.names, summary.f1_draws
    tp, support, predicted = summary.counts.tp, summary.counts.support, summary.counts.predicted
    by_metric = {"precision": _proportion(tp, predicted, confidence), "recall": _proportion(tp, support, confidence)}
    by_metric["f1"] = [_with_interval(summary.per_class_f1[c] if support[c] + predicted[c] > 0 else math.nan,
                                      None if f1_draws is None else f1_draws[:, c], level)
                       for c in range(len(names))]
    per_class = []
    for c, class_name in enumerate(names):
        entry = {"class_name": class_name, "support": int(support[c])}
        for name in PER_CLASS:
            value = by_metric[name][c]
            entry[name] = value if value["value"] is not None else metric(math.nan, reason=UNDEFINED[name])
        per_class.append(entry)
    return per_class


def evaluate_predictions(y_true, y_prob, class_names: Sequence[str], groups: Mapping[str, object] | None = None, *,
                         n_resamples: int = 1000, seed: int = 0, confidence: float = 0.95, n_bins: int = 15,
                         min_group_size: int = 30, top_confusions: int = 10) -> Evaluation:
    """Every metric a model card reports, each with a confidence interval whose method is in `intervals`.

    Proportions of counted images (accuracy, top-5, per-class precision and recall, per-group
    accuracy) get Wilson score intervals. Every other interval comes from the same
    `n_resamples` seeded resamples of the whole set (count-based scores with pseudo-counts);
    slice groups are resampled inside them (not per group), so a group's size varies as it
    would in a fresh evaluation set, and a resample without the group is left out of its interval.
    A per-class score undefined for lack of data (precision of a class never predicted) is
    `{"value": None, ..., "reason": "..."}`. `n_resamples=0` skips the bootstrap (only the
    Wilson intervals are given then).

    >>> y_prob = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]]
    >>> ev = evaluate_predictions([0, 1, 1, 0], y_prob, ["cat", "dog"], n_resamples=0)
    >>> accuracy = ev.metrics["accuracy"]
    >>> ev.n_samples, accuracy.value, round(accuracy.ci_low, 4), round(accuracy.ci_high, 4)
    (4, 0.75, 0.3006, 0.9544)
    >>> ev.top_confusions[0].to_dict(), ev.metrics["f1_macro"].ci_low  # no resamples: no interval for F1
    ({'true': 'dog', 'predicted': 'cat', 'count': 1, 'rate': 0.5}, None)
    >>> ev = evaluate_predictions([0, 1, 1, 0], y_prob, ["cat", "dog"], n_resamples=200)
    >>> ev.intervals.metrics["accuracy"], ev.intervals.metrics["f1_macro"]
    ('wilson', 'smoothed_bootstrap')
    >>> ev.metric("f1_macro").method  # the metric with its interval's method, as the card reads it
    'smoothed_bootstrap'
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

    level = expanded_confidence(confidence, int(y_true.shape[0]))  # quantile level of every bootstrap interval
    counts = class_counts(samples.y_true[None], samples.y_pred[None], samples.correct[None], samples.n_classes)
    hits = {"accuracy": samples.correct.sum()} | ({} if samples.top_k_hit is None else
                                                   {"top5_accuracy": samples.top_k_hit.sum()})
    draws = None if dist is None else {name: dist.smoothed.get(name, dist.scalars[name]) for name in point.scalars
                                       if metric_method(name) != WILSON}
    summary = SetSummary(names=names, counts=ClassCounts(tp=counts.tp[0], support=counts.support[0],
                                                         predicted=counts.predicted[0]),
                         hits=hits, point=point.scalars, per_class_f1=point.per_class["f1"], draws=draws,
                         f1_draws=None if dist is None else dist.smoothed["per_class_f1"],
                         confusion=confusion_matrix(y_true, samples.y_pred, labels=np.arange(len(names))),
                         calibration=calibration_from_samples(samples))
    slices = [_slice_entries(summarise_slice(column, y_true, samples.y_pred, values, min_group_size),
                             _group_hits(samples, values), None if dist is None else dist.slices[column],
                             confidence, level, min_group_size)
              for column, values in columns.items()]
    return evaluation_entry(summary, bootstrap=Bootstrap(method=METHOD, n_resamples=int(n_resamples),
                                                         confidence=float(confidence), seed=int(seed)),
                            confidence=confidence, n_bins=n_bins, top_confusions=top_confusions, slices=slices)


def evaluation_entry(summary: SetSummary, *, bootstrap: Bootstrap, confidence: float, n_bins: int,
                     top_confusions: int, slices: list[dict], poisson: bool = False) -> Evaluation:
    """The record's typed `evaluations.<set>` of a summary; `poisson`: its resamples are Poisson
    bootstrap weights (the streamed path), named so in `intervals`. The parts are assembled as the
    record's JSON and typed once here (`Evaluation.from_dict`), so what is written is what they hold."""
    level = expanded_confidence(confidence, summary.n)
    metrics = {}
    for name, value in summary.point.items():
        if metric_method(name) == WILSON:
            metrics[name] = _proportion(summary.hits[name], summary.n, confidence)[0]
        else:
            metrics[name] = _with_interval(value, None if summary.draws is None else summary.draws[name], level)
    confusion = confusion_from_counts(summary.confusion, summary.names, top_confusions)
    return Evaluation.from_dict({
        "n_samples": summary.n,
        "n_classes": len(summary.names),
        "bootstrap": bootstrap.to_dict(),
        "intervals": intervals_object(list(metrics), summary.draws is not None, confidence, poisson=poisson),
        "metrics": metrics,
        "per_class": _per_class(summary, confidence, level),
        "confusion_matrix": confusion["confusion_matrix"],
        "top_confusions": confusion["top_confusions"],
        "calibration": {"n_bins": int(n_bins), "ece": metrics["ece"], "bins": summary.calibration},
        "slices": slices,
    })
