"""Documentation coverage: each item of the HF template and of EU AI Act Annex IV, with its
status on this card (items: coverage_items.py).

Statuses: `measured` (filled from the run record), `human` (filled by a person in card.yaml),
`missing`, and `outside` ("human, outside the card": documentation a model card cannot hold,
never counted as covered). `coverage_fraction` is the share of the items a card can hold that
this one fills, e.g. for a `publish` index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..card.info import CardInfo
from ..card.model import Card
from .completeness import has_placeholder, human_texts, human_value, measured_fact
from .coverage_items import ITEMS, REFERENCES
from .placeholders import placeholder_in

STATUS_WORDS = {"measured": "filled from measurement", "human": "filled by a human (card.yaml)",
                "missing": "missing", "outside": "human, outside the card"}


#: Probe name -> does the run record put this fact on the card?
PROBES: dict[str, Callable[[Card], bool]] = {
    "model_type": lambda c: bool(c.details.model_type and c.details.class_names),
    "classes": lambda c: bool(c.details.class_names),
    "weights": lambda c: c.details.weights is not None,
    "measured_risks": lambda c: bool(c.risks.measured),
    "get_started_code": lambda c: bool(c.get_started.code),
    "training_data": lambda c: bool(c.training.data.splits or c.training.data.n_files or c.training.data.content_hash),
    "preprocessing": lambda c: bool(c.training.preprocessing),
    "hyperparameters": lambda c: bool(c.training.trained_here and c.training.hyperparameters),
    "speeds": lambda c: bool(any(v is not None for v in c.training.timings.values())
                             or any(v is not None for v in c.training.efficiency.values()) or c.training.file_bytes),
    "evaluation": lambda c: bool(c.evaluation.sets),
    "factors": lambda c: bool(c.evaluation.sets and c.evaluation.factors),
    "slices": lambda c: any(s.slices for s in c.evaluation.sets),
    "robustness": lambda c: len(c.evaluation.sets) > 1 or bool(c.evaluation.robustness and c.evaluation.robustness.measured),
    "examination": lambda c: any(s.calibration or s.top_confusions for s in c.evaluation.sets),
    "env_hardware_type": lambda c: measured_fact(c.environment.hardware_type),
    "env_hours_used": lambda c: measured_fact(c.environment.hours_used),
    "env_cloud_provider": lambda c: measured_fact(c.environment.cloud_provider),
    "env_cloud_region": lambda c: measured_fact(c.environment.cloud_region),
    "env_carbon": lambda c: measured_fact(c.environment.carbon_emitted),
    "architecture": lambda c: bool(c.specs.architecture),
    "objective": lambda c: bool(c.specs.objective and c.training.trained_here),  # unknown for an external model
    "hardware": lambda c: bool(c.specs.hardware),
    "software": lambda c: bool(c.specs.packages),
    "compute": lambda c: bool(c.specs.hardware or c.specs.packages),
    "data_cleaning": lambda c: c.training.data.duplicates is not None,
}


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


def coverage(card: Card, info: CardInfo) -> list[CoverageRow]:
    """Every item's status: measured wins over human; a placeholder does not count as human text."""
    placeholders = {key: what for key, text in human_texts(info) if (what := placeholder_in(text))}
    rows = []
    for item in ITEMS:
        ref = REFERENCES[item["ref"]]
        if "outside" in item:
            rows.append(CoverageRow(item["id"], ref, item["point"], item["text"], "outside", item["outside"], []))
            continue
        measured = [f"measured: {p}" for p in item["measured"] if PROBES[p](card)]
        human = [f"card.yaml: {k}" for k in item["human"]
                 if human_value(info, k) and not has_placeholder(k, placeholders)]
        status = "measured" if measured else "human" if human else "missing"
        where = item["where"] if status != "missing" else (
            f"{item['where']}: " + ("add " + " or ".join(f"`{k}`" for k in item["human"]) + " to card.yaml"
                                    if item["human"] else "the run record has no such facts"))
        rows.append(CoverageRow(item["id"], ref, item["point"], item["text"], status, where, measured + human))
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
