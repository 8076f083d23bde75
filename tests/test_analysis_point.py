"""Point metrics against scikit-learn, ECE against a plain loop, confusions against counting."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, confusion_matrix, log_loss,
                             precision_recall_fscore_support, top_k_accuracy_score)

from modelcard.analysis import confusion_summary, expected_calibration_error, point_metrics
from test_analysis_data import names, random_predictions


def sklearn_scalars(y_true, y_prob) -> dict[str, float]:
    """Every scalar metric computed the textbook way with scikit-learn."""
    k = y_prob.shape[1]
    y_pred = y_prob.argmax(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # balanced accuracy warns on predicted-only classes
        expected = {
            "accuracy": accuracy_score(y_true, y_pred),
            "balanced_accuracy": balanced_accuracy_score(y_true, y_pred),
            "log_loss": log_loss(y_true, y_prob, labels=list(range(k))),
        }
    if k > 5:
        expected["top5_accuracy"] = top_k_accuracy_score(y_true, y_prob, k=5, labels=list(range(k)))
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)
        expected.update({f"precision_{average}": p, f"recall_{average}": r, f"f1_{average}": f})
    return expected


def loop_ece(y_true, y_prob, n_bins=15):
    """ECE by walking the bins one at a time: (lower, upper], the first bin also takes 0."""
    confidence = y_prob.max(axis=1)
    correct = y_prob.argmax(axis=1) == y_true
    edges = np.linspace(0, 1, n_bins + 1)
    ece, table = 0.0, []
    for i in range(n_bins):
        inside = [(edges[i] < c <= edges[i + 1]) or (i == 0 and c == 0) for c in confidence]
        inside = np.array(inside)
        count = int(inside.sum())
        if count:
            acc, conf = correct[inside].mean(), confidence[inside].mean()
            ece += abs(acc - conf) * count / len(y_true)
            table.append((count, acc, conf))
        else:
            table.append((0, None, None))
    return ece, table


@pytest.mark.parametrize("case", [
    dict(n=240, k=8, seed=0),
    dict(n=300, k=9, seed=1, starve=3),              # a class that is never predicted
    dict(n=200, k=7, seed=2, starve=1, absent=4),    # plus one neither true nor predicted
    dict(n=150, k=12, seed=3, uniform_rows=20),      # exact ties in top-k ranking
    dict(n=120, k=2, seed=4),
    dict(n=90, k=5, seed=5),                         # k == 5: still no top-5
])
def test_point_metrics_match_sklearn(case):
    y_true, y_prob = random_predictions(**case)
    k = case["k"]
    point = point_metrics(y_true, y_prob, names(k))
    expected = sklearn_scalars(y_true, y_prob)
    assert set(point.scalars) == set(expected) | {"ece"}
    for name, value in expected.items():
        assert point.scalars[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name
    p, r, f, s = precision_recall_fscore_support(y_true, y_prob.argmax(axis=1), labels=list(range(k)),
                                                 average=None, zero_division=0)
    np.testing.assert_allclose(point.per_class["precision"], p, atol=1e-12)
    np.testing.assert_allclose(point.per_class["recall"], r, atol=1e-12)
    np.testing.assert_allclose(point.per_class["f1"], f, atol=1e-12)
    np.testing.assert_array_equal(point.support, s)


def test_macro_average_skips_a_class_that_is_neither_true_nor_predicted():
    y_true, y_prob = random_predictions(200, 6, seed=7, absent=2)
    point = point_metrics(y_true, y_prob, names(6))
    _, _, f_all, _ = precision_recall_fscore_support(y_true, y_prob.argmax(1), labels=list(range(6)),
                                                     average="macro", zero_division=0)
    assert point.scalars["f1_macro"] > f_all  # sklearn's default label set, not all k


@pytest.mark.parametrize("n_bins", [15, 4, 1])
def test_ece_matches_a_plain_loop(n_bins):
    y_true, y_prob = random_predictions(180, 6, seed=11)
    ece, bins = expected_calibration_error(y_true, y_prob, n_bins=n_bins)
    ref_ece, ref_table = loop_ece(y_true, y_prob, n_bins)
    assert ece == pytest.approx(ref_ece, abs=1e-12)
    assert len(bins) == n_bins
    for got, (count, acc, conf) in zip(bins, ref_table):
        assert got["count"] == count
        assert (got["accuracy"] is None) == (acc is None)
        if acc is not None:
            assert got["accuracy"] == pytest.approx(acc) and got["confidence"] == pytest.approx(conf)
    assert bins[0]["lower"] == 0.0 and bins[-1]["upper"] == 1.0


def test_ece_bin_edges_are_upper_inclusive():
    # confidence exactly 0.5 with 2 bins belongs to the first bin (0, 0.5]
    y_prob = np.array([[0.5, 0.5], [0.9, 0.1]])
    _, bins = expected_calibration_error(np.array([0, 0]), y_prob, n_bins=2)
    assert [b["count"] for b in bins] == [1, 1]


def test_confusion_summary_matches_sklearn_and_a_counting_loop():
    y_true, y_prob = random_predictions(160, 5, seed=3)
    y_pred = y_prob.argmax(axis=1)
    summary = confusion_summary(y_true, y_pred, names(5), top=4)
    assert summary["confusion_matrix"]["counts"] == confusion_matrix(y_true, y_pred, labels=range(5)).tolist()
    assert summary["confusion_matrix"]["labels"] == names(5)
    pairs = {}
    for t, p in zip(y_true, y_pred):
        if t != p:
            pairs[(names(5)[t], names(5)[p])] = pairs.get((names(5)[t], names(5)[p]), 0) + 1
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:4]
    assert [(c["true"], c["predicted"], c["count"]) for c in summary["top_confusions"]] == \
        [(t, p, count) for (t, p), count in ranked]
    for entry in summary["top_confusions"]:
        assert entry["rate"] == entry["count"] / int((y_true == names(5).index(entry["true"])).sum())


def test_perfect_predictions_have_no_confusions():
    y_true = np.array([0, 1, 2, 1])
    summary = confusion_summary(y_true, y_true, ["a", "b", "c"])
    assert summary["top_confusions"] == []
