"""Claims from the typed record's numbers: the one place a record metric becomes a claim."""

from __future__ import annotations

from typing import Protocol

from .claim import Claim, Interval


class MetricLike(Protocol):
    """Anything with a value and an interval: the record's Metric or MetricFact, the card's Metric."""

    value: float | None
    ci_low: float | None
    ci_high: float | None


def interval_of(m: MetricLike | None, method: str | None, level: float | None) -> Interval | None:
    """The interval of `m`, or None when either bound is missing."""
    if m is None or m.ci_low is None or m.ci_high is None:
        return None
    return Interval(float(m.ci_low), float(m.ci_high), method, level)


def metric_claim(key: str, subject: str, quantity: str, m: MetricLike | None, *, method: str | None,
                 level: float | None, n: int | None, unit: str = "share", same_as: str | None = None,
                 scope: str | None = None, slice: str | None = None, no_interval: str | None = None) -> Claim:
    """A claim of a score with its interval, e.g. metric_claim("test.accuracy", "test", "accuracy",
    ev.metric("accuracy"), method="wilson", level=0.95, n=32)."""
    value = None if m is None else m.value
    return Claim(key=key, subject=subject, quantity=quantity, value=value, unit=unit,
                 interval=interval_of(m, method, level), n=n, scope=scope, same_as=same_as,
                 reason=getattr(m, "reason", None) if value is None else None, slice=slice,
                 no_interval=no_interval if interval_of(m, method, level) is None else None)


def figure_claim(key: str, subject: str, quantity: str, value: float | int | None, unit: str, *,
                 scope: str | None = None, n: int | None = None, same_as: str | None = None,
                 no_interval: str | None = None) -> Claim:
    """A claim of a measured figure without an interval, e.g. a duration or an energy (`no_interval`: why a
    score has none, e.g. "one training run per seed")."""
    return Claim(key=key, subject=subject, quantity=quantity, value=value, unit=unit, scope=scope, n=n,
                 same_as=same_as, no_interval=no_interval)
