"""The robustness sample: its size rule (checked against every outcome by brute force), the stratified
seeded draw, the whole set when small, the clean baseline equal to the headline on the same images, and
the record, schema and card of a sampled suite. Pure numpy: no TensorFlow."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest

import modelcard.record
from modelcard.analysis import evaluate_predictions
from modelcard.analysis.paired_difference import paired_difference_interval
from modelcard.analysis.robustness import robustness_section
from modelcard.analysis.robustness_sample import (allocation, n_for_drop_half_width, sample_plan,
                                                  stratified_sample, worst_drop_half_width)


def _labels(counts, seed=0):
    labels = np.concatenate([np.full(c, k) for k, c in enumerate(counts)])
    return np.random.default_rng(seed).permutation(labels)


def _brute_worst(n: int, accuracy: float) -> float:
    right = int(np.rint(accuracy * n))
    b, c = np.meshgrid(np.arange(right + 1), np.arange(n - right + 1))
    _, low, high = paired_difference_interval(b.ravel(), c.ravel(), n)
    return float(((high - low) / 2).max())


@pytest.mark.parametrize("accuracy", [0.5, 0.8, 0.97])
def test_the_worst_case_is_the_widest_interval_of_every_outcome(accuracy):
    for n in (20, 57, 131):
        assert worst_drop_half_width(n, accuracy)[0] == pytest.approx(_brute_worst(n, accuracy), abs=1e-12)


@pytest.mark.parametrize("half_width, accuracy", [(0.15, None), (0.12, 0.8), (0.2, 0.95)])
def test_the_size_is_the_smallest_that_reaches_the_width_whatever_the_corruptions_do(half_width, accuracy):
    n = n_for_drop_half_width(half_width, accuracy)
    a = 0.5 if accuracy is None else accuracy
    assert _brute_worst(n, a) <= half_width < _brute_worst(n - 1, a)
    assert n_for_drop_half_width(half_width, 0.5) >= n  # one half is the worst case of all


def test_the_documented_sizes():
    assert n_for_drop_half_width(0.05) == 1533 and n_for_drop_half_width(0.05, 0.9) == 692
    with pytest.raises(ValueError):
        n_for_drop_half_width(0.0)


@pytest.mark.parametrize("counts", [[500, 300, 200], [7, 1, 13, 2, 977], [40] * 9 + [3]])
@pytest.mark.parametrize("n", [1, 10, 97, 400])
def test_stratified_per_class_counts_are_proportional_within_rounding(counts, n):
    labels = _labels(counts)
    share = allocation(labels, n)
    n = min(n, sum(counts))
    assert share.sum() == n and np.all(np.abs(share - n * np.asarray(counts) / sum(counts)) < 1)
    picked = stratified_sample(labels, n, seed=4)
    assert len(picked) == n and len(set(picked.tolist())) == n and np.all(np.diff(picked) > 0)
    assert np.bincount(labels[picked], minlength=len(counts)).tolist() == share.tolist()


def test_the_sample_is_seeded():
    labels = _labels([600, 250, 150])
    first = stratified_sample(labels, 200, seed=7)
    assert np.array_equal(first, stratified_sample(labels, 200, seed=7))
    assert not np.array_equal(first, stratified_sample(labels, 200, seed=8))
    # same per-class counts under any seed: only which images changes
    assert np.bincount(labels[first]).tolist() == np.bincount(labels[stratified_sample(labels, 200, 8)]).tolist()


def test_a_test_set_no_larger_than_the_plan_is_used_whole():
    labels = _labels([30, 20, 10])
    positions, sample = sample_plan(labels, seed=0)
    assert positions.tolist() == list(range(60))
    assert sample == {"n": 60, "of": 60, "method": "all test images", "seed": 0, "target_half_width": 0.05,
                      "needed": 1533, "planned_clean_accuracy": None}
    assert stratified_sample(labels, 60, 1).tolist() == list(range(60))


def test_a_larger_test_set_is_sampled_to_the_planned_size():
    labels = _labels([5000, 2500, 1313])
    positions, sample = sample_plan(labels, seed=3, clean_accuracy=0.9)
    assert len(positions) == sample["n"] == sample["needed"] == 692 and sample["of"] == 8813
    assert sample["method"] == "stratified by class, seed 3" and sample["indices"] == positions.tolist()
    assert np.array_equal(positions, stratified_sample(labels, 692, 3))


def _headline(n=3000, k=4, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    probs = rng.dirichlet(np.ones(k), n).astype(np.float32)  # as a model gives them
    probs[np.arange(n), y] += np.where(rng.random(n) < 0.85, 2.0, 0.0).astype(np.float32)
    return y, probs / probs.sum(axis=1, keepdims=True)


def _evaluated(y, probs):
    """What the headline evaluation does with a model's probabilities (training.measure.evaluation)."""
    y_prob = np.asarray(probs, dtype=np.float64)
    return evaluate_predictions(y, y_prob / y_prob.sum(axis=1, keepdims=True), ["a", "b", "c", "d"], seed=0).to_dict()


def test_the_clean_baseline_is_the_headline_on_the_same_images_exactly():
    y, probs = _headline()
    noisy = {("contrast", 5): np.roll(probs, 1, axis=1)}
    positions, sample = sample_plan(y, seed=0, clean_accuracy=float(np.mean(probs.argmax(1) == y)))
    assert sample["n"] < len(y)
    section = robustness_section(y[positions], probs[positions], {k: v[positions] for k, v in noisy.items()},
                                 ["a", "b", "c", "d"], suite="quick", seed=0, parameters={}, resolution=32,
                                 n_resamples=50, sample=sample)
    assert section["clean_accuracy"] == _evaluated(y[positions], probs[positions])["metrics"]["accuracy"]
    assert section["n"] == sample["n"] and section["sample"] is sample
    assert f"applied to {sample['n']} of the {len(y)} test images (stratified by class, seed 0;" in section["method"]
    whole = robustness_section(y, probs, noisy, ["a", "b", "c", "d"], suite="quick", seed=0, parameters={},
                               resolution=32, n_resamples=50, sample=sample_plan(y[:100], 0)[1])
    assert whole["clean_accuracy"] == _evaluated(y, probs)["metrics"]["accuracy"]  # the headline, exactly
    assert "applied to the test images at" in whole["method"]


def _record_with(sample: dict) -> dict:
    y, probs = _headline(n=200)
    section = robustness_section(y[:sample["n"]], probs[:sample["n"]], {("contrast", 5): probs[:sample["n"]]},
                                 ["a", "b", "c", "d"], suite="quick", seed=0, parameters={}, resolution=32,
                                 n_resamples=50, sample=sample)
    return section


def test_the_record_schema_and_typed_model_take_the_sample():
    from modelcard.record.model import Robustness

    schema = json.loads((Path(modelcard.record.__file__).parent / "run.schema.json").read_text())
    sample = {"n": 120, "of": 200, "method": "stratified by class, seed 0", "seed": 0, "target_half_width": 0.05,
              "needed": 120, "planned_clean_accuracy": 0.9, "indices": list(range(0, 200, 2))[:120]}
    section = _record_with(sample)
    robustness_schema = {"$defs": schema["$defs"], "$ref": "#/$defs/robustness"}
    jsonschema.validate(section, robustness_schema)
    typed = Robustness.from_dict(section)
    assert typed.sample.sampled and typed.sample.indices[:2] == [0, 2] and typed.to_dict()["sample"] == sample
    assert not Robustness.from_dict(_record_with({"n": 200, "of": 200, "method": "all test images"})).sample.sampled
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**section, "sample": {"n": 3}}, robustness_schema)


def test_the_card_says_which_images_and_how_only_for_a_sample():
    from modelcard.card.sections.robustness import robustness
    from modelcard.record.model import RunRecord

    sample = {"n": 120, "of": 200, "method": "stratified by class, seed 0", "target_half_width": 0.05}
    rob = robustness(RunRecord.of({"config": {}, "warnings": [], "robustness": _record_with(sample)}))
    assert rob.images == ("120 of the 200 test images (a sample stratified by class, seed 0, sized for a drop "
                          "interval of at most ±5 points)")
    assert rob.clean_accuracy.scope == "the 120 sampled test images" and rob.clean_accuracy.same_as is None
    whole = robustness(RunRecord.of({"config": {}, "warnings": [],
                                     "robustness": _record_with({"n": 200, "of": 200, "method": "all test images"})}))
    assert whole.images == "the 200 test images" and whole.sample is None
