"""Intervals of the cross-validated F1 (macro), balanced accuracy and per-class recall (record `cv`, since
1.3): each the union of an interval on the pooled out-of-fold predictions and the Nadeau-Bengio corrected
t interval over the fold scores. Checked against scikit-learn and scipy, and by a small seeded simulation
with a fold-level random effect and a known truth (the big one: `bench/coverage.py --method cv-scores`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.metrics import balanced_accuracy_score, f1_score

import modelcard.record
from modelcard.analysis import evaluate_predictions
from modelcard.analysis.cv_estimate import (INTERVAL_ID, SCORE_INTERVAL_ID, corrected_t_interval, cv_score_intervals,
                                            cv_section)
from modelcard.record.model import CrossValidation

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from cv_scores_coverage import simulate, truth  # noqa: E402  (the bench's recipe with a known truth)


@pytest.fixture(scope="module")
def recipe():
    return simulate(150, 0.3, np.random.default_rng(4))


def test_f1_and_balanced_accuracy_are_the_union_of_the_pooled_bootstrap_and_the_corrected_t(recipe):
    y, prob, fold_of = recipe
    pred = prob.argmax(axis=1)
    scores = cv_score_intervals(y, prob, fold_of, ["a", "b", "c"], n_resamples=300, seed=2)
    pooled = evaluate_predictions(y, prob, ["a", "b", "c"], n_resamples=300, seed=2).metrics
    folds = range(5)
    sizes = [int((fold_of == f).sum()) for f in folds]
    for name, sklearn_score in (("f1_macro", lambda t, p: f1_score(t, p, average="macro", zero_division=0)),
                                ("balanced_accuracy", balanced_accuracy_score)):
        score = getattr(scores, name)
        fold_values = [sklearn_score(y[fold_of == f], pred[fold_of == f]) for f in folds]
        assert score.fold_scores == pytest.approx(fold_values)
        assert score.value == pytest.approx(sklearn_score(y, pred))
        assert score.pooled == (pooled[name].ci_low, pooled[name].ci_high)
        assert score.corrected_t == pytest.approx(corrected_t_interval(fold_values, sizes))
        assert score.ci_low == min(score.pooled[0], score.corrected_t[0])
        assert score.ci_high == max(score.pooled[1], score.corrected_t[1])


def test_recall_is_wilson_on_the_class_widened_by_the_corrected_t_over_its_folds(recipe):
    y, prob, fold_of = recipe
    pred = prob.argmax(axis=1)
    scores = cv_score_intervals(y, prob, fold_of, ["a", "b", "c"], n_resamples=0)
    for c, recall in enumerate(scores.recall):
        rows = y == c
        ci = binomtest(int((pred[rows] == c).sum()), int(rows.sum())).proportion_ci(method="wilson")
        assert recall.pooled == pytest.approx((ci.low, ci.high))
        per_fold = [float((pred[rows & (fold_of == f)] == c).mean()) for f in range(5)]
        t_part = corrected_t_interval(per_fold, [int((rows & (fold_of == f)).sum()) for f in range(5)])
        assert recall.corrected_t == pytest.approx(t_part)
        assert (recall.ci_low, recall.ci_high) == pytest.approx((min(ci.low, t_part[0]), max(ci.high, t_part[1])))
    assert scores.f1_macro.pooled is None and scores.f1_macro.ci_low == scores.f1_macro.corrected_t[0]  # no bootstrap


def test_section_records_every_interval_and_its_method(recipe):
    y, prob, fold_of = recipe
    sec = cv_section(y, prob, fold_of, ["a", "b", "c"], n_train=120, n_val=30, k=5, k_requested=5, k_note=None,
                     seed=0, head="h", n_resamples=200)
    for name in ("f1_macro", "balanced_accuracy"):
        m = sec["metrics"][name]
        assert m["ci_low"] <= m["value"] <= m["ci_high"]
        assert sec["intervals"]["metrics"][name] == SCORE_INTERVAL_ID
        assert sec["intervals"]["parts"][name]["fold_scores"] and len(sec["intervals"]["parts"][name]["pooled"]) == 2
    assert sec["intervals"]["metrics"]["accuracy"] == sec["intervals"]["per_class"]["recall"] == INTERVAL_ID
    assert set(sec["intervals"]["methods"]) == {INTERVAL_ID, SCORE_INTERVAL_ID}
    assert all(p["recall"]["ci_low"] <= p["recall"]["value"] <= p["recall"]["ci_high"] for p in sec["per_class"])
    schema = json.loads((Path(modelcard.record.__file__).parent / "run.schema.json").read_text())
    record = dict(sec, predictions="predictions/cv.npz")
    jsonschema.Draft202012Validator({**schema["$defs"]["cv"], "$defs": schema["$defs"]}).validate(record)
    typed = CrossValidation.from_dict(json.loads(json.dumps(record)))
    assert typed.intervals.parts["f1_macro"].corrected_t == sec["intervals"]["parts"]["f1_macro"]["corrected_t"]
    assert typed.to_dict() == json.loads(json.dumps(record))


def test_a_class_without_images_has_no_recall_interval():
    y = np.array([0, 1] * 10)
    prob = np.eye(3)[y] * 0.7 + 0.1
    scores = cv_score_intervals(y, prob, np.arange(20) % 4, ["a", "b", "c"], n_resamples=50)
    assert (scores.recall[2].value, scores.recall[2].ci_low) == (None, None)


def test_coverage_with_a_fold_level_random_effect_and_a_known_truth():
    known = truth(0.4, draws=50_000)
    rng = np.random.default_rng(11)
    sets, hits = 120, {"f1_macro": 0, "balanced_accuracy": 0, "recall": 0}
    for s in range(sets):
        y, prob, fold_of = simulate(200, 0.4, rng)
        scores = cv_score_intervals(y, prob, fold_of, ["a", "b", "c"], n_resamples=200, seed=s)
        for name in ("f1_macro", "balanced_accuracy"):
            score = getattr(scores, name)
            hits[name] += score.ci_low <= known[name] <= score.ci_high
        hits["recall"] += scores.recall[2].ci_low <= known["recall"][2] <= scores.recall[2].ci_high
    assert min(hits.values()) / sets >= 0.92, hits
