"""Confidence interval for the difference of two paired proportions (same images, two conditions).

Tango's asymptotic score interval (Tango 1998, Statistics in Medicine 17:891-908), in the form
given by Fagerland, Lydersen & Laake (2014, Statistical Methods in Medical Research 23:1-23),
who recommend it for paired binomial proportions at every sample size. Why not a percentile
bootstrap over images: when no image changes outcome (common with a few dozen images) every
resample gives a difference of exactly 0 and the interval collapses to [0, 0], claiming
certainty; the score interval stays honest (with 6 images and no change it is about
[-0.39, 0.39]). Neither scipy nor statsmodels ships this interval, so it is written out here,
vectorised over many pairs of conditions at once and checked by simulation in the tests.

Counts, per pair of conditions: `b` = items right in the first condition and wrong in the
second, `c` = the reverse, `n` = all items. The difference is (b - c) / n.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

METHOD = "Tango score interval for paired proportions"
_ITERATIONS = 60  # bisection steps: 2^-60 of the unit interval, far below float display precision


def _score(b: np.ndarray, c: np.ndarray, n: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Tango's score statistic at a hypothesised difference `delta` (decreasing in delta)."""
    a_coef = 2.0 * n
    b_coef = -b - c + (2.0 * n - b + c) * delta
    c_coef = -c * delta * (1.0 - delta)
    root = np.sqrt(np.maximum(b_coef ** 2 - 4.0 * a_coef * c_coef, 0.0))
    q21 = (root - b_coef) / (2.0 * a_coef)  # constrained MLE of the (wrong, right) cell probability
    variance = n * (2.0 * q21 + delta * (1.0 - delta))
    numerator = b - c - n * delta
    with np.errstate(divide="ignore", invalid="ignore"):
        z = numerator / np.sqrt(variance)
    return np.where(variance > 0, z, np.where(numerator > 0, np.inf, np.where(numerator < 0, -np.inf, 0.0)))


def paired_difference_interval(b, c, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(difference, low, high) arrays for counts `b`, `c` out of `n` (broadcast together)."""
    b, c, n = (np.asarray(x, dtype=np.float64) for x in np.broadcast_arrays(b, c, n))
    if (n <= 0).any() or (b < 0).any() or (c < 0).any() or (b + c > n).any():
        raise ValueError("paired counts need n > 0 and 0 <= b, c with b + c <= n")
    z = norm.ppf(0.5 + confidence / 2.0)
    estimate = (b - c) / n

    def solve(target: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        # the score falls as delta rises: keep [lo, hi] bracketing score(delta) == target
        lo, hi = lo.copy(), hi.copy()
        for _ in range(_ITERATIONS):
            mid = (lo + hi) / 2.0
            above = _score(b, c, n, mid) > target
            lo = np.where(above, mid, lo)
            hi = np.where(above, hi, mid)
        return (lo + hi) / 2.0

    low = solve(z, np.full_like(estimate, -1.0), estimate)
    high = solve(-z, estimate, np.full_like(estimate, 1.0))
    return estimate, low, high
