"""Robustness analysis: accuracy per corruption (checked against scikit-learn), the paired drop
interval (checked by simulation with known truth) and the record layout policy gates read."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from modelcard.analysis import evaluate_predictions
from modelcard.analysis.paired_difference import paired_difference_interval
from modelcard.analysis.robustness import paired_drop, robustness_section
from pathlib import Path

import modelcard.record


def _onehot(pred, k):
    probs = np.full((len(pred), k), 0.1 / (k - 1))
    probs[np.arange(len(pred)), pred] = 0.9
    return probs


def _section(n=200, k=4, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    clean = np.where(rng.random(n) < 0.9, y, (y + 1) % k)
    corrupted = {}
    for name, rate in (("gaussian_noise", 0.1), ("contrast", 0.3)):
        for severity in (1, 3, 5):
            flip = rng.random(n) < rate * severity / 3
            corrupted[(name, severity)] = _onehot(np.where(flip, (y + 2) % k, clean), k)
    section = robustness_section(y, _onehot(clean, k), corrupted, [f"c{i}" for i in range(k)], suite="quick",
                                 seed=3, parameters={"gaussian_noise": {"1": 0.08}}, resolution=96)
    return y, clean, corrupted, section


def test_accuracy_and_drop_match_sklearn_and_test_set_method():
    y, clean, corrupted, section = _section()
    k = 4
    assert section["clean_accuracy"]["value"] == pytest.approx(accuracy_score(y, clean))
    # same interval as the test set's accuracy (one method, from evaluate_predictions)
    expected = evaluate_predictions(y, _onehot(clean, k), [f"c{i}" for i in range(k)], seed=3).metrics["accuracy"]
    expected = expected.to_dict()
    assert section["clean_accuracy"] == expected
    accs = []
    for (name, severity), probs in corrupted.items():
        cell = section["corruptions"][name][str(severity)]
        acc = accuracy_score(y, probs.argmax(1))
        accs.append(acc)
        assert cell["accuracy"]["value"] == pytest.approx(acc)
        assert cell["accuracy_drop"]["value"] == pytest.approx(accuracy_score(y, clean) - acc)
        assert cell["accuracy_drop"]["ci_low"] <= cell["accuracy_drop"]["value"] <= cell["accuracy_drop"]["ci_high"]
    assert section["relative_robustness"] == pytest.approx(np.mean(accs) / accuracy_score(y, clean))
    # severities are strings, so a policy path like robustness.gaussian_noise.3.accuracy_drop resolves
    assert section["corruptions"]["gaussian_noise"]["3"]["accuracy_drop"]["value"] > 0
    assert section["corruptions"]["contrast"]["5"]["accuracy_drop"]["ci_low"] > 0


def test_section_is_plain_json_and_matches_the_record_schema():
    _, _, _, section = _section()
    text = json.dumps(section, allow_nan=False)
    schema = json.loads((Path(modelcard.record.__file__).parent / "run.schema.json").read_text())
    validator = jsonschema.Draft202012Validator({**schema["$defs"]["robustness"], "$defs": schema["$defs"]})
    validator.validate(json.loads(text))
    assert set(section) == {"suite", "set", "n", "seed", "clean_accuracy", "relative_robustness", "corruptions",
                            "parameters", "method", "relative_robustness_ci", "relative_robustness_interval"}
    ratio = section["relative_robustness_ci"]
    assert ratio["value"] == section["relative_robustness"] and ratio["ci_low"] < ratio["value"] < ratio["ci_high"]
    assert section["relative_robustness_interval"] | {"description": None} == {
        "method": "smoothed_paired_bootstrap", "description": None, "confidence": 0.95, "n_resamples": 1000, "seed": 3}


def test_paired_drop_counts_only_changed_images():
    clean = np.array([1, 1, 1, 0, 0, 1], dtype=bool)
    corrupted = np.array([[1, 0, 1, 0, 1, 1], [1, 1, 1, 0, 0, 1]], dtype=bool)
    first, same = paired_drop(clean, corrupted, confidence=0.95)
    assert first["value"] == pytest.approx(0.0) and first["ci_low"] < 0 < first["ci_high"]
    # no image changed: the interval must not claim certainty (a bootstrap would give [0, 0])
    assert same["value"] == 0 and same["ci_low"] < -0.3 and same["ci_high"] > 0.3


def test_paired_interval_known_values_and_edges():
    value, low, high = paired_difference_interval(0, 0, 6)
    assert value == 0 and high == pytest.approx(3.8415 / (6 + 3.8415), abs=1e-3) and low == pytest.approx(-high)
    value, low, high = paired_difference_interval(20, 0, 20)
    assert value == 1 and high == pytest.approx(1.0) and 0.5 < low < 1
    with pytest.raises(ValueError):
        paired_difference_interval(5, 6, 10)


@pytest.mark.parametrize("n, p_lost, p_gained", [(20, 0.05, 0.0), (30, 0.15, 0.05), (100, 0.2, 0.1)])
def test_paired_interval_coverage_by_simulation(n, p_lost, p_gained):
    """Known truth: the drop is p_lost - p_gained; 95% intervals must cover it about 95% of the time."""
    rng = np.random.default_rng(n)
    sims = 2000
    counts = rng.multinomial(n, [p_lost, p_gained, 1 - p_lost - p_gained], size=sims)
    _, low, high = paired_difference_interval(counts[:, 0], counts[:, 1], n)
    truth = p_lost - p_gained
    coverage = np.mean((low <= truth + 1e-12) & (truth - 1e-12 <= high))
    assert coverage >= 0.93, coverage
