"""Completeness: every card section holds measured facts or human text, the human sections a
sign-off needs are written, no placeholder is left, and the run is whole.

This module checks an assembled `Card` plus its `CardInfo` (`check --run`: everything is
known); markdown_card.py checks a rendered Markdown card (`check --card`: only what the text shows).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterator

from ..card.info import CardInfo, human_value
from ..card.model import Card
from ..card.registry import REGISTRY, Registry
from ..card.data_card import GAP_SECTIONS as DATA_CARD_GAPS
from .placeholders import placeholder_in

#: The human sections a sign-off needs: (item, card.yaml key).
SIGN_OFF = (("intended uses", "uses.direct"), ("out-of-scope uses", "uses.out_of_scope"),
            ("limitations", "bias_risks_limitations"), ("license", "license"), ("contact", "contact"))


@dataclass(frozen=True)
class Item:
    """One completeness line."""

    item: str      # e.g. "Section: Uses"
    passed: bool
    detail: str    # e.g. "human text (card.yaml)" or "missing: add `uses.direct` to card.yaml"

    def to_json(self) -> dict:
        return {"item": self.item, "passed": self.passed, "detail": self.detail}


def human_texts(info: CardInfo) -> Iterator[tuple[str, str]]:
    """Every text a person wrote in card.yaml, as (dotted key, text), glossary terms included."""
    def walk(value, key):
        if isinstance(value, dict):
            for k, v in value.items():
                child = f"{key}.{k}" if key else str(k)
                if key == "glossary":  # a term and its meaning are one entry
                    yield child, f"{k}: {v}"
                else:
                    yield from walk(v, child)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                yield from walk(v, f"{key}[{i}]")
        elif isinstance(value, str):
            yield key, value
    yield from walk(dataclasses.asdict(info), "")


def from_card(card: Card, info: CardInfo, registry: Registry = REGISTRY) -> list[Item]:
    """Completeness of a card assembled from its run record and card.yaml; one "Section" item per level-2
    heading of `registry` (each with the fact and card.yaml keys its section registers)."""
    items: list[Item] = []
    placeholders = {key: what for key, text in human_texts(info) if (what := placeholder_in(text))}
    for heading in registry.headings:
        human = [k for k in heading.keys if human_value(info, k) and not has_placeholder(k, placeholders)]
        if heading.fact(card):
            detail = "measured" + (" + human text (card.yaml)" if human else "")
        else:
            detail = "human text (card.yaml)" if human else (
                "missing: neither measured facts nor human text; add "
                + " or ".join(f"`{k}`" for k in heading.keys) + " to card.yaml")
        items.append(Item(f"Section: {heading.title}", not detail.startswith("missing"), detail))
    for label, key in SIGN_OFF:
        if not human_value(info, key):
            items.append(Item(f"Sign-off: {label}", False, f"missing: add `{key}` to card.yaml"))
        elif has_placeholder(key, placeholders):
            items.append(Item(f"Sign-off: {label}", False, f"`{key}` is still a placeholder"))
        else:
            items.append(Item(f"Sign-off: {label}", True, f"`{key}` in card.yaml"))
    if card.data_card is not None:  # the data card's Datasheets questions only a person can answer
        for key, place in DATA_CARD_GAPS.items():
            missing = key in card.data_card.gaps
            items.append(Item(f"Data card: {place.removeprefix('Data card / ')}", not missing,
                              f"missing: add `{key}` to card.yaml" if missing else f"`{key}` in card.yaml"
                              + (" or the run record" if key == "data.license" else "")))
    for key, what in placeholders.items():
        items.append(Item("No placeholder text in card.yaml", False, f"`{key}`: {what}; replace it with real text"))
    if not placeholders:
        items.append(Item("No placeholder text in card.yaml", True, "none (TODO, TBD, FIXME, `init` markers)"))
    unbound = [note for note in card.build_notes if "not applied" in note]
    items.append(Item("card.yaml describes this run", not unbound,
                      "; ".join(unbound) if unbound else "its human text applies to this run (or there is none)"))
    items.append(Item("Run complete", card.status == "complete", f"run status: {card.status}"))
    problems = list(card.artifact_problems)
    covered = card.artifact_check.summary() if card.artifact_check is not None and not problems else None
    items.append(Item("Run files match their checksums", not problems,
                      "; ".join(problems) if problems else covered or "no missing or changed files"))
    return items


def has_placeholder(key: str, placeholders: dict[str, str]) -> bool:
    """Does the card.yaml value at `key` (or anything under it) hold a placeholder?"""
    return any(k == key or k.startswith(key + ".") or k.startswith(key + "[") for k in placeholders)
