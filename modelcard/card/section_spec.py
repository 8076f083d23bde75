"""What one card section registers about itself (in its own module, `card/sections/<name>.py`).

A section module ends with `SECTION = SectionSpec(...)`: its template partial
(`templates/sections/<name>.jinja`), its builder and the `Card` attribute it fills, the parts
of other sections it reads (`needs`), its level-2 headings with their completeness facts and
card.yaml keys, its coverage probes, the coverage items (HF template, EU AI Act Annex IV) it
holds, its gap lines and the claims it prints. Every builder has one signature,
`build(inputs: SectionInputs) -> part`; `card/assemble.py` loops over the registry, building
each section after the ones it needs, and `card/build.py::claims_of` over the sections' claims.
`card/registry.py` collects the sections in card order; the partial list, the headings,
completeness and coverage are derived from there. This module imports no section (they import
it), and no `Card` (a probe takes the card).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

#: A question about an assembled card, e.g. `lambda c: bool(c.risks.measured)`: does the run record
#: put this fact on the card? (It takes a `modelcard.card.model.Card`.)
Probe = Callable[[Any], bool]

#: The references coverage items come from (`CoverageItem.ref`), in the order `check --coverage` lists them.
REFERENCES = {"hf": "Hugging Face model card template", "annex_iv": "EU AI Act, Annex IV (paraphrased)"}


@dataclass(frozen=True)
class SectionInputs:
    """What every section builder gets: the run, card.yaml, and the parts built before it (`parts`,
    a `card.draft.Parts`: read only the attributes the section `needs`)."""

    record: Any                     # the typed run record (`modelcard.record.model.RunRecord`)
    info: Any                       # card.yaml as `card.info.CardInfo`
    run_path: Path                  # the run folder, e.g. Path("runs/20261122T035106Z-11c318")
    parts: Any                      # `card.draft.Parts`, e.g. parts.training once "training" is built
    sweep_members: list | None = None  # the sweep's member rows when the record's own table is empty
    compared: tuple | None = None   # (kind, [MemberSource]) from `compare.members.comparison_sources`
    policy: Any = None              # the policy (`check.policy.Policy`) the card is checked against, None without

    @property
    def name(self) -> str:
        """The model's name: card.yaml's `model_name`, else the run's."""
        return self.info.model_name or self.record.name


def no_claims(card: Any) -> tuple:
    """The claims of a section that states no number of its own (human text only)."""
    return ()


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
class SectionSpec:
    """A card section as registered by its module."""

    name: str                       # the partial, templates/sections/<name>.jinja, e.g. "risks"
    order: int                      # its place in the card (the registry sorts by it), e.g. 60
    build: Callable[[SectionInputs], Any]  # its builder, e.g. `risks` (called by card/assemble.py)
    attr: str                       # the `Card` attribute it fills, e.g. "risks"
    part: Any = None                # the type `build` returns: the `Card` attribute's type, e.g. `Risks`
    needs: tuple[str, ...] = ()     # the other sections' attributes it reads from `inputs.parts`, e.g. ("training",)
    partial: bool = True            # False: no partial of its own in the card's list (included by another's)
    final: bool = False             # True: built once the checks and the data card are known (the scorecard)
    headings: tuple[Heading, ...] = ()
    probes: Mapping[str, Probe] = field(default_factory=dict)  # name -> probe, used by coverage items
    coverage: tuple[CoverageItem, ...] = ()
    gaps: Mapping[str, Gap] = field(default_factory=dict)  # card.yaml key -> its gap, e.g. {"uses.direct": Gap(...)}
    # (card) -> the Claims and Statements the section prints, e.g. `evaluation_claims`; every format renders these
    claims: Callable[[Any], Iterable[Any]] = no_claims
