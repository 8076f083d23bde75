"""A metric object of the record, and a metric as a fact that names its interval's method."""

from __future__ import annotations

from dataclasses import dataclass

from ..typed import Section


@dataclass(frozen=True)
class Metric(Section):
    """`{value, ci_low, ci_high}` with a 95% interval (`reason` when the value is undefined): the one metric type
    of the record and of the card, e.g. `Metric(0.9375, 0.7985, 0.9827)`."""

    value: float | None  # the point estimate, e.g. 0.9375
    ci_low: float | None  # lower end of the interval, e.g. 0.7985
    ci_high: float | None  # upper end of the interval, e.g. 0.9827
    reason: str | None = None  # why value is null (1.1), e.g. "the model never predicted this class"


@dataclass(frozen=True)
class MetricFact:
    """A metric with the provenance of its interval: the method id the record names for it."""

    value: float | None  # e.g. 0.9375
    ci_low: float | None  # e.g. 0.7985
    ci_high: float | None  # e.g. 0.9827
    method: str | None  # interval method id, e.g. "wilson"; None: no interval (0 resamples)
    reason: str | None = None  # why value is null, e.g. "too few images"


def metric_of(m) -> Metric:
    """The `Metric` of anything with value/ci_low/ci_high/reason (a `MetricFact` drops its method), e.g.
    `metric_of(ev.metrics["accuracy"])`; None (no such metric) gives a metric whose parts are all None."""
    if m is None:
        return Metric(None, None, None)
    if type(m) is Metric:
        return m
    return Metric(m.value, m.ci_low, m.ci_high, getattr(m, "reason", None))


@dataclass(frozen=True)
class MeasuredFact:
    """A measured quantity and where it was measured: for this run, or shared with its sweep."""

    value: object  # e.g. 16.97 (ms), or None when not measured
    shared_with: str | None  # None: measured for this run; "sweep", or the run id whose model was timed

    @property
    def measured(self) -> bool:
        """True when the record holds a value (for this run or shared)."""
        return self.value is not None

    @property
    def shared(self) -> bool:
        return self.shared_with is not None
