"""Which way the model's confidence is off, and whether the test set can tell: one statement per set.

The reliability bins of the record give the model's mean stated confidence (the count-weighted
mean of the bins' mean confidence) and, bin by bin, whether it was right more or less often than
it said. The direction is said plainly; it counts as established only when the mean confidence
lies outside the accuracy's interval (calibration in the large, with the accuracy's own interval
method). ECE is quoted with its caveat (biased upward on small sets), never as the verdict.

The same statement is the summary's calibration sentence, the scorecard's calibration line and,
when established, a measured risk.
"""

from __future__ import annotations

from ...claims import Claim, Statement, figure_claim
from ...claims.relations import ABOVE, BELOW, STRADDLES, Versus, interval_versus
from ...record.model import Calibration
from .. import formatting as fmt

UNDER, OVER, MATCHED = "under-confident", "over-confident", "matched"


def mean_confidence(calibration: Calibration | None) -> tuple[float, int, int, int] | None:
    """(mean stated confidence, bins right at least as often as stated, bins right less often, images);
    None without bins."""
    bins = [b for b in (calibration.bins if calibration is not None else []) or [] if b.get("count")]
    n = sum(int(b["count"]) for b in bins)
    if not n or any(b.get("confidence") is None or b.get("accuracy") is None for b in bins):
        return None
    mean = sum(float(b["confidence"]) * int(b["count"]) for b in bins) / n
    at_least = sum(float(b["accuracy"]) >= float(b["confidence"]) for b in bins)
    return mean, at_least, len(bins) - at_least, n


def calibration_finding(set_name: str, calibration: Calibration | None, accuracy: Claim | None,
                        ece: Claim | None, unit: str = "images") -> tuple[Claim, Statement] | None:
    """The mean-confidence claim and the statement about it, e.g. "On test it is under-confident: ...";
    None without reliability bins or an accuracy interval."""
    found = mean_confidence(calibration)
    if found is None or accuracy is None or accuracy.interval is None or accuracy.value is None:
        return None
    mean, at_least, below, n = found
    conf = figure_claim(f"{set_name}.mean_confidence", set_name, "mean stated confidence", mean, "probability", n=n,
                        no_interval="the mean stated confidence (compared with the accuracy's interval instead)")
    where = interval_versus(accuracy, mean)
    direction = UNDER if accuracy.value > mean else OVER if accuracy.value < mean else MATCHED
    bins = at_least + below
    binned = (f"in {at_least} of its {bins} non-empty confidence bins it was right at least as often as it said"
              if direction == UNDER else
              f"in {below} of its {bins} non-empty confidence bins it was right less often than it said")
    said = (f"it states a mean confidence of {fmt.num(mean)} and is right {fmt.num(accuracy.value)} of the time "
            f"(95% CI {fmt.ci(accuracy)})")
    caveat = (f" Its expected calibration error, {fmt.metric(ece)}, is biased upward on a set of this size, so it "
              "is not used as the verdict." if ece is not None and ece.value is not None else "")
    if where == STRADDLES:
        lean = "" if direction == MATCHED else f", leaning {direction} ({binned})"
        text = (f"On {set_name}, {said}{lean}; the mean confidence lies inside the accuracy's interval, so there are "
                f"too few {unit} to tell whether its confidence is off on average.{caveat}")
    else:
        advice = ("read its scores as lower bounds of how often it is right, not as probabilities" if where == ABOVE
                  else "do not read its scores as probabilities: it is right less often than they say")
        text = (f"On {set_name} it is {direction}: {said}, so the mean confidence lies "
                f"{'below' if where == ABOVE else 'above'} the accuracy's whole interval ({binned}); {advice}.{caveat}")
    kind = "comparison" if where == STRADDLES else "risk"
    return conf, Statement(f"calibration.{set_name}", kind, text, Versus(accuracy.key, mean, where),
                           rule="calibration" if kind == "risk" else None)


__all__ = ["UNDER", "OVER", "MATCHED", "ABOVE", "BELOW", "STRADDLES", "mean_confidence", "calibration_finding"]
