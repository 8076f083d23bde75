"""Confusion matrix (scikit-learn) and the class pairs the model mixes up most often."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.metrics import confusion_matrix

from .inputs import validate_label_pair, validate_options


def top_confusions(counts: np.ndarray, class_names: Sequence[str], top: int = 10) -> list[dict]:
    """Off-diagonal cells with a count, by count descending then (true, predicted) names.

    `rate` is the share of the true class's samples that went to the predicted class.

    >>> top = top_confusions(np.array([[3, 1], [2, 2]]), ["cat", "dog"])
    >>> top[0]
    {'true': 'dog', 'predicted': 'cat', 'count': 2, 'rate': 0.5}
    >>> [(cell["true"], cell["predicted"], cell["count"], cell["rate"]) for cell in top]
    [('dog', 'cat', 2, 0.5), ('cat', 'dog', 1, 0.25)]
    """
    support = counts.sum(axis=1)
    cells = [(-int(counts[t, p]), class_names[t], class_names[p], t) for t, p in zip(*np.nonzero(counts)) if t != p]
    return [{"true": true, "predicted": predicted, "count": -negative, "rate": float(-negative / support[t])}
            for negative, true, predicted, t in sorted(cells)[:top]]


def confusion_summary(y_true, y_pred, class_names: Sequence[str], top: int = 10) -> dict:
    """`{"confusion_matrix": {"labels", "counts"}, "top_confusions": [...]}`; rows are true classes.

    >>> summary = confusion_summary([0, 1, 1, 2], [0, 2, 1, 2], ["a", "b", "c"])
    >>> summary["confusion_matrix"]["counts"]
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    >>> summary["top_confusions"]
    [{'true': 'b', 'predicted': 'c', 'count': 1, 'rate': 0.5}]
    """
    validate_options(top_confusions=top)
    names = list(class_names)
    k = len(names)
    y_true, y_pred = validate_label_pair(y_true, y_pred, k)
    return confusion_from_counts(confusion_matrix(y_true, y_pred, labels=np.arange(k)), names, top)


def confusion_from_counts(counts: np.ndarray, names: list[str], top: int = 10) -> dict:
    """`confusion_summary` of a `(k, k)` count matrix (rows: true classes)."""
    return {
        "confusion_matrix": {"labels": names, "counts": counts.astype(int).tolist()},
        "top_confusions": top_confusions(counts, names, top),
    }
