"""Estimated label errors (cleanlab) and their interval, checked against planted truth and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from modelcard.analysis.crossval import TooSmall, choose_k, cross_validated_probs
from modelcard.analysis.label_issues import csv_text, from_predictions, measure, moves_accuracy, sensitivity
from modelcard.record.model import Metric
from modelcard.analysis.proportions import proportion_interval

CLASSES = ["a", "b", "c", "d"]
# Recall threshold for planted flips. With classes this well separated, a held-out head predicts
# the true class of almost every flipped image, and confident learning flags it; recall under 0.8
# would mean the estimate misses one flip in five, too many for a card to call it "most". The
# threshold stays below 1.0 because K-fold noise can legitimately hide a flip or two.
RECALL_THRESHOLD = 0.8


def planted(seed: int, per_class: int = 50, dims: int = 32, flip_fraction: float = 0.10):
    """Well-separated Gaussian features with 10% of labels flipped to another class."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (len(CLASSES), dims))
    truth = np.repeat(np.arange(len(CLASSES)), per_class)
    features = centres[truth] + rng.normal(0, 1, (len(truth), dims))
    flipped = rng.choice(len(truth), size=int(round(flip_fraction * len(truth))), replace=False)
    given = truth.copy()
    given[flipped] = (truth[flipped] + rng.integers(1, len(CLASSES), len(flipped))) % len(CLASSES)
    return features, given, set(flipped.tolist())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_flips_are_mostly_found(seed):
    features, given, flipped = planted(seed)
    cv = cross_validated_probs(features, given, CLASSES, seed=seed)
    ids = [f"img{i}.png" for i in range(len(given))]
    entry, flagged = measure(given, cv.probs, CLASSES, ids, method="test", k_folds=cv.k)
    found = {f.index for f in flagged}
    recall = len(found & flipped) / len(flipped)
    precision = len(found & flipped) / max(1, len(found))
    assert recall >= RECALL_THRESHOLD, (recall, len(found))
    assert precision >= 0.7, precision  # and it does not get there by flagging everything
    assert entry.count == len(flagged) and entry.n == len(given)
    assert entry.rate.ci_low <= 0.10 <= entry.rate.ci_high  # the planted rate is inside the interval
    assert len(entry.suspects) == min(12, len(flagged))
    assert sum(entry.per_class.values()) == entry.count


def test_clean_labels_give_few_suspects():
    features, _, _ = planted(3, flip_fraction=0.0)
    truth = np.repeat(np.arange(len(CLASSES)), 50)
    cv = cross_validated_probs(features, truth, CLASSES)
    entry, _ = measure(truth, cv.probs, CLASSES, [str(i) for i in range(len(truth))], method="test")
    assert entry.count <= 2


def test_probabilities_are_out_of_sample_and_rows_sum_to_one():
    features, given, _ = planted(4)
    cv = cross_validated_probs(features, given, CLASSES, seed=0)
    assert cv.k == 5 and cv.note is None
    assert np.allclose(cv.probs.sum(axis=1), 1.0)
    # a row's probabilities come from a head that never saw it: a flipped row gets little weight on its given label
    _, given2, flipped = planted(4)
    assert np.mean([cv.probs[i, given2[i]] for i in flipped]) < 0.5


def test_k_shrinks_to_the_smallest_class_and_says_so():
    labels = np.array([0] * 10 + [1] * 3 + [2] * 8)
    assert choose_k(labels, ["x", "y", "z"]) == (3, "K shrank from 5 to 3: class 'y' has only 3 training images")
    assert choose_k(np.array([0] * 6 + [1] * 6), ["x", "y"]) == (5, None)


def test_under_two_images_per_class_is_not_measured():
    with pytest.raises(TooSmall, match="class 'y' has 1 training image"):
        choose_k(np.array([0, 0, 0, 1]), ["x", "y"])
    entry, flagged = measure(np.array([0, 0, 0, 1]), np.full((4, 2), 0.5), ["x", "y"], list("abcd"), method="m")
    assert entry.measured is False and flagged == []
    assert entry.to_dict()["rate"] == {"value": None, "ci_low": None, "ci_high": None}
    assert "under 2 images in class(es) y (1)" in entry.reason


@pytest.mark.parametrize("k, n", [(0, 1), (0, 10), (3, 40), (7, 7), (1, 1000), (500, 1000)])
def test_proportion_interval_matches_scipy_wilson(k, n):
    ours = proportion_interval(k, n)
    ref = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert ours["value"] == pytest.approx(k / n)
    assert ours["ci_low"] == pytest.approx(ref.low, abs=1e-9)
    assert ours["ci_high"] == pytest.approx(ref.high, abs=1e-9)


def test_proportion_interval_of_nothing_is_empty():
    assert proportion_interval(0, 0) == {"value": None, "ci_low": None, "ci_high": None}


def test_sensitivity_drops_the_suspects_only():
    labels = np.array([0, 0, 1, 1, 1])
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.1, 0.9], [0.2, 0.8], [0.95, 0.05]])
    entry, flagged = from_predictions(labels, probs, ["x", "y"], list("abcde"),
                                      accuracy=Metric(0.6, 0.2, 0.9))
    kept = np.ones(5, bool)
    kept[[f.index for f in flagged]] = False
    expected = float((labels == probs.argmax(1))[kept].mean()) if kept.any() else None
    assert entry.sensitivity["accuracy"] == pytest.approx(0.6)
    assert entry.sensitivity["accuracy_without_suspects"] == pytest.approx(expected)
    assert sensitivity(labels, probs.argmax(1), [])["accuracy_without_suspects"] == pytest.approx(0.6)


def test_risk_when_the_rate_exceeds_the_accuracy_half_width():
    accuracy = Metric(0.9, 0.86, 0.94)  # half-width 0.04
    assert moves_accuracy(Metric(0.05, 0.02, 0.1), accuracy)
    assert not moves_accuracy(Metric(0.03, 0.01, 0.08), accuracy)
    assert not moves_accuracy(None, accuracy)


def test_csv_lists_every_suspect_with_its_split():
    rows = {"train": [{"path": "a/1.png", "given": "a", "suggested": "b", "confidence": 0.9, "score": 0.01}],
            "test": [{"path": "b,2.png", "given": "b", "suggested": "a", "confidence": 0.8, "score": 0.05}]}
    text = csv_text(rows)
    assert text.splitlines() == ["split,path,given_label,suggested_label,confidence,score",
                                 "train,a/1.png,a,b,0.900000,0.010000", 'test,"b,2.png",b,a,0.800000,0.050000']


# -- the bounded estimator (float32, at most MAX_ITER iterations, folds in threads) against the one before --------

DEMO_COUNTS = (25, 17, 18, 22, 45, 11, 12, 12)  # the demo's training split: 162 images in 8 classes


def demo_like(seed: int, dims: int = 1280, flips: int = 8):
    """Features shaped like the demo's cached MobileNetV2 features (162 x 1280, non-negative, float32),
    with a few labels moved to another class."""
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(len(DEMO_COUNTS)), DEMO_COUNTS)
    centres = rng.gamma(0.5, 1.0, (len(DEMO_COUNTS), dims))
    features = np.maximum(centres[truth] + rng.normal(0, 1.2, (len(truth), dims)), 0).astype(np.float32)
    given = truth.copy()
    moved = rng.choice(len(truth), size=flips, replace=False)
    given[moved] = (truth[moved] + rng.integers(1, len(DEMO_COUNTS), flips)) % len(DEMO_COUNTS)
    return features, given


def reference_probs(features, labels, n_classes: int, k: int = 5, seed: int = 0) -> np.ndarray:
    """The estimator as it was before the bound: float64 copies, up to 300 iterations, folds in turn."""
    import warnings

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    from modelcard.analysis.crossval import C, folds, out_of_fold

    x, y = np.asarray(features, dtype=np.float64), np.asarray(labels)

    def fit_predict(fit_rows, held_out):
        head = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=300))
        head.fit(x[fit_rows], y[fit_rows])
        return head.classes_, head.predict_proba(x[held_out])

    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return out_of_fold(n_classes, folds(y, k, seed), fit_predict)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bounded_estimator_flags_what_the_previous_one_flagged_on_demo_like_data(seed):
    features, given = demo_like(seed)
    names = [f"class{c}" for c in range(len(DEMO_COUNTS))]
    ids = [f"{i}.png" for i in range(len(given))]
    before, flagged_before = measure(given, reference_probs(features, given, len(names)), names, ids, method="m")
    cv = cross_validated_probs(features, given, names, seed=0)
    now, flagged_now = measure(given, cv.probs, names, ids, method="m", k_folds=cv.k)
    assert flagged_now and [f.index for f in flagged_now] == [f.index for f in flagged_before]
    assert (now.count, now.rate, now.per_class) == (before.count, before.rate, before.per_class)
    assert [f.suggested for f in flagged_now] == [f.suggested for f in flagged_before]
    assert np.abs(cv.probs - reference_probs(features, given, len(names))).max() < 0.01  # float32 vs float64 fits


def test_folds_in_threads_give_the_same_probabilities_and_leave_the_features_alone():
    features, given = demo_like(3, dims=256)
    kept = features.copy()
    names = [f"class{c}" for c in range(len(DEMO_COUNTS))]
    one = cross_validated_probs(features, given, names, n_jobs=1)
    two = cross_validated_probs(features, given, names, n_jobs=2)
    assert np.array_equal(one.probs, two.probs)
    assert np.array_equal(features, kept)  # the in-place standardization works on each fold's own copy


def test_memory_stays_near_one_copy_of_the_fit_rows():
    """Peak traced memory (numpy reports its buffers to tracemalloc) of a serial estimation on float32
    features: each fold's standardized copy of its fit rows (4/5 of the matrix) and of its held-out rows,
    plus one float64 block of 1,024 rows and the head's own buffers; no float64 copy of the matrix (that alone would be 2x)."""
    import tracemalloc

    rng = np.random.default_rng(0)
    labels = np.arange(10_000) % 3
    features = (rng.normal(0, 1, (3, 256))[labels] + rng.normal(0, 2, (10_000, 256))).astype(np.float32)
    cross_validated_probs(features[:100], labels[:100], ["a", "b", "c"], n_jobs=1)  # imports outside the trace
    tracemalloc.start()
    try:
        cross_validated_probs(features, labels, ["a", "b", "c"], n_jobs=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * features.nbytes, peak / features.nbytes
