"""Confidence intervals for proportions of counted images: the Wilson score interval.

Accuracy, top-5 accuracy, per-class recall and precision and per-group accuracy are each
`k` successes out of `n` images, so their interval comes from the binomial distribution, not
from resampling. The percentile bootstrap collapses at small `n` (2 of 2 right gives
[1.000, 1.000]); Wilson keeps close to its nominal coverage at every `n` (see
`bench/coverage.py`). Clopper-Pearson never undercovers but overcovers so much (about 0.97 on
average over the coverage grid, 0.99 at small `n`) that its intervals are wider than the
data justify; Wilson averages about 0.95 and its worst cell is about 0.90 (n = 10, p = 0.99).

One closed form computes every interval, vectorised (Newcombe 1998, the formula scipy's
`binomtest(k, n).proportion_ci(method="wilson")` evaluates; the tests hold the two equal to
1e-12 on a grid of k, n and levels): the card's sample-size planning uses it too, at rates that
need not be k/n for a whole k. It needs neither scipy nor a cache, so `build` can plan test sizes
without importing scipy.

`proportion_interval` gives a rate (k of n) as the record's `{value, ci_low, ci_high}` object with
this same interval, so every rate on the record switches method in one place.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

#: The record's name of the method (`evaluations.<set>.intervals`), and how the card names it.
WILSON = "wilson"
WILSON_LABEL = "Wilson score interval"
#: How the record names the interval of a rate given by `proportion_interval`.
PROPORTION_METHOD = WILSON_LABEL


def normal_quantile(confidence: float) -> float:
    """The two-sided standard normal quantile of a level, e.g. 1.95996 for 0.95."""
    return NormalDist().inv_cdf(0.5 + 0.5 * float(confidence))


def wilson_interval(successes, trials, confidence: float = 0.95, *,
                    exact_counts: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of `successes / trials`, element-wise; NaN where `trials == 0`.

    Any array shapes that broadcast together. With `exact_counts` (the default) counts are rounded to whole
    numbers (floats holding whole numbers are fine); `exact_counts=False` keeps a fractional number of
    successes, for planning at a rate (`sample_size.py`). The bounds are exactly 0 at no success and 1 at
    all successes, as scipy's are.

    >>> low, high = wilson_interval(2, 2)
    >>> round(float(low), 3), float(high)
    (0.342, 1.0)
    """
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    if exact_counts:
        k, n = np.rint(k), np.rint(n)
    k, n = np.broadcast_arrays(k, n)
    z = normal_quantile(confidence)
    defined = n > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(defined, k / np.where(defined, n, 1.0), np.nan)
        denom = 2 * (n + z * z)
        center = (2 * n * p + z * z) / denom
        delta = z / denom * np.sqrt(np.maximum(4 * n * p * (1 - p) + z * z, 0.0))
        low = np.where(k <= 0, 0.0, center - delta)
        high = np.where(k >= n, 1.0, center + delta)
    return np.where(defined, low, np.nan), np.where(defined, high, np.nan)


def proportion_interval(successes: int, n: int, confidence: float = 0.95) -> dict:
    """`{"value", "ci_low", "ci_high"}` for `successes` out of `n` (all None when n is 0).

    >>> proportion_interval(0, 10)["ci_high"] > 0.2
    True
    >>> {key: round(value, 4) for key, value in proportion_interval(9, 10).items()}
    {'value': 0.9, 'ci_low': 0.5958, 'ci_high': 0.9821}
    >>> proportion_interval(0, 0)
    {'value': None, 'ci_low': None, 'ci_high': None}
    """
    k, n = int(successes), int(n)
    if n <= 0:
        return {"value": None, "ci_low": None, "ci_high": None}
    if not 0 <= k <= n:
        raise ValueError(f"successes must be in 0..{n}, got {k}")
    low, high = wilson_interval(k, n, confidence)
    return {"value": k / n, "ci_low": float(low), "ci_high": float(high)}
