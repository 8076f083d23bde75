"""Which way confidence is off, said plainly and only as far as the test set can tell (issue 24, item 10).

Known truth: reliability bins made here with a chosen mean confidence and accuracy. The direction
follows the bins; it counts as established (a measured risk) only when the mean stated confidence
lies outside the accuracy's own interval; ECE is quoted with its caveat, never as the verdict.
"""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from modelcard.claims import Interval, Ledger, metric_claim
from modelcard.card.sections.calibration import calibration_finding, mean_confidence
from modelcard.record.model import Metric
from modelcard.record.model import Calibration


def _bins(rows):
    """Calibration with bins (count, accuracy, confidence)."""
    bins = [{"lower": 0.0, "upper": 1.0, "count": n, "accuracy": a, "confidence": c} for n, a, c in rows]
    return Calibration.from_dict({"n_bins": 15, "ece": {"value": 0.2, "ci_low": 0.1, "ci_high": 0.3}, "bins": bins})


def _accuracy(right: int, n: int):
    ci = binomtest(right, n).proportion_ci(method="wilson")
    return metric_claim("test.accuracy", "test", "accuracy", Metric(right / n, ci.low, ci.high), method="wilson",
                        level=0.95, n=n)


ECE = metric_claim("test.ece", "test", "ece", Metric(0.2, 0.1, 0.3), method="expanded_percentile_bootstrap",
                   level=0.95, n=100, unit="probability")


def test_mean_confidence_weights_bins_by_their_counts():
    mean, at_least, below, n = mean_confidence(_bins([(10, 1.0, 0.5), (30, 0.5, 0.9)]))
    assert mean == pytest.approx((10 * 0.5 + 30 * 0.9) / 40) and (at_least, below, n) == (1, 1, 40)


@pytest.mark.parametrize("rows, right, n, direction, kind", [
    ([(100, 0.98, 0.55)], 98, 100, "under-confident", "risk"),   # says 0.55, right 98 of 100
    ([(100, 0.60, 0.95)], 60, 100, "over-confident", "risk"),    # says 0.95, right 60 of 100
    ([(10, 0.9, 0.8)], 9, 10, "leaning under-confident", "comparison"),  # 0.8 inside [0.60, 0.98]: cannot tell
])
def test_direction_and_verdict_follow_the_bins_and_the_accuracy_interval(rows, right, n, direction, kind):
    accuracy = _accuracy(right, n)
    conf, statement = calibration_finding("test", _bins(rows), accuracy, ECE)
    assert direction in statement.text and statement.kind == kind
    assert "biased upward" in statement.text and "0.200 [0.100, 0.300]" in statement.text  # ECE, with its caveat
    ledger = Ledger().extend([accuracy, conf, statement])
    assert statement.relation.holds(ledger.claim)  # the consistency check recomputes the verdict
    if kind == "comparison":
        assert "too few images to tell" in statement.text
    else:
        assert "lies " + ("below" if "under" in direction else "above") + " the accuracy's whole interval" in statement.text


def test_a_verdict_that_contradicts_its_numbers_is_caught():
    accuracy = _accuracy(98, 100)
    conf, statement = calibration_finding("test", _bins([(100, 0.98, 0.55)]), accuracy, ECE)
    wider = metric_claim("test.accuracy", "test", "accuracy", Metric(0.98, 0.5, 1.0), method="wilson", level=0.95,
                         n=100)  # an interval that holds 0.55: "under-confident" is no longer shown
    assert not statement.relation.holds(Ledger().extend([wider, conf]).claim)


def test_no_bins_or_no_interval_gives_no_statement():
    assert calibration_finding("test", None, _accuracy(9, 10), ECE) is None
    bare = metric_claim("test.accuracy", "test", "accuracy", Metric(0.9, None, None), method=None, level=None, n=10)
    assert calibration_finding("test", _bins([(10, 0.9, 0.8)]), bare, ECE) is None
    assert isinstance(_accuracy(9, 10).interval, Interval)
