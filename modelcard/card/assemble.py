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
from .registry import REGISTRY
from .sections.closing import closing
from .sections.comparison import comparison as comparison_section
from .sections.environment import environmental_impact
from .sections.evaluation import evaluation as evaluation_section, unit_of
from .sections.examination import examination
from .sections.get_started import get_started
from .sections.header import card_warnings
from .sections.model_details import base_model, model_details
from .sections.risks import risks
from .sections.specs import technical_specs
from .sections.summary import summary
from .sections.training import training_details
from .sections.uses import uses

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
                  sweep_members: list[Member] | None = None, compared: tuple | None = None) -> Card:
    """The whole card of a typed record (a validated record dict is typed first); `sweep_members`
    overrides the record's own member table when given; `compared` is `(kind, [MemberSource])` from
    `compare.members.comparison_sources`."""
    typed = RunRecord.of(record)
    name = info.model_name or typed.name
    warnings = card_warnings(typed)
    details = model_details(typed, info, name)
    training = training_details(typed, sweep_members)
    evaluation = evaluation_section(typed)
    environment = environmental_impact(typed, info)
    tags = ["image-classification", "keras", "modelcard"]
    if typed.model:
        tags.append(typed.model.backbone)
    tags += [t for t in info.tags if t not in tags]
    card = Card(
        slug=slugify(name), warnings=warnings, gaps={}, details=details,
        uses=uses(info), risks=risks(typed, info, training, evaluation),
        get_started=get_started(typed, run_path), training=training, evaluation=evaluation,
        examination=examination(typed, info, run_path), environment=environment, specs=technical_specs(typed),
        closing=closing(typed, info), tags=tags, datasets=list(info.datasets), base_model=base_model(typed, info),
        status=typed.status, unit=unit_of(typed), summary=summary(details, evaluation, info),
        comparison=comparison_section(typed, *compared) if compared else None,
    )
    card.gaps = {key: gap.place for key, gap in REGISTRY.gaps.items()
                 if not (gap.filled(info, card) if gap.filled else human_value(info, key))}
    return card

