"""The card data model: `Card`, a whole model card, and (re-exported from parts.py and metric.py)
the dataclass of each section.

Like huggingface_hub's `repocard_data.py`, these hold values only; rendering (Markdown, HTML,
MCT JSON) reads them. Facts come from the run record, human text from `card.yaml`; a field is
None when neither source has it, and the section then shows a gap line from `Card.gaps`.
Each field carries an example in its comment. Every field is typed: the section values are the
dataclasses of parts.py and of the section modules that build them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..claims import Ledger
from .info import Uses  # the card's Uses is card.yaml's: all human text
from .metric import Metric
from .parts import (Closing, Duplicates, EnvironmentalImpact, EvalSet, Evaluation, Examination, GetStarted,
                    ModelDetails, PerClass, Risks, ShiftGap, Slice, SliceGroup, SplitInfo, Stated,
                    Sweep, SweepMember, TechnicalSpecs, TrainingData, TrainingDetails, Weights)

if TYPE_CHECKING:  # these dataclasses live with their builder
    from ..datacard.model import DataCard
    from ..record.artifacts import ArtifactCheck
    from .sections.checks import ChecksSection
    from .sections.comparison import Comparison
    from .sections.decision import Decision
    from .sections.scorecard_parts import Scorecard
    from .sections.summary import Summary

__all__ = ["Card", "Metric", "Uses", "Closing", "Duplicates", "EnvironmentalImpact", "EvalSet", "Evaluation",
           "Examination", "GetStarted", "ModelDetails", "PerClass", "Risks", "ShiftGap", "Slice",
           "SliceGroup", "SplitInfo", "Stated", "Sweep", "SweepMember", "TechnicalSpecs", "TrainingData",
           "TrainingDetails", "Weights"]


@dataclass
class Card:
    """A whole model card, assembled from a run record and `card.yaml`."""

    slug: str                          # e.g. "tuxpaint-stamps-mobilenetv2" (file names)
    warnings: list[str]                # shown at the top, e.g. ["run ... is not complete (status: failed)"]
    gaps: dict[str, str]               # key -> visible gap line, e.g. {"uses.direct": "Uses / Direct use: add ..."}
    details: ModelDetails
    uses: Uses
    risks: Risks
    get_started: GetStarted
    training: TrainingDetails
    evaluation: Evaluation
    examination: Examination
    environment: EnvironmentalImpact
    specs: TechnicalSpecs
    closing: Closing
    tags: list[str]                    # e.g. ["image-classification", "keras", "mobilenetv2"]
    datasets: list[str]                # e.g. ["user/tuxpaint-stamps"] (Hub ids, card.yaml)
    base_model: str | None             # e.g. "google/mobilenet_v2_1.0_224" when pretrained
    status: str = "complete"           # e.g. "failed"
    unit: str = "images"               # what one evaluated item is called: "samples" on `modelcard record` cards
    figure_names: list[str] = field(default_factory=list)  # filled by the renderer
    # Run files that are missing or whose sha256 differs from the one recorded when they were
    # written, e.g. ["predictions/test.npz is missing"]; shown as warnings, and `check` fails on any.
    artifact_problems: list[str] = field(default_factory=list)
    # What that checksum check covered (modelcard.record.artifacts.ArtifactCheck): files verified,
    # present without a recorded sha256, and recorded but absent (e.g. the model file); None: not checked.
    artifact_check: ArtifactCheck | None = None
    # The data card beside this card (modelcard.datacard.DataCard), set by the renderer; None when
    # the run has no data-card facts (e.g. a 1.0 record).
    data_card: DataCard | None = None
    # Side-by-side configurations (sweep members or `--compare` runs), a
    # `sections.comparison.Comparison`; None when the card has nothing to compare.
    comparison: Comparison | None = None
    checks: ChecksSection | None = None   # with `build --policy`, else None
    # The plain-words paragraph at the top (modelcard.card.sections.summary.Summary), None when not assembled.
    summary: Summary | None = None
    # Verdicts of the stated bars, test sizes that would settle them, failure cases, sign-off
    # (modelcard.card.sections.decision.Decision), None when not assembled.
    decision: Decision | None = None
    # The at-a-glance panel (modelcard.card.sections.scorecard.Scorecard), built by the renderer after
    # `checks` and `data_card` are set; None when not built.
    scorecard: Scorecard | None = None
    # Said on stderr by `build`, not on the card, e.g. ["./card.yaml not applied: it describes ..."].
    build_notes: list[str] = field(default_factory=list)
    # Every number and comparing sentence the card prints, from every section (card/build.py `claims_of`):
    # what every output format renders.
    claims: Ledger = field(default_factory=Ledger)
