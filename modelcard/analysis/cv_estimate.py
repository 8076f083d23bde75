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

The other scores get intervals built the same way (since 1.3, `cv.intervals`): macro F1 and
balanced accuracy the union of the expanded percentile smoothed bootstrap of `evaluate.py` on the
pooled out-of-fold predictions and the corrected t interval over the K fold scores
(`bootstrap_or_corrected_t`); each class's recall is the accuracy of the images of that class,
so it gets the accuracy's interval on them (`wilson_or_corrected_t`: Wilson on the class's
support, the corrected t over the folds holding the class; Wilson alone when fewer than 2 do).
`bench/coverage.py --method cv-scores` measures them against a known truth.

What it estimates: the accuracy of the recipe (the chosen configuration's settings) trained on
about (K-1)/K of train+val, on new images from the same source. The test split estimates the
one shipped model; the two answer different questions and are shown side by side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .counts import class_counts, scores_from_counts
from .proportions import PROPORTION_METHOD, proportion_interval

INTERVAL_ID = "wilson_or_corrected_t"
INTERVAL_METHOD = ("the wider of the Wilson score interval on n = train+val pooled out-of-fold predictions and the "
                   "Nadeau-Bengio corrected resampled t interval over the K fold accuracies (their union)")
CONFIDENCE = 0.95
SCORE_INTERVAL_ID = "bootstrap_or_corrected_t"
SCORE_INTERVAL_METHOD = ("the wider of the expanded percentile bootstrap interval with pseudo-counts on the n = "
                         "train+val pooled out-of-fold predictions and the Nadeau-Bengio corrected resampled t interval "
                         "over the K fold scores (their union)")
#: The pooled scores besides accuracy that get `SCORE_INTERVAL_ID`.
CV_SCORES = ("f1_macro", "balanced_accuracy")
N_RESAMPLES = 1000


@dataclass(frozen=True)
class ScoreInterval:
    """A cross-validated score with its interval, the union of its two parts."""

    value: float | None                        # pooled out-of-fold score, e.g. 0.761
    ci_low: float | None                       # e.g. 0.68
    ci_high: float | None                      # e.g. 0.83
    pooled: tuple[float, float] | None         # the interval on the pooled predictions, e.g. (0.69, 0.82)
    corrected_t: tuple[float, float] | None    # Nadeau-Bengio over the fold scores, e.g. (0.68, 0.83); None: < 2 folds
    fold_scores: tuple[float, ...]             # each fold's score, e.g. (0.74, 0.80, 0.77, 0.71, 0.79)

    def metric(self) -> dict:
        """The record's metric object `{value, ci_low, ci_high}`."""
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high}


def _union(value: float | None, pooled: tuple[float, float] | None, t_interval: tuple[float, float] | None,
           fold_scores: Sequence[float]) -> ScoreInterval:
    parts = [p for p in (pooled, t_interval) if p is not None]
    low = min(p[0] for p in parts) if parts else None
    high = max(p[1] for p in parts) if parts else None
    return ScoreInterval(value, low, high, pooled, t_interval, tuple(float(v) for v in fold_scores))


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


def rate_interval(correct: np.ndarray, fold_of: np.ndarray, confidence: float = CONFIDENCE) -> ScoreInterval:
    """A pooled out-of-fold rate (accuracy; a class's recall on its images) with the union of the Wilson
    interval on its images and the corrected t interval over the folds that hold any of them."""
    correct = np.asarray(correct, dtype=bool)
    fold_of = np.asarray(fold_of, dtype=np.int64)
    wilson = proportion_interval(int(correct.sum()), len(correct), confidence)
    if wilson["value"] is None:
        return ScoreInterval(None, None, None, None, None, ())
    folds = sorted(set(fold_of.tolist()))
    rates = [float(correct[fold_of == f].mean()) for f in folds]
    sizes = [int((fold_of == f).sum()) for f in folds]
    return _union(wilson["value"], (wilson["ci_low"], wilson["ci_high"]), corrected_t_interval(rates, sizes, confidence),
                  rates)


def cv_accuracy_interval(correct: np.ndarray, fold_of: np.ndarray, confidence: float = CONFIDENCE) -> dict:
    """`metric`: `{value, ci_low, ci_high}` of pooled out-of-fold accuracy with the recorded interval (the
    union of `wilson` and `corrected_t`, each [low, high]; also as `union`), the fold accuracies and sizes.

    >>> agree = cv_accuracy_interval([True, True, False, True, True, False], [0, 0, 0, 1, 1, 1])
    >>> {key: round(value, 4) for key, value in agree["metric"].items()}  # the folds agree: the Wilson interval
    {'value': 0.6667, 'ci_low': 0.3, 'ci_high': 0.9032}
    >>> differ = cv_accuracy_interval([True, True, False, True, True, True], [0, 0, 0, 1, 1, 1])
    >>> [round(a, 4) for a in differ["fold_accuracy"]], differ["fold_sizes"], differ["union"]  # t over 2 folds: wide
    ([0.6667, 1.0], [3, 3], [0.0, 1.0])
    """
    fold_of = np.asarray(fold_of, dtype=np.int64)
    rate = rate_interval(correct, fold_of, confidence)
    t_interval = rate.corrected_t
    return {"metric": rate.metric(), "wilson": list(rate.pooled), "union": [rate.ci_low, rate.ci_high],
            "corrected_t": None if t_interval is None else list(t_interval),
            "fold_accuracy": list(rate.fold_scores), "fold_sizes": [int(c) for c in np.bincount(fold_of) if c]}


@dataclass(frozen=True)
class CvScoreIntervals:
    """The cross-validated scores besides accuracy, each with its interval."""

    f1_macro: ScoreInterval                    # bootstrap_or_corrected_t, e.g. ScoreInterval(0.76, 0.68, 0.83, ...)
    balanced_accuracy: ScoreInterval           # bootstrap_or_corrected_t
    recall: tuple[ScoreInterval, ...]          # per class, in class order (wilson_or_corrected_t; all None: no image)


def cv_score_intervals(y_true, y_prob, fold_of, class_names: Sequence[str], *, n_resamples: int = N_RESAMPLES,
                       seed: int = 0, confidence: float = CONFIDENCE) -> CvScoreIntervals:
    """Macro F1 and balanced accuracy (`bootstrap_or_corrected_t`) and each class's recall
    (`wilson_or_corrected_t`) of out-of-fold predictions: `y_prob` (n, k), `fold_of` (n,) each row's fold.

    >>> probs = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3], [0.3, 0.7], [0.4, 0.6]]
    >>> scores = cv_score_intervals([0, 1, 1, 0, 1, 0], probs, [0, 0, 0, 1, 1, 1], ["cat", "dog"], n_resamples=200)
    >>> round(scores.f1_macro.value, 4), [round(r.value, 4) for r in scores.recall]
    (0.6667, [0.6667, 0.6667])
    >>> scores.f1_macro.ci_low <= scores.f1_macro.value <= scores.f1_macro.ci_high
    True
    """
    from .evaluate import evaluate_predictions  # validates y_true, y_prob and class_names

    ev = evaluate_predictions(y_true, y_prob, class_names, n_resamples=n_resamples, seed=seed, confidence=confidence,
                              top_confusions=0)
    y_true = np.asarray(y_true, dtype=np.int64)
    fold_of = np.asarray(fold_of, dtype=np.int64)
    if fold_of.shape != y_true.shape:
        raise ValueError(f"fold_of must hold one fold per row ({len(y_true)}), got shape {fold_of.shape}")
    predicted = np.asarray(y_prob).argmax(axis=1)
    correct = predicted == y_true
    folds = sorted(set(fold_of.tolist()))
    sizes = [int((fold_of == f).sum()) for f in folds]
    per_fold = [scores_from_counts(class_counts(y_true[None, fold_of == f], predicted[None, fold_of == f],
                                                correct[None, fold_of == f], len(class_names))) for f in folds]

    def score(name: str) -> ScoreInterval:
        pooled = ev.metrics[name]
        values = [float(s[name][0]) for s in per_fold]
        bounds = None if pooled.ci_low is None else (pooled.ci_low, pooled.ci_high)
        return _union(pooled.value, bounds, corrected_t_interval(values, sizes, confidence), values)

    recall = tuple(rate_interval(correct[y_true == c], fold_of[y_true == c], confidence)
                   for c in range(len(class_names)))
    return CvScoreIntervals(f1_macro=score("f1_macro"), balanced_accuracy=score("balanced_accuracy"), recall=recall)


def _parts(score: ScoreInterval) -> dict:
    """The record's `cv.intervals.parts.<score>`."""
    return {"pooled": None if score.pooled is None else list(score.pooled),
            "corrected_t": None if score.corrected_t is None else list(score.corrected_t),
            "fold_scores": list(score.fold_scores)}


def cv_section(y_true, y_prob, fold_of, class_names: Sequence[str], *, n_train: int, n_val: int, k: int,
               k_requested: int, k_note: str | None, seed: int, head: str, n_resamples: int = N_RESAMPLES) -> dict:
    """The record's `cv` section from out-of-fold probabilities (docs/run-record.md, "cv").

    >>> probs = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3], [0.3, 0.7], [0.4, 0.6]]
    >>> section = cv_section([0, 1, 1, 0, 1, 0], probs, [0, 0, 0, 1, 1, 1], ["cat", "dog"], n_train=4, n_val=2, k=2,
    ...                      k_requested=5, k_note=None, seed=0, head="a stand-in head", n_resamples=100)
    >>> section["n"], section["k"], round(section["metrics"]["accuracy"]["value"], 4)
    (6, 2, 0.6667)
    >>> [(c["class_name"], c["support"], c["recognised"]) for c in section["per_class"]]
    [('cat', 3, 2), ('dog', 3, 2)]
    """
    y_true = np.asarray(y_true, dtype=np.int64)
    predicted = np.asarray(y_prob).argmax(axis=1)
    acc = cv_accuracy_interval(predicted == y_true, fold_of)
    scores = cv_score_intervals(y_true, np.asarray(y_prob, dtype=np.float64), fold_of, list(class_names),
                                n_resamples=n_resamples, seed=seed)
    per_class = []
    for c, name in enumerate(class_names):
        hits = int(((y_true == c) & (predicted == c)).sum())
        per_class.append({"class_name": name, "support": int((y_true == c).sum()), "recognised": hits,
                          "recall": scores.recall[c].metric()})
    return {
        "k": int(k), "k_requested": int(k_requested), "k_note": k_note, "seed": int(seed),
        "n": int(len(y_true)), "n_train": int(n_train), "n_val": int(n_val),
        "folds": "stratified group K-fold over train+val (scikit-learn StratifiedGroupKFold): duplicate groups "
                 "stay inside one fold",
        "head": head,
        "metrics": {"accuracy": acc["metric"], "f1_macro": scores.f1_macro.metric(),
                    "balanced_accuracy": scores.balanced_accuracy.metric()},
        "accuracy_interval": {"method": INTERVAL_ID, "description": INTERVAL_METHOD, "confidence": CONFIDENCE,
                              "wilson": acc["wilson"], "wilson_method": PROPORTION_METHOD,
                              "corrected_t": acc["corrected_t"]},
        "intervals": {"confidence": CONFIDENCE, "n_resamples": int(n_resamples), "seed": int(seed),
                      "methods": {INTERVAL_ID: INTERVAL_METHOD, SCORE_INTERVAL_ID: SCORE_INTERVAL_METHOD},
                      "metrics": {"accuracy": INTERVAL_ID, "f1_macro": SCORE_INTERVAL_ID,
                                  "balanced_accuracy": SCORE_INTERVAL_ID},
                      "per_class": {"recall": INTERVAL_ID},
                      "parts": {"f1_macro": _parts(scores.f1_macro),
                                "balanced_accuracy": _parts(scores.balanced_accuracy)}},
        "fold_accuracy": acc["fold_accuracy"], "fold_sizes": acc["fold_sizes"],
        "per_class": per_class,
    }
