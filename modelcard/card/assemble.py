"""Assemble a `Card` from a run record (facts) and `CardInfo` (human text).

Pure: no files are written and nothing is rendered. Every human field that is absent becomes
an entry of `Card.gaps` (key -> section), which the templates show as a visible line and the
CLI lists, instead of any placeholder text.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..record.model import Member, RunRecord
from .info import CardInfo, human_value
from .model import Card
from .draft import Parts
from .registry import REGISTRY
from .section_spec import SectionInputs
from .sections.evaluation import unit_of
from .sections.model_details import base_model

#: Human keys in card order, with the section each belongs to (used in gap lines), as the sections register them.
GAP_SECTIONS = {key: gap.place for key, gap in REGISTRY.gaps.items()}


def gap_line(key: str) -> str:
    """The one line reported for a missing human key, e.g. "Uses / Direct use: add `uses.direct` to card.yaml"."""
    return f"{GAP_SECTIONS[key]}: add `{key}` to card.yaml"


def slugify(name: str) -> str:
    """A filesystem-safe, lower-case file stem, e.g. "Stamps (v2)" -> "stamps-v2"."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")
    return slug[:80] or "model"



def assemble_card(record: RunRecord | dict, info: CardInfo, *, run_path: Path,
                  sweep_members: list[Member] | None = None, compared: tuple | None = None, policy=None) -> Card:
    """The whole card of a typed record (a validated record dict is typed first): every registered section
    built with one signature (`Section.build(SectionInputs)`), each after the sections it `needs`;
    `sweep_members` overrides the record's own member table when given; `compared` is `(kind, [MemberSource])`
    from `compare.members.comparison_sources`. The final sections (the scorecard) are built by `card.build`."""
    typed = RunRecord.of(record)
    parts = Parts(unit=unit_of(typed))
    for section in REGISTRY.build_order():
        inputs = SectionInputs(record=typed, info=info, run_path=run_path, parts=parts,
                               sweep_members=sweep_members, compared=compared, policy=policy)
        setattr(parts, section.attr, section.build(inputs))
    name = info.model_name or typed.name
    tags = ["image-classification", "keras", "modelcard"] + ([typed.model.backbone] if typed.model else [])
    tags += [t for t in info.tags if t not in tags]
    card = Card(slug=slugify(name), gaps={}, tags=tags, datasets=list(info.datasets), base_model=base_model(typed, info),
                status=typed.status, unit=parts.unit, **{s.attr: getattr(parts, s.attr) for s in REGISTRY.build_order()})
    card.gaps = {key: gap.place for key, gap in REGISTRY.gaps.items()
                 if not (gap.filled(info, card) if gap.filled else human_value(info, key))}
    return card
