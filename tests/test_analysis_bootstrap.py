"""The vectorised bootstrap against scikit-learn and fairlearn recomputed on the same resamples."""

from __future__ import annotations

import numpy as np
import pytest
from fairlearn.metrics import MetricFrame
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from modelcard.analysis import (bootstrap_metrics, bootstrap_samples, per_sample, percentile_interval,
                                point_metrics, resample_indices)
from test_analysis_data import names, random_predictions
from test_analysis_point import loop_ece, sklearn_scalars

N_CHECKED = 6


@pytest.fixture(scope="module")
def data():
    y_true, y_prob = random_predictions(150, 8, seed=21, starve=6, uniform_rows=5)
    rng = np.random.default_rng(5)
    groups = {"site": rng.choice(["north", "south", "tiny"], size=150, p=[0.5, 0.47, 0.03])}
    return y_true, y_prob, groups


def test_resamples_reproduce_sklearn_on_the_same_indices(data):
    y_true, y_prob, groups = data
    dist = bootstrap_metrics(y_true, y_prob, names(8), groups, n_resamples=N_CHECKED, seed=3)
    indices = np.concatenate(list(resample_indices(len(y_true), N_CHECKED, seed=3)))
    assert indices.shape == (N_CHECKED, len(y_true))
    for b, idx in enumerate(indices):
        expected = sklearn_scalars(y_true[idx], y_prob[idx])
        expected["ece"] = loop_ece(y_true[idx], y_prob[idx])[0]
        for name, value in expected.items():
            assert dist.scalars[name][b] == pytest.approx(value, abs=1e-12), (b, name)
        y_pred = y_prob[idx].argmax(axis=1)
        p, r, f, s = precision_recall_fscore_support(y_true[idx], y_pred, labels=list(range(8)),
                                                     average=None, zero_division=0)
        np.testing.assert_allclose(np.nan_to_num(dist.per_class["precision"][b]), p, atol=1e-12)
        np.testing.assert_allclose(np.nan_to_num(dist.per_class["recall"][b]), r, atol=1e-12)
        np.testing.assert_allclose(np.nan_to_num(dist.per_class["f1"][b]), f, atol=1e-12)
        # undefined per-class scores are NaN (left out of the interval), not a fake 0
        predicted = np.bincount(y_pred, minlength=8)
        np.testing.assert_array_equal(np.isnan(dist.per_class["precision"][b]), predicted == 0)
        np.testing.assert_array_equal(np.isnan(dist.per_class["recall"][b]), s == 0)


def test_group_resamples_reproduce_fairlearn_on_the_same_indices(data):
    y_true, y_prob, groups = data
    dist = bootstrap_metrics(y_true, y_prob, names(8), groups, n_resamples=N_CHECKED, seed=4)
    site = dist.slices["site"]
    assert site.names == ["north", "south", "tiny"]
    indices = np.concatenate(list(resample_indices(len(y_true), N_CHECKED, seed=4)))
    for b, idx in enumerate(indices):
        frame = MetricFrame(
            metrics={"accuracy": accuracy_score,
                     "f1_macro": lambda t, p: f1_score(t, p, average="macro", zero_division=0)},
            y_true=y_true[idx], y_pred=y_prob[idx].argmax(axis=1), sensitive_features=groups["site"][idx])
        by_group = frame.by_group.reindex(site.names)
        np.testing.assert_allclose(site.accuracy[b], by_group["accuracy"].to_numpy(dtype=float), atol=1e-12)
        np.testing.assert_allclose(site.f1_macro[b], by_group["f1_macro"].to_numpy(dtype=float), atol=1e-12)
        present = ~np.isnan(site.accuracy[b])
        np.testing.assert_array_equal(site.count[b][present],
                                      [np.sum(groups["site"][idx] == g) for g in np.array(site.names)[present]])
        assert site.accuracy_difference[b] == pytest.approx(frame.difference()["accuracy"])


def test_point_estimates_lie_inside_their_intervals():
    y_true, y_prob = random_predictions(400, 10, seed=8)
    point = point_metrics(y_true, y_prob, names(10))
    dist = bootstrap_metrics(y_true, y_prob, names(10), n_resamples=400, seed=0)
    for name, value in point.scalars.items():
        low, high = percentile_interval(dist.scalars[name])
        assert low <= value <= high, name
        assert low < high, name
    for name, values in point.per_class.items():
        low, high = percentile_interval(dist.per_class[name])
        assert np.all((low <= values) & (values <= high)), name


def test_same_seed_same_draws_other_seed_other_draws(data):
    y_true, y_prob, groups = data
    first = bootstrap_metrics(y_true, y_prob, names(8), groups, n_resamples=50, seed=9)
    again = bootstrap_metrics(y_true, y_prob, names(8), groups, n_resamples=50, seed=9)
    other = bootstrap_metrics(y_true, y_prob, names(8), groups, n_resamples=50, seed=10)
    for name in first.scalars:
        np.testing.assert_array_equal(first.scalars[name], again.scalars[name])
    np.testing.assert_array_equal(first.slices["site"].f1_macro, again.slices["site"].f1_macro)
    assert not np.array_equal(first.scalars["accuracy"], other.scalars["accuracy"])


def test_chunking_does_not_change_the_resamples(data):
    y_true, y_prob, groups = data
    samples = per_sample(y_true, y_prob, 15)
    codes = {"site": (["north", "south", "tiny"], np.unique(groups["site"], return_inverse=True)[1])}
    whole = bootstrap_samples(samples, codes, n_resamples=23, seed=1)
    chunked = bootstrap_samples(samples, codes, n_resamples=23, seed=1, chunk_size=4)
    for name in whole.scalars:
        np.testing.assert_array_equal(whole.scalars[name], chunked.scalars[name])
    for name in whole.per_class:
        np.testing.assert_array_equal(whole.per_class[name], chunked.per_class[name])
    np.testing.assert_array_equal(whole.slices["site"].accuracy, chunked.slices["site"].accuracy)
    for name in whole.smoothed:  # the pseudo-counts are drawn per resample, whatever the chunks
        np.testing.assert_array_equal(whole.smoothed[name], chunked.smoothed[name])
    for name in whole.slices["site"].smoothed:
        np.testing.assert_array_equal(whole.slices["site"].smoothed[name], chunked.slices["site"].smoothed[name])


def test_percentile_interval_matches_numpy_and_skips_undefined_resamples():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(200, 3))
    low, high = percentile_interval(values, 0.9)
    np.testing.assert_allclose(low, np.percentile(values, 5, axis=0))
    np.testing.assert_allclose(high, np.percentile(values, 95, axis=0))
    values[:50, 1] = np.nan
    values[:, 2] = np.nan
    low, high = percentile_interval(values, 0.9)
    assert low[1] == pytest.approx(np.percentile(values[50:, 1], 5))
    assert np.isnan(low[2]) and np.isnan(high[2])


def test_pseudo_counts_pull_perfect_resamples_below_one_and_leave_absent_classes_undefined(data):
    y_true = np.array([0] * 6 + [1] * 6 + [2] * 2)
    y_prob = np.eye(4)[y_true] * 0.7 + 0.075  # every image right; class 3 never seen nor predicted
    dist = bootstrap_metrics(y_true, y_prob, names(4), n_resamples=200, seed=0)
    assert np.all(dist.scalars["f1_macro"] == 1.0)  # raw resamples: certainty
    assert np.all(dist.smoothed["f1_macro"] < 1.0)
    assert np.all(np.isnan(dist.smoothed["per_class_f1"][:, 3]))
    assert np.nanmax(dist.smoothed["per_class_f1"][:, 2]) < 1.0
