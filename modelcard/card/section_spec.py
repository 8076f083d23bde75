"""What one card section registers about itself (in its own module, `card/sections/<name>.py`).

A section module ends with `SECTION = Section(...)`: its template partial
(`templates/sections/<name>.jinja`), its builder and the `Card` attribute it fills, its
level-2 headings with their completeness facts and card.yaml keys, its coverage probes, the
coverage items (HF template, EU AI Act Annex IV) it holds and its gap lines. `card/registry.py` collects the
sections in card order; the partial list, the headings, completeness and coverage are derived
from there. This module imports no section (they import it), and no `Card` (a probe takes the card).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

#: A question about an assembled card, e.g. `lambda c: bool(c.risks.measured)`: does the run record
#: put this fact on the card? (It takes a `modelcard.card.model.Card`.)
Probe = Callable[[Any], bool]

#: The references coverage items come from (`CoverageItem.ref`), in the order `check --coverage` lists them.
REFERENCES = {"hf": "Hugging Face model card template", "annex_iv": "EU AI Act, Annex IV (paraphrased)"}


def never(card: Any) -> bool:
    """The probe of a heading that holds only human text: the run record puts nothing there."""
    return False


@dataclass(frozen=True)
class Heading:
    """One level-2 heading of the card and what fills it."""

    title: str                   # e.g. "Bias, Risks, and Limitations"
    keys: tuple[str, ...] = ()   # the card.yaml keys whose text shows there, e.g. ("bias_risks_limitations",)
    fact: Probe = never          # does the run record put a measured fact there?


@dataclass(frozen=True)
class CoverageItem:
    """One documentation item `check --coverage` looks for; the wording is a paraphrase, never legal text."""

    id: str                        # e.g. "aiv.2d.data"
    ref: str                       # a key of REFERENCES: "hf" | "annex_iv"
    point: str                     # the source's number or template heading, e.g. "2(d)"
    text: str                      # e.g. "The training data: what it is, where it came from, ..."
    where: str = ""                # the place on the card, e.g. "Training Details / Training Data"
    measured: tuple[str, ...] = ()  # probe names (facts from the run record), e.g. ("training_data",)
    human: tuple[str, ...] = ()     # card.yaml keys, e.g. ("data.description",)
    outside: str | None = None      # why a model card cannot hold it ("human, outside the card")


@dataclass(frozen=True)
class Gap:
    """A card.yaml key the section shows as "Not provided: add `KEY` to card.yaml" when it is not filled."""

    place: str                  # where the gap line points, e.g. "Uses / Direct use"
    # (info, card) -> is it filled? None: when card.yaml has the key (`info.human_value`)
    filled: Callable[[Any, Any], bool] | None = None


@dataclass(frozen=True)
class Section:
    """A card section as registered by its module."""

    name: str                       # the partial, templates/sections/<name>.jinja, e.g. "risks"
    build: Callable[..., Any]       # its builder, e.g. `measured_risks` (called by card/assemble.py)
    attr: str | None                # the `Card` attribute it fills, e.g. "risks" (None: several, e.g. header warnings)
    headings: tuple[Heading, ...] = ()
    probes: Mapping[str, Probe] = field(default_factory=dict)  # name -> probe, used by coverage items
    coverage: tuple[CoverageItem, ...] = ()
    gaps: Mapping[str, Gap] = field(default_factory=dict)  # card.yaml key -> its gap, e.g. {"uses.direct": Gap(...)}
