"""The interval of the gap between groups of a slice (`slices[].difference_ci`, since 1.3): simultaneous
per-group intervals projected onto max - min. Checked against scipy's Wilson interval and by a small
seeded simulation with a known true gap (the big one is `bench/coverage.py --method slice-gap`)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from modelcard.analysis import evaluate_predictions
from modelcard.analysis.slice_gap import GAP_METHOD, accuracy_gap, bootstrap_gap, group_confidence, projected_gap


def test_wilson_part_is_scipys_at_the_bonferroni_level_and_projected_onto_the_gap():
    hits, counts = np.array([29, 1, 5]), np.array([31, 1, 9])
    level = 1 - 0.05 / 3
    bounds = [binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="wilson")
              for k, n in zip(hits, counts)]
    low, high = np.array([b.low for b in bounds]), np.array([b.high for b in bounds])
    gap = accuracy_gap(hits, counts, 0.95)
    assert group_confidence(0.95, 3) == pytest.approx(level)
    assert gap.value == pytest.approx(1.0 - 5 / 9)
    assert gap.ci_low == pytest.approx(max(0.0, low.max() - high.min()))
    assert gap.ci_high == pytest.approx(high.max() - low.min())
    assert gap.ci_low <= gap.value <= gap.ci_high


def test_one_group_has_no_gap_and_undefined_bounds_read_as_the_whole_range():
    assert projected_gap(0.0, [0.4], [0.9]) == projected_gap(0.0, [], [])
    assert (projected_gap(0.0, [0.4], [0.9]).ci_low, projected_gap(0.0, [0.4], [0.9]).ci_high) == (0.0, 0.0)
    wide = projected_gap(0.1, [0.5, np.nan], [0.6, np.nan])
    assert (wide.ci_low, wide.ci_high) == (0.0, 1.0)
    with pytest.raises(ValueError):
        accuracy_gap([3, 2], [2, 2])


def _simulate(sizes, truth, sets, seed):
    rng = np.random.default_rng(seed)
    sizes, truth = np.asarray(sizes), np.asarray(truth)
    gaps = [accuracy_gap(rng.binomial(sizes, truth), sizes) for _ in range(sets)]
    delta = truth.max() - truth.min()
    return (np.mean([g.ci_low <= delta <= g.ci_high for g in gaps]), np.mean([g.ci_low == 0 for g in gaps]),
            np.mean([g.value for g in gaps]))


@pytest.mark.parametrize("sizes", [(31, 1), (20, 3, 2, 7), (17, 8, 7), (300, 200, 100)])
def test_coverage_of_the_true_gap_is_at_least_nominal_with_a_known_truth(sizes):
    unequal = np.linspace(0.95, 0.7, len(sizes))
    covered, _, _ = _simulate(sizes, unequal, 300, seed=len(sizes))
    assert covered >= 0.95
    covered, holds_zero, mean_gap = _simulate(sizes, [0.85] * len(sizes), 300, seed=7)
    assert covered >= 0.95 and holds_zero >= 0.95  # one true accuracy: the interval holds 0 in most draws
    assert mean_gap > 0  # while the observed max - min is biased upward


def test_the_record_names_the_method_and_a_tiny_group_no_longer_reads_as_a_gap():
    y_true = np.arange(32) % 3
    y_prob = np.full((32, 3), 0.1)
    predicted = y_true.copy()
    predicted[:2] = (y_true[:2] + 1) % 3  # two errors, both in the big group
    y_prob[np.arange(32), predicted] = 0.8
    ev = evaluate_predictions(y_true, y_prob, ["a", "b", "c"], {"colour": ["colour"] * 31 + ["grey"]},
                              n_resamples=300, seed=0).to_dict()
    assert ev["intervals"]["slices"]["difference"] == GAP_METHOD and GAP_METHOD in ev["intervals"]["methods"]
    block = ev["slices"][0]
    for name in ("accuracy", "f1_macro"):
        interval = block["difference_ci"][name]
        assert interval["value"] == block["difference"][name] > 0
        assert interval["ci_low"] == 0.0 < interval["value"] < interval["ci_high"]  # 31 images against 1: no evidence
    expected = accuracy_gap([29, 1], [31, 1])
    assert block["difference_ci"]["accuracy"]["ci_high"] == pytest.approx(expected.ci_high)
    without = evaluate_predictions(y_true, y_prob, ["a", "b", "c"], {"colour": ["colour"] * 31 + ["grey"]},
                                   n_resamples=0).to_dict()
    assert without["slices"][0]["difference_ci"]["accuracy"]["ci_high"] == pytest.approx(expected.ci_high)
    assert without["slices"][0]["difference_ci"]["f1_macro"]["ci_low"] is None  # F1 needs the resamples
    assert without["intervals"]["slices"]["difference"] == GAP_METHOD


def test_bootstrap_gap_uses_each_groups_quantiles_at_the_adjusted_level():
    rng = np.random.default_rng(0)
    draws = np.column_stack([rng.normal(0.8, 0.02, 2000), rng.normal(0.6, 0.02, 2000)])
    gap = bootstrap_gap([0.8, 0.6], draws, [1000, 1000], 0.95)
    low = np.quantile(draws, 0.0125, axis=0)  # level 1 - 0.05 / 2 = 0.975: 1.25% in each tail
    high = np.quantile(draws, 1 - 0.0125, axis=0)
    assert gap.value == pytest.approx(0.2)
    assert gap.ci_low == pytest.approx(low[0] - high[1], abs=2e-3)
    assert gap.ci_high == pytest.approx(high[0] - low[1], abs=2e-3)
