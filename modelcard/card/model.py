"""The card data model: `Card`, a whole model card, and (re-exported from parts.py) the dataclass of
each section.

Like huggingface_hub's `repocard_data.py`, these hold values only; rendering (Markdown, HTML,
MCT JSON) reads them. Facts come from the run record, human text from `card.yaml`; a field is
None when neither source has it, and the section then shows a gap line from `Card.gaps`.

`Card` has one field per registered section (`SectionSpec.attr`, typed `SectionSpec.part`, the
dataclass its module builds), taken from `card/registry.py`, so a new section needs no edit here,
plus the fields of `CARD_FIELDS`, each with an example.
"""

from __future__ import annotations

from dataclasses import field, make_dataclass
from typing import TYPE_CHECKING

from ..claims import Ledger
from .info import Uses  # the card's Uses is card.yaml's: all human text
from ..record.model import Metric
from .parts import (Closing, DuplicateCounts, EnvironmentalImpact, EvalSetResults, EvaluationResults, Examination, GetStarted,
                    ModelDetails, PerClass, Risks, ShiftGap, SliceTable, SliceRow, SplitInfo, StatedValue,
                    SweepTable, SweepMember, TechnicalSpecs, TrainingData, TrainingDetails, StartingWeights)
from .registry import REGISTRY

if TYPE_CHECKING:
    from ..record.artifacts import ArtifactCheck
    from .data_card import DataCard
    from .sections.checks import ChecksSection

__all__ = ["Card", "CARD_FIELDS", "Metric", "Uses", "Closing", "DuplicateCounts", "EnvironmentalImpact", "EvalSetResults",
           "EvaluationResults", "Examination", "GetStarted", "ModelDetails", "PerClass", "Risks", "ShiftGap", "SliceTable",
           "SliceRow", "SplitInfo", "StatedValue", "SweepTable", "SweepMember", "TechnicalSpecs", "TrainingData",
           "TrainingDetails", "StartingWeights"]

#: The card's fields besides its sections' parts: (name, type, default), each with an example.
CARD_FIELDS = (
    ("slug", "str", None),                  # e.g. "tuxpaint-stamps-mobilenetv2" (file names)
    # card.yaml key -> visible gap line, e.g. {"uses.direct": "Uses / Direct use: add ..."}
    ("gaps", "dict[str, str]", None),
    ("tags", "list[str]", None),            # e.g. ["image-classification", "keras", "mobilenetv2"]
    ("datasets", "list[str]", None),        # e.g. ["user/tuxpaint-stamps"] (Hub ids, card.yaml)
    ("base_model", "str | None", None),     # e.g. "google/mobilenet_v2_1.0_224" when pretrained
    ("status", "str", "complete"),          # e.g. "failed"
    ("unit", "str", "images"),              # what one evaluated item is called: "samples" on `modelcard record` cards
    ("figure_names", "list[str]", list),    # filled by the renderer
    # Run files that are missing or whose sha256 differs from the one recorded when they were
    # written, e.g. ["predictions/test.npz is missing"]; shown as warnings, and `check` fails on any.
    ("artifact_problems", "list[str]", list),
    # What that checksum check covered: files verified, present without a recorded sha256, and
    # recorded but absent (e.g. the model file); None: not checked.
    ("artifact_check", "ArtifactCheck | None", None),
    # The data card beside this card, set by `built_card`; None when the run has no data-card facts (a 1.0 record).
    ("data_card", "DataCard | None", None),
    ("checks", "ChecksSection | None", None),   # with `build --policy`, else None
    # Said on stderr by `build`, not on the card, e.g. ["./card.yaml not applied: it describes ..."].
    ("build_notes", "list[str]", list),
    # Every number and comparing sentence the card prints, from every section (`built_card.claims_of`):
    # what every output format renders.
    ("claims", "Ledger", Ledger),
)
_REQUIRED = ("slug", "gaps", "tags", "datasets", "base_model")


def _card_fields() -> list[tuple]:
    """The dataclass fields of `Card`: the required ones, then each section's part (None until built), then the rest."""
    def spec(name, typ, default):
        if name in _REQUIRED:
            return (name, typ)
        return (name, typ, field(default_factory=default) if callable(default) else field(default=default))
    sections = [(s.attr, s.part | None, field(default=None)) for s in REGISTRY.sections]
    return ([spec(*f) for f in CARD_FIELDS if f[0] in _REQUIRED] + sections
            + [spec(*f) for f in CARD_FIELDS if f[0] not in _REQUIRED])


Card = make_dataclass("Card", _card_fields(), namespace={
    "__doc__": "A whole model card, assembled from a run record and `card.yaml`: one field per registered section, "
               "plus `CARD_FIELDS`.",
    "__module__": __name__})
