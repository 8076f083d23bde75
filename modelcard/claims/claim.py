"""A claim: what any output of a card states about one number, said once.

Every format (Markdown, HTML, front matter, MCT JSON, CycloneDX, Croissant, meta.json, the
publish index) renders the same `Claim` for a fact: its value, interval (with the interval's
method and level), how many images stand behind it, its unit, its scope (what it includes) and
the subject it is about. No format words, scopes or re-derives a number on its own.

A `Claim` reads like the card's `Metric` (`value`, `ci_low`, `ci_high`, `reason`), so the card's
number formatting (`card/formatting.py`) prints either.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Units of the scores the card promises an interval for (or a stated reason why not).
SCORE_UNITS = ("share", "probability", "nats", "ratio")
#: Units a claim can have, with how the card names them (sizes are SI: 1 MB = 1,000,000 bytes).
UNITS = {"share": "share of images (0 to 1)", "probability": "probability (0 to 1)", "nats": "nats per image", "ratio": "ratio of two shares", "s": "seconds", "kWh": "kilowatt-hours",
         "g CO2eq": "grams of CO2-equivalent", "W": "watts", "images": "images", "bytes": "bytes",
         "ms": "milliseconds", "images/s": "images per second", "MB": "megabytes (1,000,000 bytes)",
         "predictions": "predictions", "count": "count", "parameters": "parameters"}


@dataclass(frozen=True)
class Interval:
    """A confidence interval and how it was made."""

    low: float             # e.g. 0.7985
    high: float            # e.g. 0.9827
    method: str | None     # the record's method id, e.g. "wilson"; None: the record names none
    level: float | None    # e.g. 0.95; None: the record does not say

    def contains(self, value: float) -> bool:
        """True when `value` lies in [low, high]."""
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Claim:
    """One number as every output states it."""

    key: str                          # unique in a card, e.g. "test.accuracy" or "emissions.training.co2"
    subject: str                      # what it is about, e.g. "test" (an evaluation set) or "run"
    quantity: str                     # e.g. "accuracy", "CO2eq", "duration"
    value: float | int | None         # e.g. 0.9375; None: undefined (see `reason`) or not measured
    unit: str                         # a key of UNITS, e.g. "share"
    interval: Interval | None = None  # e.g. Interval(0.7985, 0.9827, "wilson", 0.95); None: no interval
    n: int | None = None              # images behind the number, e.g. 32
    scope: str | None = None          # what it includes, e.g. "every phase except the inference-cost measurements"
    same_as: str | None = None        # key of the claim this is by definition, e.g. "test.accuracy"
    reason: str | None = None         # why value is None, e.g. "the model never predicted this class"
    # Where the machine formats (MCT `performance_metrics`, CycloneDX `performanceMetrics`) file a
    # score, with `quantity` as its type, e.g. "test/class=birds"; None: not a performance metric
    slice: str | None = None
    # Why a score has no interval, as the card's Metrics paragraph lists it, e.g. "each seed's test scores (one
    # training run each: the spread across seeds is their uncertainty)"; None: it has one (or is not a score)
    no_interval: str | None = None

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"claim {self.key}: unknown unit {self.unit!r}")

    # The card's Metric interface, so tables and sentences print a claim like any metric.
    @property
    def ci_low(self) -> float | None:
        return self.interval.low if self.interval is not None else None

    @property
    def ci_high(self) -> float | None:
        return self.interval.high if self.interval is not None else None

    @property
    def method(self) -> str | None:
        """The interval's method id, e.g. "wilson" (None without an interval)."""
        return self.interval.method if self.interval is not None else None

    def same_number(self, other: "Claim") -> bool:
        """Same value and the same interval (bounds, method and level): one quantity stated twice agrees."""
        return self.value == other.value and self.interval == other.interval
