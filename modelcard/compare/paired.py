"""Paired tests of two models on the same images: a paired bootstrap and McNemar's exact test.

The bootstrap draws one set of image indices per resample (`analysis.bootstrap.resample_indices`)
and scores both models on those same images through `analysis.rows.metric_rows`, so the
difference keeps the pairing (the images both models find easy or hard cancel out). McNemar's
exact test is the two-sided binomial test (scipy's `binomtest`) on the discordant pairs: the
images exactly one of the two models gets right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis.bootstrap import percentile_interval, resample_indices
from ..analysis.rows import metric_rows
from ..analysis.samples import PerSample

#: Metrics compared by the paired bootstrap, in report order.
PAIRED_METRICS = ("accuracy", "f1_macro")


@dataclass(frozen=True)
class PairedDifference:
    """`b - a` for one metric on the shared images, e.g. accuracy 0.906 -> 0.938 is +0.031.

    `excludes_zero` is True when the whole interval lies on one side of 0 (the data support a
    difference at this confidence); None when the interval is undefined.
    """

    metric: str             # "accuracy"
    a: float | None         # 0.906
    b: float | None         # 0.938
    difference: float | None  # 0.031
    ci_low: float | None    # -0.031
    ci_high: float | None   # 0.094
    excludes_zero: bool | None


@dataclass(frozen=True)
class McNemar:
    """McNemar's exact test on the discordant pairs, e.g. 3 images only A got right, 4 only B.

    `p_value` is the two-sided exact binomial p-value of `only_a` out of `only_a + only_b`
    under p = 0.5 (1.0 when there are no discordant pairs: nothing tells the models apart).
    """

    only_a: int            # 3
    only_b: int            # 4
    both_right: int        # 24
    both_wrong: int        # 1
    p_value: float         # 1.0
    method: str = "McNemar exact (two-sided binomial test on discordant pairs, scipy.stats.binomtest)"


def mcnemar_exact(correct_a: np.ndarray, correct_b: np.ndarray) -> McNemar:
    """McNemar's exact test for two boolean (or 0/1) per-image correctness vectors."""
    from scipy.stats import binomtest

    a = np.asarray(correct_a, dtype=bool)
    b = np.asarray(correct_b, dtype=bool)
    only_a, only_b = int((a & ~b).sum()), int((~a & b).sum())
    discordant = only_a + only_b
    p_value = float(binomtest(only_a, discordant, 0.5, alternative="two-sided").pvalue) if discordant else 1.0
    return McNemar(only_a=only_a, only_b=only_b, both_right=int((a & b).sum()), both_wrong=int((~a & ~b).sum()),
                   p_value=min(1.0, p_value))


def _finite(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def paired_bootstrap(a: PerSample, b: PerSample, *, n_resamples: int = 2000, seed: int = 0,
                     confidence: float = 0.95, metrics=PAIRED_METRICS) -> list[PairedDifference]:
    """Percentile intervals of `b - a` for `metrics`, both scored on the same resampled images.

    `a` and `b` must describe the same images in the same order (same `y_true`).
    """
    if a.y_true.shape != b.y_true.shape or not np.array_equal(a.y_true, b.y_true):
        raise ValueError("paired_bootstrap needs both models' facts on the same images, in the same order")
    n = a.y_true.shape[-1]
    whole = np.arange(n)[None, :]
    point_a, point_b = metric_rows(a.take(whole)), metric_rows(b.take(whole))
    draws: dict[str, list[np.ndarray]] = {name: [] for name in metrics}
    for indices in resample_indices(n, n_resamples, seed):
        rows_a, rows_b = metric_rows(a.take(indices)), metric_rows(b.take(indices))
        for name in metrics:
            draws[name].append(rows_b[name] - rows_a[name])
    out = []
    for name in metrics:
        low, high = percentile_interval(np.concatenate(draws[name]), confidence)
        low, high = _finite(low), _finite(high)
        excludes = None if low is None or high is None else bool(low > 0 or high < 0)
        va, vb = _finite(point_a[name][0]), _finite(point_b[name][0])
        diff = None if va is None or vb is None else vb - va
        out.append(PairedDifference(metric=name, a=va, b=vb, difference=diff, ci_low=low, ci_high=high,
                                    excludes_zero=excludes))
    return out
