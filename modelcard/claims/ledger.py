"""The claims of one card: every number once, and the sentences that compare them.

`Ledger` is built once per card (`claims_of` in `card/build.py`, from every registered section)
and read by every format. Adding a claim whose key is already there with another value or
interval is an error (`ClaimConflict`): one fact, one statement of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .claim import SCORE_UNITS, Claim
from .relations import Relation

#: Kinds of statement, with what the kind means.
STATEMENT_KINDS = {
    "risk": "a limitation the numbers show, listed by every format under risks",
    "comparison": "a sentence comparing runs, seeds, sets or a bar",
    "sum": "a figure whose parts add up to a whole",
    "checks": "what the card's checks verdict covers",
    "verdict": "a stated bar's verdict (met, not met, not established), as the Decision prints it",
    "verdict-part": "one bar's verdict inside a verdict printed for many (every class, every group)",
    "plan": "how many test images would settle a question",
}


@dataclass(frozen=True)
class Statement:
    """A sentence every format prints the same, and what it asserts about claims."""

    key: str                          # unique in a card, e.g. "risk.test.slice.colour"
    kind: str                         # a key of STATEMENT_KINDS, e.g. "risk"
    text: str                         # the sentence as printed, e.g. "On test, accuracy differs by ..."
    relation: Relation | None = None  # what it asserts, recomputed by the consistency check
    subject: str | None = None        # e.g. "test images whose colour is grayscale" (a risk's group), None: none
    rule: str | None = None           # the rule that found a risk, e.g. "slice gap" (card/sections/risk_rules.py)

    @property
    def cites(self) -> tuple[str, ...]:
        """The claim keys the sentence reads."""
        return self.relation.keys if self.relation is not None else ()


class ClaimConflict(ValueError):
    """The same key was claimed twice with different content."""


@dataclass
class Ledger:
    """Claims and statements by key, in the order they were added."""

    claims: dict[str, Claim] = field(default_factory=dict)
    statements: dict[str, Statement] = field(default_factory=dict)

    def add(self, item: Claim | Statement) -> None:
        """Add a claim or statement; the same item again is a no-op, a different one under its key a conflict."""
        table = self.claims if isinstance(item, Claim) else self.statements
        known = table.get(item.key)
        if known is not None and known != item:
            raise ClaimConflict(f"{item.key} is stated twice: {known!r} and {item!r}")
        table[item.key] = item

    def extend(self, items: Iterable[Claim | Statement]) -> "Ledger":
        for item in items:
            self.add(item)
        return self

    def claim(self, key: str) -> Claim:
        """The claim under `key` (KeyError with the key when there is none)."""
        try:
            return self.claims[key]
        except KeyError:
            raise KeyError(f"no claim {key!r} on this card") from None

    def get(self, key: str) -> Claim | None:
        return self.claims.get(key)

    def of_kind(self, kind: str) -> list[Statement]:
        """The statements of one kind, in the order they were added."""
        return [s for s in self.statements.values() if s.kind == kind]

    def risks(self) -> list[Statement]:
        """The card's measured risks: every format lists exactly these, in this order."""
        return self.of_kind("risk")

    def performance(self) -> list[Claim]:
        """The scores machine formats list as performance metrics (claims with a `slice` and a value), in order."""
        return [c for c in self.claims.values() if c.slice is not None and c.value is not None]

    def scores_without_interval(self) -> list[Claim]:
        """The scores the card prints without an interval (each should say why, in `no_interval`)."""
        return [c for c in self.claims.values() if c.unit in SCORE_UNITS and c.value is not None
                and c.interval is None and c.same_as is None]

    def interval_exceptions(self) -> list[str]:
        """Why some scores have no interval, once per reason, e.g. ["each seed's test scores (...)"]."""
        return list(dict.fromkeys(c.no_interval for c in self.scores_without_interval() if c.no_interval))

    def __iter__(self) -> Iterator[Claim]:
        return iter(self.claims.values())

    def __len__(self) -> int:
        return len(self.claims)
