"""The evaluation object: exact shape, JSON-safe, deterministic, slices equal to fairlearn."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fairlearn.metrics import MetricFrame
from sklearn.metrics import accuracy_score, f1_score

from modelcard.analysis import confusion_summary, evaluate_predictions, point_metrics, slice_metrics
from modelcard.errors import UserError
from test_analysis_data import names, random_predictions

METRIC_KEYS = {"value", "ci_low", "ci_high"}


@pytest.fixture(scope="module")
def setup():
    y_true, y_prob = random_predictions(260, 7, seed=31, starve=5)
    rng = np.random.default_rng(2)
    groups = {"lighting": rng.choice(["dark", "bright", "dim"], size=260, p=[0.5, 0.42, 0.08]),
              "camera": rng.choice(["phone", "dslr"], size=260)}
    return y_true, y_prob, groups


@pytest.fixture(scope="module")
def evaluation(setup):
    y_true, y_prob, groups = setup
    return evaluate_predictions(y_true, y_prob, names(7), groups, n_resamples=200, seed=0).to_dict()


def test_shape_is_exactly_the_record_format(evaluation):
    assert set(evaluation) == {"n_samples", "n_classes", "bootstrap", "intervals", "metrics", "per_class",
                               "confusion_matrix", "top_confusions", "calibration", "slices"}
    assert evaluation["n_samples"] == 260 and evaluation["n_classes"] == 7
    assert evaluation["bootstrap"] == {"method": "expanded percentile", "n_resamples": 200, "confidence": 0.95, "seed": 0}
    assert set(evaluation["metrics"]) == {"accuracy", "balanced_accuracy", "log_loss", "top5_accuracy",
                                          "precision_macro", "recall_macro", "f1_macro", "precision_weighted",
                                          "recall_weighted", "f1_weighted", "ece"}
    assert all(set(m) == METRIC_KEYS for m in evaluation["metrics"].values())
    assert [c["class_name"] for c in evaluation["per_class"]] == names(7)
    for entry in evaluation["per_class"]:
        assert set(entry) == {"class_name", "support", "precision", "recall", "f1"}
    assert evaluation["intervals"]["metrics"]["accuracy"] == "wilson"
    assert evaluation["intervals"]["metrics"]["f1_macro"] == "smoothed_bootstrap"
    assert evaluation["intervals"]["metrics"]["ece"] == "expanded_percentile_bootstrap"
    assert set(evaluation["intervals"]["methods"]) == {"wilson", "smoothed_bootstrap", "expanded_percentile_bootstrap",
                                                       "simultaneous_group_projection"}
    assert evaluation["intervals"]["slices"]["difference"] == "simultaneous_group_projection"
    assert len(evaluation["confusion_matrix"]["counts"]) == 7
    assert evaluation["calibration"]["n_bins"] == 15 and len(evaluation["calibration"]["bins"]) == 15
    assert evaluation["calibration"]["ece"] == evaluation["metrics"]["ece"]
    assert [s["column"] for s in evaluation["slices"]] == ["camera", "lighting"]
    for block in evaluation["slices"]:
        assert set(block) == {"column", "min_group_size", "groups", "difference", "difference_ci", "ratio",
                              "worst_group"}
        assert [g["group"] for g in block["groups"]] == sorted(g["group"] for g in block["groups"])
        for group in block["groups"]:
            assert set(group) == {"group", "count", "unreliable", "accuracy", "f1_macro"}


def test_values_equal_the_point_metrics_and_every_interval_is_filled(setup, evaluation):
    y_true, y_prob, _ = setup
    point = point_metrics(y_true, y_prob, names(7))
    for name, value in point.scalars.items():
        assert evaluation["metrics"][name]["value"] == value
        assert evaluation["metrics"][name]["ci_low"] <= evaluation["metrics"][name]["ci_high"]
    starved = evaluation["per_class"][5]
    assert starved["precision"] == {"value": None, "ci_low": None, "ci_high": None,  # never predicted: undefined
                                    "reason": "the model never predicted this class"}


def test_json_safe_and_deterministic(setup, evaluation):
    y_true, y_prob, groups = setup
    text = json.dumps(evaluation, allow_nan=False, sort_keys=True)
    again = evaluate_predictions(y_true, y_prob, names(7), groups, n_resamples=200, seed=0).to_dict()
    assert json.dumps(again, allow_nan=False, sort_keys=True) == text
    other = evaluate_predictions(y_true, y_prob, names(7), groups, n_resamples=200, seed=1).to_dict()
    assert other["metrics"]["accuracy"]["ci_low"] != evaluation["metrics"]["accuracy"]["ci_low"] \
        or other["metrics"]["log_loss"]["ci_low"] != evaluation["metrics"]["log_loss"]["ci_low"]


def test_slices_equal_fairlearn_metricframe(setup, evaluation):
    y_true, y_prob, groups = setup
    y_pred = y_prob.argmax(axis=1)
    for block in evaluation["slices"]:
        frame = MetricFrame(
            metrics={"accuracy": accuracy_score,
                     "f1_macro": lambda t, p: f1_score(t, p, average="macro", zero_division=0)},
            y_true=y_true, y_pred=y_pred, sensitive_features=groups[block["column"]])
        for group in block["groups"]:
            assert group["accuracy"]["value"] == pytest.approx(frame.by_group.loc[group["group"], "accuracy"])
            assert group["f1_macro"]["value"] == pytest.approx(frame.by_group.loc[group["group"], "f1_macro"])
            assert group["count"] == int(np.sum(groups[block["column"]] == group["group"]))
            assert group["unreliable"] == (group["count"] < 30)
            assert group["accuracy"]["ci_low"] <= group["accuracy"]["ci_high"]
        for name in ("accuracy", "f1_macro"):
            assert block["difference"][name] == pytest.approx(frame.difference()[name])
            interval = block["difference_ci"][name]
            assert interval["value"] == block["difference"][name]
            assert 0 <= interval["ci_low"] <= interval["ci_high"]
            assert block["ratio"][name] == pytest.approx(frame.ratio()[name])
            assert block["worst_group"][name] == frame.by_group[name].idxmin()
    lighting = next(b for b in evaluation["slices"] if b["column"] == "lighting")
    assert [g["unreliable"] for g in lighting["groups"]] == [False, False, True]  # bright, dark, dim


def test_two_classes_have_no_top5_and_no_groups_give_no_slices():
    y_true, y_prob = random_predictions(80, 2, seed=1)
    result = evaluate_predictions(y_true, y_prob, ["cat", "dog"], n_resamples=20).to_dict()
    assert "top5_accuracy" not in result["metrics"]
    assert result["slices"] == []
    json.dumps(result, allow_nan=False)


def test_zero_resamples_gives_only_the_wilson_intervals():
    y_true, y_prob = random_predictions(60, 6, seed=2)
    result = evaluate_predictions(y_true, y_prob, names(6), {"g": ["a", "b"] * 30}, n_resamples=0).to_dict()
    for name, m in result["metrics"].items():
        wilson = name in ("accuracy", "top5_accuracy")
        assert (m["ci_low"] is not None) == wilson and (m["ci_high"] is not None) == wilson, name
    assert result["slices"][0]["groups"][0]["accuracy"]["ci_low"] is not None
    assert result["slices"][0]["groups"][0]["f1_macro"]["ci_low"] is None
    assert result["intervals"]["metrics"]["f1_macro"] is None and result["intervals"]["per_class"]["recall"] == "wilson"
    assert result["bootstrap"]["n_resamples"] == 0


def test_min_group_size_is_a_parameter():
    y_true, y_prob = random_predictions(60, 3, seed=2)
    result = evaluate_predictions(y_true, y_prob, names(3), {"g": ["a"] * 50 + ["b"] * 10},
                                  n_resamples=10, min_group_size=5).to_dict()
    assert result["slices"][0]["min_group_size"] == 5
    assert [g["unreliable"] for g in result["slices"][0]["groups"]] == [False, False]


@pytest.mark.parametrize("mutate, fragment", [
    (lambda y, p, n, g: (y[:-1], p, n, g), "labels but y_prob has"),
    (lambda y, p, n, g: (y, p[:, :1] / p[:, :1], n[:1], g), "at least 2 classes"),
    (lambda y, p, n, g: (y, p, n[:-1], g), "class names"),
    (lambda y, p, n, g: (y, p, [n[0]] * len(n), g), "unique"),
    (lambda y, p, n, g: (y + 10, p, n, g), "outside"),
    (lambda y, p, n, g: (y + 0.5, p, n, g), "integer class indices"),
    (lambda y, p, n, g: (y, p * 3, n, g), "[0, 1]"),
    (lambda y, p, n, g: (y, p * 0.5, n, g), "sum to 1"),
    (lambda y, p, n, g: (y, np.where(p > 0.5, np.nan, p), n, g), "NaN"),
    (lambda y, p, n, g: (y, p, n, {"g": ["a", "b"]}), "one value per sample"),
])
def test_bad_inputs_raise_one_line_user_errors(mutate, fragment):
    y_true, y_prob = random_predictions(40, 4, seed=3)
    args = mutate(y_true, y_prob, names(4), None)
    with pytest.raises(UserError) as err:
        evaluate_predictions(*args, n_resamples=5)
    assert fragment in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("option", [dict(n_resamples=-1), dict(confidence=1.0), dict(n_bins=0),
                                    dict(min_group_size=0), dict(top_confusions=-2), dict(seed=-1)])
def test_bad_options_raise_user_errors(option):
    y_true, y_prob = random_predictions(40, 4, seed=3)
    with pytest.raises(UserError):
        evaluate_predictions(y_true, y_prob, names(4), **option)


def test_building_blocks_validate_their_own_inputs():
    with pytest.raises(UserError, match="one prediction per label"):
        confusion_summary([0, 1, 1], [0, 1], ["a", "b"])
    with pytest.raises(UserError, match="outside"):
        confusion_summary([0, 2], [0, 1], ["a", "b"])
    with pytest.raises(UserError, match="one value per sample"):
        slice_metrics([0, 1, 1], [0, 1, 0], {"g": ["a", "b"]})


def test_slice_metrics_is_what_the_evaluation_reports(setup, evaluation):
    y_true, y_prob, groups = setup
    summaries = slice_metrics(y_true, y_prob.argmax(axis=1), groups)
    for summary, block in zip(summaries, evaluation["slices"]):
        assert summary.column == block["column"]
        assert summary.accuracy == [g["accuracy"]["value"] for g in block["groups"]]
        assert summary.worst_group == block["worst_group"]


def test_importing_the_analysis_never_loads_tensorflow():
    code = ("import sys, modelcard.analysis; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'tensorflow', 'keras'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.strip() == "[]"
