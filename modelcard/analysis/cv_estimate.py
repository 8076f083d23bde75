"""The cross-validated estimate of a training recipe from out-of-fold predictions (record `cv`).

Every train+val image is predicted once, by the head fitted on the other folds, so pooled
accuracy uses n = train+val images. A plain Wilson interval on n treats those predictions as
independent, but the K heads share most of their training data, so the pooled figure moves with
the particular data set more than a binomial count does. `bench/coverage.py` measures it against
a known truth with this very fold code (`bench/cv_coverage.py`, 200 simulated data sets per n):
the Wilson interval covered 0.955, 0.925 and 0.895 at n = 60, 180 and 600, falling as n grows,
so it is widened: the recorded interval is the union of the Wilson interval on n and the
Nadeau-Bengio corrected resampled t interval over the K fold accuracies (variance
(1/K + n_held/n_fit) S^2, t with K-1 degrees of freedom; Nadeau & Bengio 2003), which covered
0.970, 0.985 and 0.970. The union keeps the Wilson interval when all folds agree (S^2 = 0, where
the t interval collapses) and widens it when they disagree. Both parts are recorded too.

What it estimates: the accuracy of the recipe (the chosen configuration's settings) trained on
about (K-1)/K of train+val, on new images from the same source. The test split estimates the
one shipped model; the two answer different questions and are shown side by side.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from .proportion import PROPORTION_METHOD, proportion_interval

INTERVAL_ID = "wilson_or_corrected_t"
INTERVAL_METHOD = ("the wider of the Wilson score interval on n = train+val pooled out-of-fold predictions and the "
                   "Nadeau-Bengio corrected resampled t interval over the K fold accuracies (their union)")
CONFIDENCE = 0.95


def corrected_t_interval(fold_accuracy: Sequence[float], fold_sizes: Sequence[int],
                         confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Nadeau-Bengio corrected resampled t interval of the mean fold accuracy (clipped to [0, 1]);
    None with fewer than 2 folds."""
    from scipy.stats import t

    acc = np.asarray(fold_accuracy, dtype=float)
    sizes = np.asarray(fold_sizes, dtype=float)
    k = len(acc)
    if k < 2:
        return None
    n = sizes.sum()
    held = sizes.mean()
    ratio = held / (n - held)
    mean = float(np.average(acc, weights=sizes))
    var = float(np.var(acc, ddof=1))
    half = float(t.ppf(0.5 + confidence / 2, k - 1)) * math.sqrt((1 / k + ratio) * var)
    return max(0.0, mean - half), min(1.0, mean + half)


def cv_accuracy_interval(correct: np.ndarray, fold_of: np.ndarray, confidence: float = CONFIDENCE) -> dict:
    """`metric`: `{value, ci_low, ci_high}` of pooled out-of-fold accuracy with the recorded interval (the
    union of `wilson` and `corrected_t`, each [low, high]; also as `union`), the fold accuracies and sizes."""
    correct = np.asarray(correct, dtype=bool)
    fold_of = np.asarray(fold_of, dtype=np.int64)
    wilson = proportion_interval(int(correct.sum()), len(correct), confidence)
    folds = sorted(set(fold_of.tolist()))
    acc = [float(correct[fold_of == f].mean()) for f in folds]
    sizes = [int((fold_of == f).sum()) for f in folds]
    t_interval = corrected_t_interval(acc, sizes, confidence)
    low, high = wilson["ci_low"], wilson["ci_high"]
    union = [low, high] if t_interval is None else [min(low, t_interval[0]), max(high, t_interval[1])]
    return {"metric": {"value": wilson["value"], "ci_low": union[0], "ci_high": union[1]}, "wilson": [low, high],
            "union": union,
            "corrected_t": None if t_interval is None else list(t_interval),
            "fold_accuracy": acc, "fold_sizes": sizes}


def cv_section(y_true, y_prob, fold_of, class_names: Sequence[str], *, n_train: int, n_val: int, k: int,
               k_requested: int, k_note: str | None, seed: int, head: str) -> dict:
    """The record's `cv` section from out-of-fold probabilities (docs/run-record.md, "cv")."""
    from .point import point_metrics

    y_true = np.asarray(y_true, dtype=np.int64)
    predicted = np.asarray(y_prob).argmax(axis=1)
    acc = cv_accuracy_interval(predicted == y_true, fold_of)
    point = point_metrics(y_true, np.asarray(y_prob, dtype=np.float64), list(class_names))
    per_class = []
    for c, name in enumerate(class_names):
        support = int((y_true == c).sum())
        hits = int(((y_true == c) & (predicted == c)).sum())
        per_class.append({"class_name": name, "support": support, "recognised": hits,
                          "recall": {"value": hits / support if support else None, "ci_low": None, "ci_high": None}})
    return {
        "k": int(k), "k_requested": int(k_requested), "k_note": k_note, "seed": int(seed),
        "n": int(len(y_true)), "n_train": int(n_train), "n_val": int(n_val),
        "folds": "stratified group K-fold over train+val (scikit-learn StratifiedGroupKFold): duplicate groups "
                 "stay inside one fold",
        "head": head,
        "metrics": {"accuracy": acc["metric"],
                    "f1_macro": {"value": point.scalars["f1_macro"], "ci_low": None, "ci_high": None},
                    "balanced_accuracy": {"value": point.scalars["balanced_accuracy"], "ci_low": None,
                                          "ci_high": None}},
        "accuracy_interval": {"method": INTERVAL_ID, "description": INTERVAL_METHOD, "confidence": CONFIDENCE,
                              "wilson": acc["wilson"], "wilson_method": PROPORTION_METHOD,
                              "corrected_t": acc["corrected_t"]},
        "fold_accuracy": acc["fold_accuracy"], "fold_sizes": acc["fold_sizes"],
        "per_class": per_class,
    }
