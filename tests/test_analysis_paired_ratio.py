"""The interval of relative robustness (mean corrupted accuracy / clean accuracy, since 1.3): a smoothed
paired bootstrap over the images. Checked against scipy's paired bootstrap on a large set and by a small
seeded simulation with known clean and corrupted rates (the big one: `bench/coverage.py --method ratio`)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import bootstrap

from modelcard.analysis.paired_ratio import relative_robustness_interval

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from ratio_coverage import outcomes as _outcomes  # noqa: E402  (the bench's simulator, known rates)


def test_value_and_interval_agree_with_scipys_paired_bootstrap_on_a_large_set():
    rng = np.random.default_rng(0)
    clean, corrupted, _ = _outcomes(3000, 0.85, np.linspace(0.05, 0.4, 6), np.full(6, 0.1), rng)
    ours = relative_robustness_interval(clean, corrupted, n_resamples=2000, seed=1)
    assert ours.value == pytest.approx(corrupted.mean(axis=1).mean() / clean.mean())
    reference = bootstrap((clean.astype(float), corrupted.mean(axis=0)), lambda c, m: m.sum() / c.sum(), paired=True,
                          vectorized=False, n_resamples=2000, method="percentile", random_state=2).confidence_interval
    assert ours.ci_low == pytest.approx(reference.low, abs=0.006)
    assert ours.ci_high == pytest.approx(reference.high, abs=0.006)


def test_no_change_is_not_read_as_certainty_and_undefined_without_a_clean_hit():
    clean = np.array([True] * 9 + [False])
    same = relative_robustness_interval(clean, np.stack([clean] * 4), seed=0)
    assert same.value == 1.0 and same.ci_low < 0.97 and same.ci_high > 1.0  # a plain bootstrap gives [1, 1]
    none_right = relative_robustness_interval(np.zeros(5, bool), np.ones((2, 5), bool))
    assert (none_right.value, none_right.ci_low, none_right.ci_high) == (None, None, None)
    assert relative_robustness_interval(clean, np.stack([clean] * 4), n_resamples=0).ci_low is None
    with pytest.raises(ValueError):
        relative_robustness_interval(clean, clean)


@pytest.mark.parametrize("n, p0, loss, gain", [(32, 0.9, np.linspace(0.02, 0.45, 18), np.full(18, 0.05)),
                                               (10, 0.95, np.full(18, 0.005), np.zeros(18))])
def test_coverage_with_known_rates_is_near_nominal(n, p0, loss, gain):
    rng = np.random.default_rng(n)
    hits = 0
    sets = 200
    for s in range(sets):
        clean, corrupted, truth = _outcomes(n, p0, loss, gain, rng)
        ratio = relative_robustness_interval(clean, corrupted, n_resamples=500, seed=s)
        hits += ratio.value is not None and ratio.ci_low <= truth <= ratio.ci_high
    assert hits / sets >= 0.93
