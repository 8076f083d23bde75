"""The streamed evaluation (partial sums per batch, Poisson bootstrap) against the in-memory one
and scikit-learn: counts-based results identical, the rest close, seeded and mergeable."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss, precision_recall_fscore_support

from modelcard.analysis import evaluate_predictions
from modelcard.analysis.streamed import Partial, add_batch, merge, streamed_evaluation

K, N, B = 7, 900, 200
NAMES = [f"class{i}" for i in range(K)]
COUNTED = ("accuracy", "top5_accuracy")  # Wilson intervals: identical, interval included
FROM_COUNTS = ("balanced_accuracy", "precision_macro", "recall_macro", "f1_macro", "precision_weighted",
               "recall_weighted", "f1_weighted")


def _data(seed=0, n=N):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, K, n)
    logits = rng.normal(size=(n, K))
    logits[np.arange(n), y] += 1.2
    p = np.exp(logits)
    return y, p / p.sum(axis=1, keepdims=True)


def _streamed(y, p, cuts, seed=0, n_resamples=B):
    parts = []
    for i, (lo, hi) in enumerate(zip(cuts[:-1], cuts[1:])):
        part = Partial.empty(K, 15, n_resamples)
        add_batch(part, y[lo:hi], p[lo:hi], n_bins=15, seed=seed, key=(i, 0))
        parts.append(part)
    total = parts[0]
    for part in parts[1:]:
        total = merge(total, part)
    return streamed_evaluation(total, NAMES, n_resamples=n_resamples, seed=seed).to_dict()


def test_counts_based_results_are_identical_to_the_in_memory_path():
    y, p = _data()
    memory = evaluate_predictions(y, p, NAMES, n_resamples=B, seed=0).to_dict()
    streamed = _streamed(y, p, [0, 100, 450, N])
    for name in COUNTED:
        assert streamed["metrics"][name] == memory["metrics"][name]
    for name in FROM_COUNTS:
        assert streamed["metrics"][name]["value"] == memory["metrics"][name]["value"]
    for a, b in zip(memory["per_class"], streamed["per_class"]):
        assert (a["class_name"], a["support"], a["precision"], a["recall"]) == \
               (b["class_name"], b["support"], b["precision"], b["recall"])
        assert a["f1"]["value"] == b["f1"]["value"]
    assert streamed["confusion_matrix"] == memory["confusion_matrix"]
    assert streamed["top_confusions"] == memory["top_confusions"]
    assert [b["count"] for b in streamed["calibration"]["bins"]] == [b["count"] for b in memory["calibration"]["bins"]]
    for name in ("log_loss", "ece"):
        assert streamed["metrics"][name]["value"] == pytest.approx(memory["metrics"][name]["value"], rel=1e-12)
    # the bootstrap intervals are a different method, named so, and close to the in-memory ones
    assert streamed["intervals"]["metrics"]["f1_macro"] == "smoothed_poisson_bootstrap"
    assert streamed["intervals"]["metrics"]["log_loss"] == "expanded_percentile_poisson_bootstrap"
    assert "Poisson" in streamed["bootstrap"]["method"] and "Poisson" not in memory["bootstrap"]["method"]
    for name in FROM_COUNTS + ("log_loss",):
        wide = memory["metrics"][name]["ci_high"] - memory["metrics"][name]["ci_low"]
        assert streamed["metrics"][name]["ci_high"] - streamed["metrics"][name]["ci_low"] == pytest.approx(wide, rel=0.35)


def test_streamed_values_match_scikit_learn():
    y, p = _data(seed=3)
    ev = _streamed(y, p, [0, 300, N])
    pred = p.argmax(axis=1)
    assert ev["metrics"]["accuracy"]["value"] == accuracy_score(y, pred)
    assert ev["metrics"]["log_loss"]["value"] == pytest.approx(log_loss(y, p, labels=np.arange(K)), rel=1e-9)
    precision, recall, f1, support = precision_recall_fscore_support(y, pred, labels=np.arange(K), zero_division=0)
    np.testing.assert_allclose([c["precision"]["value"] for c in ev["per_class"]], precision, rtol=0, atol=1e-15)
    np.testing.assert_allclose([c["f1"]["value"] for c in ev["per_class"]], f1, rtol=0, atol=1e-15)
    assert [c["support"] for c in ev["per_class"]] == support.tolist()
    assert ev["confusion_matrix"]["counts"] == confusion_matrix(y, pred).tolist()
    macro = precision_recall_fscore_support(y, pred, average="macro", zero_division=0)
    assert ev["metrics"]["f1_macro"]["value"] == pytest.approx(macro[2], abs=1e-15)


def test_streamed_output_is_seeded_and_the_weights_are_poisson():
    y, p = _data(seed=5)
    first, again = _streamed(y, p, [0, 400, N]), _streamed(y, p, [0, 400, N])
    assert first == again
    assert _streamed(y, p, [0, 400, N], seed=1)["metrics"]["f1_macro"] != first["metrics"]["f1_macro"]
    part = Partial.empty(K, 15, 2000)
    add_batch(part, y, p, n_bins=15, seed=0, key=(0, 0))
    sizes = part.boot_n  # each resample's total weight: Poisson(n)
    assert sizes.mean() == pytest.approx(N, rel=0.01) and sizes.var() == pytest.approx(N, rel=0.15)
    assert part.n == N and part.boot_support.sum(axis=1).tolist() == sizes.tolist()
    no_boot = _streamed(y, p, [0, N], n_resamples=0)
    assert no_boot["metrics"]["f1_macro"]["ci_low"] is None and no_boot["intervals"]["metrics"]["f1_macro"] is None
