"""The verdict rules (issue 25) against known truth: met, not met and not established, at small and large n.

Test sets are drawn from a binomial with a known true rate, their Wilson interval made by the card's own
interval code, and `judge` reads the verdict; the rules promise that "met" and "not met" are wrong no more
often than the interval's level allows, at every n, and that a large test set settles a bar the truth is
far from.
"""

from __future__ import annotations

import numpy as np
import pytest

from modelcard.analysis.proportions import wilson_interval
from modelcard.analysis.sample_size import n_to_settle
from modelcard.card.sections.verdict import (AT_LEAST, AT_MOST, MET, NOT_ESTABLISHED, NOT_MET, Bar, judge)
from modelcard.claims import Claim
from modelcard.claims.claim import Interval


def _share(key: str, right: int, n: int) -> Claim:
    low, high = wilson_interval(right, n)
    return Claim(key, key.split(".")[0], "accuracy", right / n, "share", Interval(float(low), float(high), "wilson", 0.95),
                 n=n)


def _lookup(*claims: Claim):
    index = {c.key: c for c in claims}
    return index.get


def _accuracy_bar(bar: float = 0.9, **kw) -> Bar:
    return Bar("accuracy", "test.accuracy", "accuracy", bar, AT_LEAST, "card.yaml `accuracy_bar`", **kw)


def _verdicts(truth: float, n: int, bar: float, draws: int, seed: int) -> dict[str, float]:
    """The share of each verdict over `draws` test sets of `n` images drawn at the true rate `truth`."""
    rng = np.random.default_rng(seed)
    outcomes = [judge(_accuracy_bar(bar), _lookup(_share("test.accuracy", int(k), n)), n).outcome
                for k in rng.binomial(n, truth, size=draws)]
    return {o: outcomes.count(o) / draws for o in (MET, NOT_MET, NOT_ESTABLISHED)}


@pytest.mark.parametrize("n", [20, 32, 100, 1000, 20000])
@pytest.mark.parametrize("truth", [0.85, 0.9, 0.95])
def test_a_verdict_is_wrong_no_more_often_than_the_level_allows(truth, n):
    """Known truth against a 90% bar: "met" when the truth is at or below the bar, or "not met" when it is at
    or above, happens no more often than the 95% interval misses the truth (5%; Wilson's misses near 90% fall
    mostly on one side at small n, 4.95% at n = 20), plus Monte Carlo slack, at small and large n."""
    share = _verdicts(truth, n, 0.9, draws=2000, seed=n)
    if truth <= 0.9:
        assert share[MET] <= 0.06, share
    if truth >= 0.9:
        assert share[NOT_MET] <= 0.06, share
    if truth != 0.9:  # the truth 5 points from the bar: the wrong verdict is far rarer still
        assert share[MET if truth < 0.9 else NOT_MET] <= 0.01, share


@pytest.mark.parametrize("truth, settled", [(0.95, MET), (0.85, NOT_MET)])
def test_small_sets_do_not_settle_a_bar_and_large_sets_do(truth, settled):
    small = _verdicts(truth, 20, 0.9, draws=500, seed=1)
    assert small[NOT_ESTABLISHED] >= 0.8, small  # 20 images cannot tell 95% (or 85%) from 90%
    large = _verdicts(truth, 5000, 0.9, draws=200, seed=2)
    assert large[settled] == 1.0, large


def test_the_example_card_numbers_give_not_established_and_229():
    """The issue's own example: 30 of 32 right against a 90% bar."""
    v = judge(_accuracy_bar(), _lookup(_share("test.accuracy", 30, 32)), 32)
    assert v.outcome == NOT_ESTABLISHED
    assert "holds the bar inside its interval" in v.statement.text
    assert v.plan is not None and "About 229 test images would settle accuracy against 90% (this one has 32)" \
        in v.plan.text


def test_the_planned_size_settles_the_bar_half_the_time_at_the_observed_rate():
    """At the planned n and a true rate equal to the observed one, about half the test sets settle it (the plan
    says "an even chance"); at four times the plan nearly all do."""
    rate, bar = 0.9375, 0.9
    planned = n_to_settle(rate, bar)
    at_plan = _verdicts(rate, planned, bar, draws=1500, seed=3)
    assert 0.35 <= at_plan[MET] <= 0.65, at_plan
    assert _verdicts(rate, 4 * planned, bar, draws=400, seed=4)[MET] >= 0.9


@pytest.mark.parametrize("n_test, n_cv", [(200, 200), (5000, 5000)])
def test_a_cross_validated_estimate_wholly_below_the_bar_withdraws_met(n_test, n_cv):
    """Test above the bar, the recipe's cross-validated estimate wholly below: not established, and the card
    says which estimate disagrees. Same rule on a large test set that is itself wholly above."""
    test = _share("test.accuracy", round(0.99 * n_test), n_test)
    cv = _share("cv.accuracy", round(0.77 * n_cv), n_cv)
    bar = _accuracy_bar(others=(("cv.accuracy", "the cross-validated estimate of the same recipe"),))
    v = judge(bar, _lookup(test, cv), n_test)
    assert v.outcome == NOT_ESTABLISHED
    assert ("lies wholly above the bar, but the cross-validated estimate of the same recipe, 77% (95% CI"
            in v.statement.text) and v.statement.text.endswith("lies wholly below it.")
    assert v.statement.relation.holds(_lookup(test, cv))
    alone = judge(_accuracy_bar(), _lookup(test), n_test)
    assert alone.outcome == MET and alone.plan is None


def test_an_estimate_on_the_right_side_does_not_change_a_verdict():
    test = _share("test.accuracy", 4900, 5000)
    cv = _share("cv.accuracy", 960, 1000)
    bar = _accuracy_bar(others=(("cv.accuracy", "the cross-validated estimate"),))
    assert judge(bar, _lookup(test, cv), 5000).outcome == MET


def test_a_bar_not_met_stays_not_met_and_gets_no_plan():
    v = judge(_accuracy_bar(), _lookup(_share("test.accuracy", 700, 1000)), 1000)
    assert v.outcome == NOT_MET and v.plan is None
    assert "lies wholly below the bar" in v.statement.text


def test_a_test_estimate_above_every_fold_is_called_a_possible_lucky_draw():
    test = _share("test.accuracy", 30, 32)
    folds = [_share(f"cv.fold.{i}.accuracy", r, 40) for i, r in enumerate((30, 31, 32, 33, 34))]
    cv = _share("cv.accuracy", 160, 200)
    bar = _accuracy_bar(others=(("cv.accuracy", "the cross-validated estimate"),),
                        folds=tuple(f.key for f in folds))
    get = _lookup(test, cv, *folds)
    v = judge(bar, get, 32)
    assert ("The test set is small (32 images, against 200 in the cross-validation) and its estimate sits above "
            "all 5 folds of the cross-validation (75% to 85%), so it may be a lucky draw.") in v.statement.text
    assert v.statement.relation.holds(get)
    inside = [_share(f"cv.fold.{i}.accuracy", r, 40) for i, r in enumerate((30, 38, 32, 33, 34))]
    assert "lucky" not in judge(bar, _lookup(test, cv, *inside), 32).statement.text


def test_seeds_on_the_wrong_side_are_counted():
    seeds = [_share(f"seeds.{i}.accuracy", r, 32) for i, r in enumerate((27, 30, 28))]
    bar = _accuracy_bar(seeds=tuple(s.key for s in seeds))
    v = judge(bar, _lookup(_share("test.accuracy", 30, 32), *seeds), 32)
    assert ("Retrained with 3 seeds, the test score ranged from 84.4% to 93.8%; 2 of the 3 seeds fall below the "
            "bar.") in v.statement.text


@pytest.mark.parametrize("n", [32, 20000])
def test_at_most_bars_read_the_other_side(n):
    """A bar a score must stay under (ECE, log loss): met when the interval lies wholly below it."""
    def ece(value, low, high):
        return Claim("test.ece", "test", "ece", value, "probability", Interval(low, high, "bootstrap", 0.95), n=n)
    bar = Bar("gate.ece", "test.ece", "expected calibration error", 0.3, AT_MOST, "policy gate `ece.ci_high`")
    assert judge(bar, _lookup(ece(0.1, 0.05, 0.2)), n).outcome == MET
    assert judge(bar, _lookup(ece(0.5, 0.4, 0.6)), n).outcome == NOT_MET
    straddles = judge(bar, _lookup(ece(0.25, 0.1, 0.4)), n)
    assert straddles.outcome == NOT_ESTABLISHED and straddles.plan is None  # no sample-size plan off a share


def test_no_interval_no_verdict():
    bare = Claim("test.accuracy", "test", "accuracy", 0.9, "share", None, n=10)
    assert judge(_accuracy_bar(), _lookup(bare), 10) is None
    assert judge(_accuracy_bar(), _lookup(), 10) is None
