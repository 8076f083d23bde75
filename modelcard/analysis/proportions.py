"""Confidence intervals for proportions of counted images: the Wilson score interval.

Accuracy, top-5 accuracy, per-class recall and precision and per-group accuracy are each
`k` successes out of `n` images, so their interval comes from the binomial distribution, not
from resampling. The percentile bootstrap collapses at small `n` (2 of 2 right gives
[1.000, 1.000]); Wilson keeps close to its nominal coverage at every `n` (see
`bench/coverage.py`). Clopper-Pearson never undercovers but overcovers so much (about 0.97 on
average over the coverage grid, 0.99 at small `n`) that its intervals are wider than the
data justify; Wilson averages about 0.95 and its worst cell is about 0.90 (n = 10, p = 0.99).

scipy computes every interval (`binomtest(k, n).proportion_ci(method="wilson")`); each
distinct `(k, n, confidence)` is computed once per process (a cache), which keeps 1,000
classes x 2 metrics fast.
"""

from __future__ import annotations

import functools

import numpy as np

#: The record's name of the method (`evaluations.<set>.intervals`), and how the card names it.
WILSON = "wilson"
WILSON_LABEL = "Wilson score interval"
SCIPY_METHOD = "wilson"


@functools.lru_cache(maxsize=65536)
def _wilson(hits: int, total: int, confidence: float) -> tuple[float, float]:
    """One interval from scipy, remembered: precision, recall and accuracy share many pairs."""
    from scipy.stats import binomtest  # lazily: scipy costs ~0.3 s to import, `build` never needs it

    ci = binomtest(hits, total).proportion_ci(confidence_level=confidence, method=SCIPY_METHOD)
    return ci.low, ci.high


def wilson_interval(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of `successes / trials`, element-wise; NaN where `trials == 0`.

    Any array shapes that broadcast together; counts may be floats holding whole numbers.
    """
    k, n = np.broadcast_arrays(np.rint(np.asarray(successes, dtype=np.float64)).astype(np.int64),
                               np.rint(np.asarray(trials, dtype=np.float64)).astype(np.int64))
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    defined = n > 0
    if not defined.any():
        return low, high
    pairs, inverse = np.unique(np.stack([k[defined], n[defined]], axis=1), axis=0, return_inverse=True)
    bounds = np.array([_wilson(int(hits), int(total), float(confidence)) for hits, total in pairs]).reshape(-1, 2)
    low[defined] = bounds[inverse.ravel(), 0]
    high[defined] = bounds[inverse.ravel(), 1]
    return low, high
