"""The parts of a card while it is being assembled: what each registered section has built so far.

`card/assemble.py` fills one attribute per registered section (`Section.attr`), in an order where
every section comes after the ones it `needs`; a builder reads `inputs.parts.<attr>` of those
only. `card/build.py` adds the checks and the data card before the final sections (the scorecard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .info import Uses
from .parts import (Closing, EnvironmentalImpact, Evaluation, Examination, GetStarted, ModelDetails, Risks,
                    TechnicalSpecs, TrainingDetails)

if TYPE_CHECKING:  # these dataclasses live with their builder
    from ..datacard.model import DataCard
    from .sections.checks import ChecksSection
    from .sections.comparison import Comparison
    from .sections.decision import Decision
    from .sections.scorecard_parts import Scorecard
    from .sections.summary import Summary


@dataclass
class Parts:
    """Each section's part once built (None before), by the `Card` attribute it fills."""

    warnings: list[str] | None = None          # header, e.g. ["run ... is not complete (status: failed)"]
    summary: Summary | None = None
    decision: Decision | None = None
    scorecard: Scorecard | None = None
    details: ModelDetails | None = None
    uses: Uses | None = None
    risks: Risks | None = None
    get_started: GetStarted | None = None
    training: TrainingDetails | None = None
    comparison: Comparison | None = None       # None also when there is nothing to compare
    evaluation: Evaluation | None = None
    examination: Examination | None = None
    environment: EnvironmentalImpact | None = None
    specs: TechnicalSpecs | None = None
    closing: Closing | None = None
    checks: ChecksSection | None = None        # set by card/build.py (with --policy) before the final sections
    data_card: DataCard | None = None          # set by card/build.py before the final sections
    unit: str = "images"                       # what one evaluated item is called ("samples" on `record` cards)
