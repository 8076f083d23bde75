"""Sample-size planning (issue 25) with the card's own Wilson interval, checked against scipy and by simulation
with known truth: what "about N test images would settle it" means, at small and large n."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from modelcard.analysis.proportions import wilson_interval
from modelcard.analysis.sample_size import (more_images, n_for_half_width, n_to_clear, n_to_fall_below,
                                            n_to_settle)


def _scipy_low(k: int, n: int) -> float:
    return binomtest(k, n).proportion_ci(method="wilson").low


def test_the_closed_form_wilson_is_scipys():
    for n in (1, 2, 7, 32, 229, 5000):
        k = np.arange(n + 1)
        low, high = wilson_interval(k, np.full(n + 1, n))
        for j in range(0, n + 1, max(1, n // 25)):
            ci = binomtest(int(j), n).proportion_ci(method="wilson")
            assert (low[j], high[j]) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_the_example_needs_229_test_images_at_its_rate():
    """The issue's example: 30 of 32 right (93.75%) against a 90% bar."""
    n = n_to_clear(0.9375, 0.90)
    assert n == 229
    assert _scipy_low(round(0.9375 * n), n) > 0.90  # 215 of 229: scipy agrees it clears the bar
    assert all(_scipy_low(round(0.9375 * m), m) <= 0.90 for m in range(32, n))  # and no smaller set does


@pytest.mark.parametrize("rate, bar", [(0.99, 0.9), (0.6, 0.5), (0.2, 0.1)])
def test_a_planned_size_settles_the_bar_half_the_time_at_the_assumed_rate(rate, bar):
    """Known truth: a model whose true rate is the planning rate clears the bar at the planned size about
    half the time (the observed rate of a new set falls either side of the truth), and almost always at
    four times the size; a model exactly at the bar clears it at most 2.5% of the time at any size."""
    rng = np.random.default_rng(0)
    n = n_to_clear(rate, bar)
    for size, lo, hi in ((n, 0.30, 0.75), (4 * n, 0.85, 1.0)):
        k = rng.binomial(size, rate, 4000)
        cleared = np.mean(wilson_interval(k, np.full(k.shape, size))[0] > bar)
        assert lo <= cleared <= hi, (size, cleared)
    k = rng.binomial(4 * n, bar, 4000)
    assert np.mean(wilson_interval(k, np.full(k.shape, 4 * n))[0] > bar) <= 0.035


def test_below_the_bar_and_either_way():
    assert n_to_clear(0.80, 0.90) is None and n_to_fall_below(0.95, 0.90) is None
    n = n_to_fall_below(0.80, 0.90)
    assert wilson_interval(round(0.8 * n), n)[1] < 0.90
    assert n_to_settle(0.80, 0.90) == n and n_to_settle(0.9375, 0.90) == 229
    assert n_to_settle(0.9, 0.9) is None  # a rate on the bar: no size settles it


@pytest.mark.parametrize("rate, half", [(1 / 3, 0.10), (0.5, 0.05), (0.95, 0.02), (1.0, 0.10)])
def test_half_width_plans_reach_their_width(rate, half):
    """At the planned size, intervals of sets drawn at the rate are about that wide (mean half width)."""
    n = n_for_half_width(rate, half)
    low, high = wilson_interval(round(rate * n), n)
    assert (high - low) / 2 <= half
    rng = np.random.default_rng(1)
    k = rng.binomial(n, rate, 3000)
    lo, hi = wilson_interval(k, np.full(k.shape, n))
    assert np.mean((hi - lo) / 2) <= half * 1.08


def test_bad_inputs_and_extra_images():
    with pytest.raises(ValueError):
        n_to_clear(1.2, 0.9)
    with pytest.raises(ValueError):
        n_for_half_width(0.5, 0.0)
    assert more_images(229, 32) == 197 and more_images(20, 32) == 0 and more_images(None, 32) is None


def test_skipping_the_sizes_that_cannot_settle_changes_no_answer():
    """The scan starts where the score test says a set could first settle the bar (`_start`); a scan from one
    image finds the same n, for rates near and far from bars near the middle and the ends."""
    from modelcard.analysis import sample_size as ss

    rng = np.random.default_rng(7)
    cases = [(0.9375, 0.9), (0.999, 0.99), (0.02, 0.01), (0.5, 0.45), (0.995, 0.5), (0.01, 0.9), (0.91, 0.9)]
    cases += [tuple(rng.uniform(0.01, 0.99, 2)) for _ in range(60)]
    for rate, bar in cases:
        if abs(rate - bar) < 0.01:
            continue
        for clear in (True, False):
            if (rate > bar) != clear:
                continue
            ok = ((lambda n: ss._bounds(rate, n, 0.95)[0] > bar) if clear
                  else (lambda n: ss._bounds(rate, n, 0.95)[1] < bar))
            got = ss.n_to_clear(rate, bar) if clear else ss.n_to_fall_below(rate, bar)
            assert got == ss._first(ok, 1), (rate, bar)


def test_a_rate_a_hair_from_the_bar_has_no_plan():
    assert n_to_settle(0.9 + 1e-7, 0.9) is None and n_to_settle(0.9 - 1e-7, 0.9) is None
    assert n_to_settle(0.9, 0.9) is None
