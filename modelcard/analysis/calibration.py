"""Expected calibration error and its reliability curve over equal-width confidence bins.

Confidence is the top-class probability; bins are `(lower, upper]` on `linspace(0, 1, n_bins + 1)`
(the first also takes 0). ECE = sum over bins of |accuracy - mean confidence| * n_bin / n,
which equals sum over bins of |sum(correct - confidence)| / n: the form used for resamples.

ECE is biased upward on small samples (binning noise never cancels inside an absolute value),
and a resample is a small sample too: for a well calibrated model the percentile interval of
ECE can sit almost entirely above the point value. Read its interval as "how noisy", not as
an unbiased range.
"""

from __future__ import annotations

import numpy as np

from .counts import row_bincount


def bin_edges(n_bins: int) -> np.ndarray:
    """The `n_bins + 1` equal-width edges from 0 to 1.

    >>> bin_edges(4).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    return np.linspace(0.0, 1.0, n_bins + 1)


def bin_index(confidence: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin of each confidence: `i` such that `edges[i] < c <= edges[i + 1]` (0 for c == 0).

    >>> bin_index(np.array([0.0, 0.25, 0.3, 1.0]), 4).tolist()
    [0, 0, 1, 3]
    """
    return np.searchsorted(bin_edges(n_bins)[1:-1], confidence, side="left").astype(np.int64)


def ece_rows(bins: np.ndarray, gap: np.ndarray, n_bins: int) -> np.ndarray:
    """ECE of each row of `(r, m)` bin indices and `correct - confidence` gaps, shape `(r,)`."""
    per_bin = row_bincount(bins, n_bins, weights=gap)
    return np.abs(per_bin).sum(axis=1) / bins.shape[1]


def reliability_bins(bins: np.ndarray, correct: np.ndarray, confidence: np.ndarray, n_bins: int) -> list[dict]:
    """Per bin: lower, upper, count, accuracy and mean confidence (None for empty bins)."""
    return bins_from_sums(np.bincount(bins, minlength=n_bins), np.bincount(bins, weights=correct, minlength=n_bins),
                          np.bincount(bins, weights=confidence, minlength=n_bins))


def bins_from_sums(counts: np.ndarray, hits: np.ndarray, confidence_sums: np.ndarray) -> list[dict]:
    """The reliability table from per-bin image counts, correct answers and confidence sums."""
    n_bins = len(counts)
    edges = bin_edges(n_bins)
    table = []
    for i in range(n_bins):
        filled = counts[i] > 0
        table.append({
            "lower": float(edges[i]),
            "upper": float(edges[i + 1]),
            "count": int(counts[i]),
            "accuracy": float(hits[i] / counts[i]) if filled else None,
            "confidence": float(confidence_sums[i] / counts[i]) if filled else None,
        })
    return table

