"""Documentation coverage: each item of the HF template and of EU AI Act Annex IV, with its
status on this card (items: registered by the card sections, `card/registry.py`; coverage_items.py).

Statuses: `measured` (filled from the run record), `human` (filled by a person in card.yaml),
`missing`, and `outside` ("human, outside the card": documentation a model card cannot hold,
never counted as covered). `coverage_fraction` is the share of the items a card can hold that
this one fills, e.g. for a `publish` index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..card.info import CardInfo
from ..card.model import Card
from ..card.registry import REGISTRY, Registry
from ..card.section_spec import Probe
from .completeness import has_placeholder, human_texts, human_value
from .coverage_items import ITEMS, OUTSIDE, REFERENCES
from .placeholders import placeholder_in

STATUS_WORDS = {"measured": "filled from measurement", "human": "filled by a human (card.yaml)",
                "missing": "missing", "outside": "human, outside the card"}


#: Probe name -> does the run record put this fact on the card? (registered by the card sections)
PROBES: Mapping[str, Probe] = REGISTRY.probes


@dataclass(frozen=True)
class CoverageRow:
    """One item and its status on this card."""

    id: str          # e.g. "aiv.2d.data"
    reference: str   # e.g. "EU AI Act, Annex IV (paraphrased)"
    point: str       # e.g. "2(d)" or "Uses / Direct Use"
    text: str        # paraphrase, e.g. "How the data was obtained and selected"
    status: str      # "measured" | "human" | "missing" | "outside"
    where: str       # e.g. "Training Details / Training Data", or why it is outside the card
    sources: list[str]   # what filled it, e.g. ["measured: training_data", "card.yaml: data.description"]

    def to_json(self) -> dict:
        return {"id": self.id, "reference": self.reference, "point": self.point, "text": self.text,
                "status": self.status, "status_words": STATUS_WORDS[self.status], "where": self.where,
                "sources": self.sources}


def coverage(card: Card, info: CardInfo, registry: Registry = REGISTRY) -> list[CoverageRow]:
    """Every item's status: measured wins over human; a placeholder does not count as human text.
    The items and probes are those the sections of `registry` register, plus `OUTSIDE`."""
    items = ITEMS if registry is REGISTRY else registry.coverage_items(OUTSIDE)
    probes = PROBES if registry is REGISTRY else registry.probes
    placeholders = {key: what for key, text in human_texts(info) if (what := placeholder_in(text))}
    rows = []
    for item in items:
        ref = REFERENCES[item.ref]
        if item.outside is not None:
            rows.append(CoverageRow(item.id, ref, item.point, item.text, "outside", item.outside, []))
            continue
        measured = [f"measured: {p}" for p in item.measured if probes[p](card)]
        human = [f"card.yaml: {k}" for k in item.human if human_value(info, k) and not has_placeholder(k, placeholders)]
        status = "measured" if measured else "human" if human else "missing"
        where = item.where if status != "missing" else (
            f"{item.where}: " + ("add " + " or ".join(f"`{k}`" for k in item.human) + " to card.yaml"
                                 if item.human else "the run record has no such facts"))
        rows.append(CoverageRow(item.id, ref, item.point, item.text, status, where, measured + human))
    return rows


@dataclass(frozen=True)
class CoverageSummary:
    filled: int     # measured or human
    missing: int
    outside: int    # human, outside the card
    fraction: float  # filled / (filled + missing): of what a card can hold, how much this one holds

    def to_json(self) -> dict:
        return {"filled": self.filled, "missing": self.missing, "outside": self.outside, "fraction": self.fraction}

    def sentence(self) -> str:
        """e.g. "56 of 63 items a card can hold are filled (89%); 11 are human, outside the card"."""
        return (f"{self.filled} of {self.filled + self.missing} items a card can hold are filled "
                f"({self.fraction:.0%}); {self.outside} are human, outside the card")


def coverage_fraction(rows: list[CoverageRow]) -> CoverageSummary:
    """Summary for an index page: e.g. 58 of 64 card-holdable items filled (0.906), 9 outside."""
    filled = sum(r.status in ("measured", "human") for r in rows)
    missing = sum(r.status == "missing" for r in rows)
    outside = sum(r.status == "outside" for r in rows)
    return CoverageSummary(filled, missing, outside, filled / (filled + missing) if filled + missing else 0.0)
