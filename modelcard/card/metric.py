"""A point estimate with its confidence interval: the one value type every card section uses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """A point estimate with its bootstrap confidence interval (any part may be None)."""

    value: float | None     # e.g. 0.912
    ci_low: float | None    # e.g. 0.871
    ci_high: float | None   # e.g. 0.948
    reason: str | None = None  # e.g. "the model never predicted this class" (value None: too few images)


def metric_of(m) -> Metric:
    """The card's `Metric` from the typed record's metric (`record.model.Metric` or `MetricFact`,
    anything with value/ci_low/ci_high/reason), e.g. `metric_of(ev.metrics["accuracy"])`; None
    (no such metric) gives a metric whose parts are all None, as `metric_from(None)` does."""
    if m is None:
        return Metric(None, None, None)
    return Metric(m.value, m.ci_low, m.ci_high, getattr(m, "reason", None))
