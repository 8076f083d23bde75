"""The interval of relative robustness: mean corrupted accuracy / clean accuracy on the same images.

Relative robustness R = mean_p(H_p) / H_0, where H_0 is the number of test images right when
clean and H_p the number right under corruption pass p (one corruption at one severity). The
numerator and the denominator count the same images, so they are strongly correlated; the
interval must keep each image's outcomes together. It is a *paired* bootstrap: each resample
draws n images with replacement and takes each drawn image's clean outcome and its mean
corrupted outcome over the passes, so R* = sum_i w_i m_i / sum_i w_i c_i (w: how often image i
was drawn, m_i its share of passes right, c_i its clean outcome).

A resample where no outcome changed gives R* = 1 exactly, so on a small set with rare changes
the plain bootstrap collapses to [1, 1] (it covered a true 0.998 in 28% of 10-image sets in the
simulation of `bench/coverage.py --method ratio`). As the card's other count-based intervals
(`pseudo.py`), each resample's corrupted hits get random pseudo-counts: per pass, a Gamma(1/2)
draw worth half an image gained and another worth half an image lost (zero on average), so a
set without changes is not read as certainty. The interval is the expanded percentile interval
(`bootstrap.expanded_confidence`) of the resampled ratios, held to contain the value; resamples
without a clean hit are undefined and left out. `bench/coverage.py --method ratio` measures the
coverage with known clean and corrupted rates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bootstrap import expanded_confidence, percentile_interval, resample_indices

#: The record's method id of `robustness.relative_robustness_ci` (`robustness.relative_robustness_interval.method`).
RATIO_METHOD = "smoothed_paired_bootstrap"
RATIO_DESCRIPTION = ("expanded percentile interval of paired bootstrap resamples of the images (each drawn image "
                     "keeps its clean outcome and its outcomes under every corruption), each resample's corrupted "
                     "hits plus random pseudo-counts (per corruption pass, Gamma draws worth half an image gained and "
                     "half an image lost) so that a set where no outcome changed is not read as certainty")
PSEUDO_STREAM = 5  # pseudo.py uses streams 1-3 and streamed.py 4 of the same seed


@dataclass(frozen=True)
class RatioInterval:
    """Relative robustness with its interval (all None when no clean image was right)."""

    value: float | None    # mean corrupted accuracy / clean accuracy, e.g. 0.8333
    ci_low: float | None   # e.g. 0.74
    ci_high: float | None  # e.g. 0.91


def relative_robustness_interval(clean, corrupted, *, n_resamples: int = 1000, seed: int = 0,
                                 confidence: float = 0.95) -> RatioInterval:
    """R = mean_p(corrupted[p].sum()) / clean.sum() of correctness `clean` (n,) and `corrupted` (P, n),
    with its smoothed paired bootstrap interval (no interval when `n_resamples` is 0).

    >>> r = relative_robustness_interval([1, 1, 1, 1, 0], [[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], n_resamples=200)
    >>> r.value, r.ci_low <= r.value <= r.ci_high
    (0.875, True)
    >>> relative_robustness_interval([0, 0], [[1, 0]])  # no clean image right: no ratio
    RatioInterval(value=None, ci_low=None, ci_high=None)
    """
    clean = np.asarray(clean, dtype=bool)
    corrupted = np.asarray(corrupted, dtype=bool)
    if clean.ndim != 1 or clean.size == 0 or corrupted.ndim != 2 or corrupted.shape[0] == 0 \
            or corrupted.shape[1] != clean.size:
        raise ValueError(f"clean must be (n,) and corrupted (P, n) with P, n >= 1; got {clean.shape} and "
                         f"{corrupted.shape}")
    if not clean.any():
        return RatioInterval(None, None, None)
    share = corrupted.mean(axis=0)  # m_i: each image's share of passes right
    value = float(corrupted.sum(axis=1).mean() / clean.sum())
    if not n_resamples:
        return RatioInterval(value, None, None)
    passes = corrupted.shape[0]
    rng = np.random.default_rng([seed, PSEUDO_STREAM])
    ratios = []
    for indices in resample_indices(clean.size, n_resamples, seed):
        rows = len(indices)
        pseudo = (rng.gamma(0.5, 1.0, (rows, passes)) - rng.gamma(0.5, 1.0, (rows, passes))).mean(axis=1)
        hits = clean[indices].sum(axis=1).astype(np.float64)
        numerator = share[indices].sum(axis=1) + pseudo
        ratios.append(np.divide(numerator, hits, out=np.full(rows, np.nan), where=hits > 0))
    low, high = percentile_interval(np.concatenate(ratios), expanded_confidence(confidence, clean.size))
    if not np.isfinite(low):
        return RatioInterval(value, None, None)
    return RatioInterval(value, max(0.0, min(float(low), value)), max(float(high), value))
