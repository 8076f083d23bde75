"""The parts of a card while it is being assembled: what each registered section has built so far.

`card/assemble.py` fills one attribute per registered section (`SectionSpec.attr`, typed
`SectionSpec.part`), in an order where every section comes after the ones it `needs`; a builder
reads `inputs.parts.<attr>` of those only. `built_card.py` adds the checks and the data card
before the final sections (the scorecard). The attributes come from the registry, so a new
section needs no edit here.
"""

from __future__ import annotations

from dataclasses import field, make_dataclass
from typing import TYPE_CHECKING

from .registry import REGISTRY

if TYPE_CHECKING:
    from .data_card import DataCard
    from .sections.checks import ChecksSection

Parts = make_dataclass("Parts", [(s.attr, s.part | None, field(default=None)) for s in REGISTRY.sections] + [
    ("checks", "ChecksSection | None", field(default=None)),   # set by built_card (with --policy) before the final sections
    ("data_card", "DataCard | None", field(default=None)),     # set by built_card before the final sections
    ("unit", "str", field(default="images")),                  # what one evaluated item is called ("samples" on `record` cards)
], namespace={"__doc__": "Each section's part once built (None before), by the `Card` attribute it fills.",
              "__module__": __name__})
