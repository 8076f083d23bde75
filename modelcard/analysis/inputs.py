"""Boundary checks for predictions and slice columns, so every analysis can trust its inputs.

Each failure is a `UserError` with one line that names the problem and the fix; past this
point arrays are canonical (int64 labels, float64 probabilities, str group values).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..errors import UserError

#: How far a probability row may sum from 1 (float32 softmax outputs are off by ~1e-7).
ROW_SUM_TOLERANCE = 1e-3


def validate_predictions(y_true, y_prob, class_names: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Return `(y_true int64 (n,), y_prob float64 (n, k), class_names list)` or raise `UserError`."""
    y_true = np.asarray(y_true)
    y_prob = np.asarray(y_prob)
    if y_true.ndim != 1:
        raise UserError(f"y_true must be a 1-D array of class indices, got shape {y_true.shape}; pass one label per sample")
    if y_prob.ndim != 2:
        raise UserError(f"y_prob must be a 2-D array (samples x classes), got shape {y_prob.shape}; pass one probability row per sample")
    n, k = y_prob.shape
    if n == 0:
        raise UserError("no predictions to evaluate (0 samples); evaluate on a non-empty set")
    if y_true.shape[0] != n:
        raise UserError(f"y_true has {y_true.shape[0]} labels but y_prob has {n} rows; pass one label per probability row")
    if k < 2:
        raise UserError(f"need at least 2 classes, got {k}; a classifier card needs a multi-class or binary problem")
    names = list(class_names)
    if len(names) != k:
        raise UserError(f"got {len(names)} class names for {k} probability columns; pass one name per column, in column order")
    if not all(isinstance(name, str) and name for name in names):
        raise UserError("class names must be non-empty strings; fix the class list")
    if len(set(names)) != k:
        raise UserError("class names must be unique; rename the duplicated classes")
    y_true = validate_labels(y_true, k, "y_true")
    if not np.issubdtype(y_prob.dtype, np.number) or np.issubdtype(y_prob.dtype, np.complexfloating):
        raise UserError(f"y_prob must hold real numbers, got dtype {y_prob.dtype}; pass predicted probabilities")
    y_prob = y_prob.astype(np.float64)
    if not np.isfinite(y_prob).all():
        raise UserError("y_prob contains NaN or infinite values; check the model outputs")
    if (y_prob < 0).any() or (y_prob > 1).any():
        raise UserError("y_prob values must lie in [0, 1]; pass softmax probabilities, not logits")
    worst = float(np.abs(y_prob.sum(axis=1) - 1.0).max())
    if worst > ROW_SUM_TOLERANCE:
        raise UserError(f"y_prob rows must sum to 1 (worst row is off by {worst:.3g}); pass softmax probabilities, not logits or scores")
    return y_true, y_prob, names


def validate_labels(labels, k: int | None, name: str) -> np.ndarray:
    """Integer class indices in [0, k) (any k >= 0 when `k` is None) as int64.

    Floats pass only when they are whole numbers (labels read back from CSV or JSON).
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] == 0:
        raise UserError(f"{name} must be a non-empty 1-D array of class indices, got shape {labels.shape}; pass one label per sample")
    whole_floats = labels.dtype.kind == "f" and np.isfinite(labels).all() and (labels == np.round(labels)).all()
    if labels.dtype.kind not in "iub" and not whole_floats:
        raise UserError(f"{name} must hold integer class indices, got dtype {labels.dtype}; map class names to indices first")
    labels = labels.astype(np.int64)
    if labels.min() < 0 or (k is not None and labels.max() >= k):
        allowed = "0 or more" if k is None else f"0..{k - 1}"
        raise UserError(f"{name} has labels outside {allowed} (found {labels.min()}..{labels.max()}); labels must index the class names")
    return labels


def validate_label_pair(y_true, y_pred, k: int | None) -> tuple[np.ndarray, np.ndarray]:
    """True and predicted class indices of equal length, both checked by `validate_labels`."""
    y_true = validate_labels(y_true, k, "y_true")
    y_pred = validate_labels(y_pred, k, "y_pred")
    if y_true.shape != y_pred.shape:
        raise UserError(f"y_true has {y_true.shape[0]} labels but y_pred has {y_pred.shape[0]}; pass one prediction per label")
    return y_true, y_pred


def validate_groups(groups: Mapping[str, object] | None, n: int) -> dict[str, np.ndarray]:
    """Return the slice columns as `{name: str array (n,)}` in sorted column order."""
    if groups is None:
        return {}
    if not isinstance(groups, Mapping):
        raise UserError("groups must be a mapping of column name to one value per sample; pass a dict")
    checked: dict[str, np.ndarray] = {}
    for column in sorted(groups, key=str):
        if not isinstance(column, str) or not column:
            raise UserError(f"slice column names must be non-empty strings, got {column!r}; rename the column")
        values = np.asarray(groups[column])
        if values.ndim != 1 or values.shape[0] != n:
            raise UserError(f"slice column {column!r} has shape {values.shape} but there are {n} samples; give one value per sample")
        checked[column] = values.astype(str)
    return checked


def _check_whole(name: str, value, minimum: int, example: str) -> None:
    """A whole number (not a bool) of at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise UserError(f"{name} must be a whole number >= {minimum}, got {value!r}; use e.g. {example}")


def validate_options(*, n_resamples=None, seed=None, confidence=None, n_bins=None, min_group_size=None,
                     top_confusions=None) -> None:
    """Reject option values that would make the analysis meaningless; None means not given."""
    wholes = (("n_resamples", n_resamples, 0, "1000 (0 skips the intervals)"), ("seed", seed, 0, "0"),
              ("n_bins", n_bins, 1, "15"), ("min_group_size", min_group_size, 1, "30"),
              ("top_confusions", top_confusions, 0, "10"))
    for name, value, minimum, example in wholes:
        if value is not None:
            _check_whole(name, value, minimum, example)
    if confidence is not None and not (isinstance(confidence, (int, float)) and 0.0 < confidence < 1.0):
        raise UserError(f"confidence must lie strictly between 0 and 1, got {confidence!r}; use e.g. 0.95")


def encode_groups(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Sorted distinct group names and each sample's code into them.

    >>> names, codes = encode_groups(np.array(["b", "a", "b"]))
    >>> names, codes.tolist()
    (['a', 'b'], [1, 0, 1])
    """
    names, codes = np.unique(np.asarray(values).astype(str), return_inverse=True)
    return [str(name) for name in names], codes.astype(np.int64)
