"""Classification scores from per-class counts, vectorised over any leading axes.

Point estimates and every bootstrap resample go through these same formulas, so the
intervals describe exactly the numbers that are reported. They follow scikit-learn's
`precision_recall_fscore_support(zero_division=0)` and `balanced_accuracy_score`: macro
averages run over the labels present in `y_true` or `y_pred` (sklearn's default label set),
weighted averages weight by true support, balanced accuracy averages recall over the classes
with support. Tests check them against scikit-learn on the raw data and on resamples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassCounts:
    """Per-class counts with shape `(..., k)`: true positives, true support, predictions."""

    tp: np.ndarray
    support: np.ndarray
    predicted: np.ndarray


def row_bincount(codes: np.ndarray, n_codes: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Count (or sum `weights` of) `codes` in `[0, n_codes)` separately for each row of a 2-D array.

    One flat `np.bincount` over `row * n_codes + code` replaces a Python loop over rows.
    """
    rows = codes.shape[0]
    flat = (codes + (np.arange(rows, dtype=np.int64) * n_codes)[:, None]).ravel()
    summed = np.bincount(flat, weights=None if weights is None else weights.ravel(), minlength=rows * n_codes)
    return summed.reshape(rows, n_codes).astype(np.float64, copy=False)


def class_counts(y_true: np.ndarray, y_pred: np.ndarray, correct: np.ndarray, k: int,
                 cells: np.ndarray | None = None, n_cells: int = 1) -> ClassCounts:
    """Counts per row of `(r, m)` label arrays: shape `(r, k)`, or `(r, n_cells, k)` with `cells`.

    `cells` (same shape, values in `[0, n_cells)`) splits each row into groups, which is how
    per-group scores come out of the same resamples as the overall ones.
    """
    rows = y_true.shape[0]
    base = np.zeros_like(y_true) if cells is None else cells * k
    support = row_bincount(base + y_true, n_cells * k)
    predicted = row_bincount(base + y_pred, n_cells * k)
    tp = row_bincount(base + y_true, n_cells * k, weights=correct)
    shape = (rows, k) if cells is None else (rows, n_cells, k)
    return ClassCounts(tp=tp.reshape(shape), support=support.reshape(shape), predicted=predicted.reshape(shape))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """`num / den`, NaN where `den == 0` (undefined, rather than a silent 0)."""
    return np.divide(num, den, out=np.full(np.broadcast(num, den).shape, np.nan), where=den > 0)


def _mean_over(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of `values` over the last axis where `mask` holds (undefined entries count as 0)."""
    total = np.where(mask, np.nan_to_num(values, nan=0.0), 0.0).sum(axis=-1)
    return _ratio(total, mask.sum(axis=-1).astype(np.float64))


def scores_from_counts(counts: ClassCounts, observed: ClassCounts | None = None) -> dict[str, np.ndarray]:
    """Accuracy, balanced accuracy, per-class and averaged precision/recall/F1.

    Per-class arrays keep NaN where a score is undefined (no predictions, no support), so
    bootstrap intervals skip those resamples; the averages use sklearn's zero_division=0.
    `observed` (counts without pseudo-counts) decides which classes are present, when given.
    """
    tp, support, predicted = counts.tp, counts.support, counts.predicted
    observed = observed or counts
    present = (observed.support + observed.predicted) > 0
    has_support = observed.support > 0
    precision = _ratio(tp, predicted)
    recall = _ratio(tp, support)
    f1 = np.where(present, _ratio(2.0 * tp, support + predicted), np.nan)
    total = support.sum(axis=-1)
    scores = {
        "accuracy": _ratio(tp.sum(axis=-1), total),
        "balanced_accuracy": _mean_over(recall, has_support),
        "per_class_precision": precision,
        "per_class_recall": recall,
        "per_class_f1": f1,
    }
    for name, values in (("precision", precision), ("recall", recall), ("f1", f1)):
        scores[f"{name}_macro"] = _mean_over(values, present)
        scores[f"{name}_weighted"] = _ratio((np.nan_to_num(values, nan=0.0) * support).sum(axis=-1), total)
    return scores
