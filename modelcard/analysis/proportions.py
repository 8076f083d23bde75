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
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

#: The record's name of the method (`evaluations.<set>.intervals`), and how the card names it.
WILSON = "wilson"
WILSON_LABEL = "Wilson score interval"


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
