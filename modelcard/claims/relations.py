"""What a sentence asserts about numbers, in a form the consistency check can recompute.

A sentence that compares (the shipped seed is the best one; the interval lies above the bar;
the gap's interval excludes zero; the parts add up to the whole) carries one of these. It names
the claims it reads by key and the outcome the sentence states; `holds` recomputes that outcome
from the claims themselves, so a sentence that says what its numbers do not is caught at build.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .claim import Claim

Lookup = Callable[[str], Claim]


def _value(claim: Claim) -> float:
    if claim.value is None:
        raise ValueError(f"claim {claim.key} has no value to compare")
    return float(claim.value)


@dataclass(frozen=True)
class Rank:
    """`key` ranks `rank` (1 = highest value; ties share the better rank) among `among` (which holds `key`)."""

    key: str                   # e.g. "seeds.0.accuracy"
    among: tuple[str, ...]     # e.g. ("seeds.0.accuracy", "seeds.1.accuracy", "seeds.2.accuracy")
    rank: int                  # e.g. 1

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.key, *self.among)))

    def holds(self, get: Lookup) -> bool:
        mine = _value(get(self.key))
        return 1 + sum(_value(get(k)) > mine for k in self.among if k != self.key) == self.rank

    def describe(self) -> str:
        return f"{self.key} ranks {self.rank} of {len(self.among)}"


ABOVE, BELOW, STRADDLES = "above", "below", "straddles"


def interval_versus(claim: Claim, bar: float) -> str:
    """Where a claim's interval lies against `bar`: ABOVE (low > bar), BELOW (high < bar) or STRADDLES."""
    if claim.interval is None:
        raise ValueError(f"claim {claim.key} has no interval to compare with a bar")
    if claim.interval.low > bar:
        return ABOVE
    if claim.interval.high < bar:
        return BELOW
    return STRADDLES


@dataclass(frozen=True)
class Versus:
    """The interval of `key` lies `where` (ABOVE, BELOW or STRADDLES) the number `bar`."""

    key: str       # e.g. "test.accuracy"
    bar: float     # e.g. 0.9
    where: str     # ABOVE | BELOW | STRADDLES

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)

    def holds(self, get: Lookup) -> bool:
        return interval_versus(get(self.key), self.bar) == self.where

    def describe(self) -> str:
        return f"the interval of {self.key} lies {self.where} {self.bar:g}"


@dataclass(frozen=True)
class Below:
    """The interval of `key` lies wholly below the interval of `other` (`below` True), or the two overlap
    (`below` False), e.g. a class's recall against the whole set's accuracy."""

    key: str      # e.g. "test.class.vegetables.recall"
    other: str    # e.g. "test.accuracy"
    below: bool = True

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, self.other)

    def holds(self, get: Lookup) -> bool:
        a, b = get(self.key).interval, get(self.other).interval
        if a is None or b is None:
            return False
        return (a.high < b.low) == self.below

    def describe(self) -> str:
        return f"the interval of {self.key} lies {'wholly below' if self.below else 'not wholly below'} {self.other}'s"


@dataclass(frozen=True)
class ExcludesZero:
    """The interval of `key` excludes 0 (`excludes` True) or holds it (False)."""

    key: str        # e.g. "test.slice.colour.gap.accuracy"
    excludes: bool  # e.g. False

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)

    def holds(self, get: Lookup) -> bool:
        claim = get(self.key)
        if claim.interval is None:
            return False
        return (not claim.interval.contains(0.0)) == self.excludes

    def describe(self) -> str:
        return f"the interval of {self.key} {'excludes' if self.excludes else 'holds'} 0"


@dataclass(frozen=True)
class SumOf:
    """`whole` equals the sum of `parts`, within `tolerance` (relative to the whole, for rounding)."""

    whole: str                 # e.g. "emissions.run.co2"
    parts: tuple[str, ...]     # e.g. ("emissions.phase.0.co2", ...)
    tolerance: float = 1e-6    # relative

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.whole, *self.parts)

    def holds(self, get: Lookup) -> bool:
        whole = _value(get(self.whole))
        total = sum(_value(get(k)) for k in self.parts)
        return abs(whole - total) <= self.tolerance * max(abs(whole), 1e-12)

    def describe(self) -> str:
        return f"{self.whole} is the sum of {len(self.parts)} parts"


@dataclass(frozen=True)
class AtMost:
    """`key` is at most `limit` (plus `slack`, in the claims' unit), e.g. phases within the wall time."""

    key: str          # e.g. "emissions.run.duration"
    limit: str        # e.g. "run.wall_time"
    slack: float = 0.0  # e.g. 0.05 (s)

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, self.limit)

    def holds(self, get: Lookup) -> bool:
        return _value(get(self.key)) <= _value(get(self.limit)) + self.slack

    def describe(self) -> str:
        return f"{self.key} is at most {self.limit}"


@dataclass(frozen=True)
class Same:
    """`key` and `other` have the same value (e.g. the shipped seed's test accuracy is the test accuracy)."""

    key: str     # e.g. "seeds.0.accuracy"
    other: str   # e.g. "test.accuracy"

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, self.other)

    def holds(self, get: Lookup) -> bool:
        return _value(get(self.key)) == _value(get(self.other))

    def describe(self) -> str:
        return f"{self.key} equals {self.other}"


@dataclass(frozen=True)
class Equals:
    """`key` has the value `value` (e.g. no failed gate: "checks.failed" equals 0)."""

    key: str               # e.g. "checks.failed"
    value: float           # e.g. 0

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)

    def holds(self, get: Lookup) -> bool:
        return _value(get(self.key)) == self.value

    def describe(self) -> str:
        return f"{self.key} is {self.value:g}"


@dataclass(frozen=True)
class AllOf:
    """Every one of `relations` holds (e.g. each overlapping configuration overlaps the chosen one both ways)."""

    relations: tuple  # e.g. (Below("config.a.test_accuracy", "config.b.test_accuracy", False), ...)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for r in self.relations for k in r.keys))

    def holds(self, get: Lookup) -> bool:
        return all(r.holds(get) for r in self.relations)

    def describe(self) -> str:
        return "; ".join(r.describe() for r in self.relations)


Relation = Rank | Versus | Below | ExcludesZero | SumOf | AtMost | Same | Equals | AllOf
