"""An interval for the gap between the best and the worst group of a slice attribute.

The gap reported is the observed `max_g p̂_g - min_g p̂_g` (fairlearn's `MetricFrame.difference`).
It is biased upward: every group's score carries its own noise, and the largest minus the
smallest of G noisy scores exceeds the true gap on average, most of all with tiny groups (two
groups that share one true accuracy show a positive gap almost always). Its percentile bootstrap
inherits that bias and cannot cover 0: a resampled max - min is never below 0 and is usually
above the observed one, so such an interval says "the groups differ" when they need not.

The interval here is the *projection of simultaneous per-group intervals* (method id
`simultaneous_group_projection`): each of the G groups gets an interval at level 1 - alpha/G
(Bonferroni), so that all G cover their groups' true scores at once with probability at least
1 - alpha, and the gap's interval is every gap those intervals allow:

    [max(0, max_g L_g - min_g U_g),  max_g U_g - min_g L_g].

Whenever all per-group intervals cover, the true gap max_g p_g - min_g p_g lies inside (the true
best group's score is at most max U and at least its own L, likewise for the worst group), so
the interval holds its level at every sample size, a single one-image group included, as far
as the per-group intervals hold theirs. It covers 0 whenever the per-group intervals overlap.
Accuracy: Wilson score intervals (`proportions.wilson_interval`, exact binomial counts).
Macro F1: expanded percentile intervals of the smoothed bootstrap resamples of each group at
the same adjusted level (expanded for the group's own size). A group without a defined interval
is read as anywhere in [0, 1]; so is the macro F1 of a one-image group, whose resamples only
repeat that image (the expanded percentile interval needs n - 1 >= 1 degrees of freedom).
`bench/coverage.py --method slice-gap` measures the coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bootstrap import expanded_confidence, percentile_interval
from .proportions import wilson_interval

#: The record's method id of `slices[].difference_ci` (`evaluations.<set>.intervals.slices.difference`).
GAP_METHOD = "simultaneous_group_projection"
GAP_DESCRIPTION = ("projection onto the gap of simultaneous per-group intervals: each of the G groups at level "
                   "1 - (1 - confidence) / G (Bonferroni; Wilson score interval for accuracy, expanded percentile "
                   "smoothed bootstrap of the group for macro F1), the gap's interval [max(0, max_g L_g - min_g U_g), "
                   "max_g U_g - min_g L_g] covers the true max - min whenever every group's interval covers its "
                   "group; the point value, the observed max - min, is biased upward")


@dataclass(frozen=True)
class GapInterval:
    """The observed gap between the best and the worst group, with its simultaneous interval."""

    value: float        # observed max - min over the groups, e.g. 0.065
    ci_low: float       # e.g. 0.0 (0 when the per-group intervals overlap)
    ci_high: float      # e.g. 0.52


def group_confidence(confidence: float, n_groups: int) -> float:
    """The Bonferroni level of each of `n_groups` intervals, e.g. 0.975 for 2 groups at 0.95."""
    return 1.0 - (1.0 - confidence) / max(1, int(n_groups))


def projected_gap(value: float, low, high) -> GapInterval:
    """The gap interval of per-group bounds `(G,)`; a NaN bound reads as 0 (low) or 1 (high).

    One group (or none) has no gap: [0, 0]."""
    low = np.nan_to_num(np.asarray(low, dtype=np.float64), nan=0.0)
    high = np.nan_to_num(np.asarray(high, dtype=np.float64), nan=1.0)
    if low.size < 2:
        return GapInterval(float(value), 0.0, 0.0)
    return GapInterval(float(value), max(0.0, float(low.max() - high.min())), float(high.max() - low.min()))


def accuracy_gap(hits, counts, confidence: float = 0.95) -> GapInterval:
    """Gap of per-group accuracy `hits / counts` (each count >= 1) with Wilson intervals at 1 - alpha/G.

    >>> gap = accuracy_gap([9, 5], [10, 10])  # 90% and 50% of 10 images: the intervals overlap
    >>> round(gap.value, 4), gap.ci_low, round(gap.ci_high, 4)
    (0.4, 0.0, 0.7744)
    >>> gap = accuracy_gap([90, 50], [100, 100])
    >>> round(gap.value, 4), round(gap.ci_low, 4), round(gap.ci_high, 4)
    (0.4, 0.2032, 0.5586)
    """
    hits, counts = np.asarray(hits, dtype=np.float64), np.asarray(counts, dtype=np.float64)
    if hits.shape != counts.shape or hits.ndim != 1 or (counts < 1).any() or (hits < 0).any() or (hits > counts).any():
        raise ValueError("hits and counts must be 1-D arrays of the same length with 0 <= hits <= counts, counts >= 1")
    low, high = wilson_interval(hits, counts, group_confidence(confidence, len(counts)))
    accuracy = hits / counts
    return projected_gap(float(accuracy.max() - accuracy.min()) if accuracy.size else 0.0, low, high)


def bootstrap_gap(values, draws: np.ndarray, counts, confidence: float = 0.95) -> GapInterval:
    """Gap of per-group scores `values` `(G,)` from their resampled values `draws` `(B, G)` (NaN where
    a resample lacks the group): per-group expanded percentile intervals at 1 - alpha/G, each
    widened to hold its group's own value; a group of fewer than 2 images reads as anywhere in [0, 1]."""
    values = np.asarray(values, dtype=np.float64)
    draws = np.asarray(draws, dtype=np.float64).reshape(-1, values.size)
    level = group_confidence(confidence, values.size)
    low, high = np.full(values.size, np.nan), np.full(values.size, np.nan)
    for g, n in enumerate(np.asarray(counts, dtype=np.int64)):
        if n < 2:
            continue
        lo, hi = percentile_interval(draws[:, g], expanded_confidence(level, int(n)))
        if np.isfinite(lo) and np.isfinite(values[g]):
            low[g], high[g] = min(float(lo), values[g]), max(float(hi), values[g])
    return projected_gap(float(np.nanmax(values) - np.nanmin(values)) if values.size else 0.0, low, high)
