"""Estimated label errors with cleanlab, from out-of-sample predicted probabilities.

Why cleanlab: its confident-learning filter (`cleanlab.filter.find_label_issues`) estimates
which given labels disagree with what held-out predictions say, without re-implementing the
method. The probabilities must be out-of-sample (a model's test predictions, or K-fold
cross-validated predictions on training data); in-sample probabilities hide label errors.

Every result is the run record's typed `label_issues.<split>` entry (`record.model.LabelIssues`):
measured, with `n`, `count`, `rate` (a `Metric`), `method`, `k_folds`, `k_note`, `per_class`,
`suspects` and (from predictions) `sensitivity` and `moves_accuracy`; or, when it cannot be
measured, `measured=False` with `count` None, a `rate` whose parts are None, and the `reason`.
cleanlab is imported lazily, so importing this module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..record.model.datacard import LabelIssues
from ..record.model.metric import Metric
from ..record.typed import with_fields
from .proportions import PROPORTION_METHOD, proportion_interval

MAX_SUSPECTS = 12
CSV_FILE = "label_issues.csv"  # in the run folder: every suspect, for a person to review
FILTER = "prune_by_noise_rate"
RANKING = "self_confidence"


@dataclass(frozen=True)
class Flagged:
    """One suspected label error: row index, given and suggested class, confidence, quality score."""

    index: int
    given: int
    suggested: int
    confidence: float   # the predicted probability of the suggested class, e.g. 0.93
    score: float        # cleanlab's label quality score of the given label (lower: more suspect), e.g. 0.02


def not_measured(n: int, method: str, reason: str) -> LabelIssues:
    """The record entry for a split whose label issues could not be estimated, and why.

    >>> entry = not_measured(0, "cleanlab", "the split has no images")
    >>> entry.measured, entry.rate.value, entry.reason
    (False, None, 'the split has no images')
    >>> entry.to_dict()["rate"]  # always an object, so policies can read it
    {'value': None, 'ci_low': None, 'ci_high': None}
    """
    empty = Metric(None, None, None)  # always an object, so policies can read it
    return LabelIssues.build(measured=False, n=int(n), count=None, rate=empty, method=method, reason=reason)


def find_flagged(labels: np.ndarray, probs: np.ndarray) -> list[Flagged]:
    """cleanlab's suspected label errors, most suspect first."""
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    labels = np.asarray(labels, dtype=np.int64)
    probs = np.asarray(probs, dtype=np.float64)
    ranked = find_label_issues(labels, probs, filter_by=FILTER, return_indices_ranked_by=RANKING)
    scores = get_label_quality_scores(labels, probs, method=RANKING)
    suggested = probs.argmax(axis=1)
    return [Flagged(int(i), int(labels[i]), int(suggested[i]), float(probs[i, suggested[i]]), float(scores[i]))
            for i in ranked]


def measure(labels, probs, class_names: Sequence[str], ids: Sequence[str], *, method: str,
            k_folds: int | None = None, k_note: str | None = None) -> tuple[LabelIssues, list[Flagged]]:
    """(record entry, every flagged row) for one split; `ids` name the rows (relative paths).

    >>> y_prob = np.array([[0.9, 0.1]] * 4 + [[0.05, 0.95]] + [[0.1, 0.9]] * 5)  # row 4: a "cat" the model calls dog
    >>> entry, flagged = measure([0] * 5 + [1] * 5, y_prob, ["cat", "dog"], [f"{i}.png" for i in range(10)], method="m")
    >>> entry.count, entry.per_class, [f.index for f in flagged], round(entry.rate.value, 2)
    (1, {'cat': 1, 'dog': 0}, [4], 0.1)
    >>> measure([0, 1, 1], y_prob[:3], ["cat", "dog"], ["a", "b", "c"], method="m")[0].reason
    'too few images for an estimate: under 2 images in class(es) cat (1); add images so every class has at least 2'
    """
    labels = np.asarray(labels, dtype=np.int64)
    n = len(labels)
    counts = np.bincount(labels, minlength=len(class_names)) if n else np.zeros(len(class_names), int)
    present = counts[counts > 0]
    if n == 0 or len(present) < 2 or present.min() < 2:
        return not_measured(n, method, _too_small(counts, class_names)), []
    try:
        flagged = find_flagged(labels, probs)
    except Exception as exc:  # noqa: BLE001 - an estimate that fails is named, never fatal
        return not_measured(n, method, f"cleanlab failed: {type(exc).__name__}: {str(exc)[:160]}"), []
    per_class = dict.fromkeys(class_names, 0)
    for f in flagged:
        per_class[class_names[f.given]] += 1
    entry = LabelIssues.build(
        measured=True, n=n, count=len(flagged),
        rate=Metric.from_dict(proportion_interval(len(flagged), n)), rate_interval=PROPORTION_METHOD,
        method=method, k_folds=k_folds, k_note=k_note, per_class=per_class,
        suspects=[suspect_row(f, class_names, ids) for f in flagged[:MAX_SUSPECTS]],
    )
    return entry, flagged


def _too_small(counts: np.ndarray, class_names: Sequence[str]) -> str:
    if counts.sum() == 0:
        return "the split has no images"
    small = [f"{name} ({int(c)})" for name, c in zip(class_names, counts) if 0 < c < 2]
    if small:
        return ("too few images for an estimate: under 2 images in class(es) " + ", ".join(small)
                + "; add images so every class has at least 2")
    return "too few classes present for an estimate (at least 2 are needed)"


def suspect_row(f: Flagged, class_names: Sequence[str], ids: Sequence[str]) -> dict:
    """One suspect as the record lists it, its figures rounded to 6 decimals.

    >>> suspect_row(Flagged(2, 0, 1, 0.93, 0.0213456789), ["cat", "dog"], ["a.png", "b.png", "c.png"])
    {'path': 'c.png', 'given': 'cat', 'suggested': 'dog', 'confidence': 0.93, 'score': 0.021346}
    """
    return {"path": str(ids[f.index]), "given": class_names[f.given], "suggested": class_names[f.suggested],
            "confidence": round(f.confidence, 6), "score": round(f.score, 6)}


def sensitivity(labels, predictions, flagged: list[Flagged]) -> dict:
    """Accuracy on every row and on the rows left after dropping the suspects.

    Only meaningful *if the suspects are truly mislabelled*; never a headline figure.
    """
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    keep = np.ones(len(labels), dtype=bool)
    keep[[f.index for f in flagged]] = False
    correct = labels == predictions
    return {"accuracy": float(correct.mean()) if len(labels) else None,
            "accuracy_without_suspects": float(correct[keep].mean()) if keep.any() else None,
            "n_without_suspects": int(keep.sum())}


def moves_accuracy(rate: Metric | None, accuracy: Metric | None) -> bool:
    """True when the estimated label-issue rate exceeds the accuracy interval's half-width: that
    many wrong labels could move the accuracy further than its stated uncertainty.

    >>> moves_accuracy(Metric(0.05, 0.02, 0.1), Metric(0.9, 0.86, 0.94))
    True
    >>> moves_accuracy(Metric(0.05, 0.02, 0.1), Metric(None, None, None))
    False
    """
    if rate is None or accuracy is None or rate.value is None:
        return False
    low, high = accuracy.ci_low, accuracy.ci_high
    if low is None or high is None:
        return False
    return rate.value > (high - low) / 2


TEST_METHOD = "cleanlab find_label_issues on the model's own test predictions (out-of-sample)"


def from_predictions(y_true, y_prob, class_names: Sequence[str], ids: Sequence[str], accuracy: Metric | None = None,
                     method: str = TEST_METHOD) -> tuple[LabelIssues, list[Flagged]]:
    """Label issues of an evaluation set from the model's own (held-out) predictions, with the
    sensitivity of accuracy to the suspects and whether the rate could move accuracy beyond
    its interval (`accuracy` is the evaluation's accuracy `Metric`, e.g. `ev.metrics["accuracy"]`).

    >>> y_prob = np.array([[0.9, 0.1]] * 4 + [[0.05, 0.95]] + [[0.1, 0.9]] * 5)
    >>> entry, _ = from_predictions([0] * 5 + [1] * 5, y_prob, ["cat", "dog"], [f"{i}.png" for i in range(10)],
    ...                             accuracy=Metric(0.9, 0.6, 0.98))
    >>> entry.suspects[0]["path"], entry.sensitivity["accuracy_without_suspects"], entry.moves_accuracy
    ('4.png', 1.0, False)
    """
    entry, flagged = measure(y_true, y_prob, class_names, ids, method=method)
    if entry.measured:
        entry = with_fields(entry, sensitivity=sensitivity(y_true, np.asarray(y_prob).argmax(axis=1), flagged),
                            moves_accuracy=moves_accuracy(entry.rate, accuracy))
    return entry, flagged


CSV_HEADER = ("split", "path", "given_label", "suggested_label", "confidence", "score")


def csv_text(rows_by_split: dict[str, list[dict]]) -> str:
    """`label_issues.csv`: every suspect, split by split, most suspect first (for a person to review).

    >>> print(csv_text({"test": [{"path": "4.png", "given": "cat", "suggested": "dog", "confidence": 0.95,
    ...                           "score": 0.05}]}), end="")
    split,path,given_label,suggested_label,confidence,score
    test,4.png,cat,dog,0.950000,0.050000
    """
    import csv
    import io

    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(CSV_HEADER)
    for split, rows in rows_by_split.items():
        for row in rows:
            out.writerow([split, row["path"], row["given"], row["suggested"], f"{row['confidence']:.6f}", f"{row['score']:.6f}"])
    return buf.getvalue()
