"""The card's sections in card order (Hugging Face model card template), each as its module registers it.

Adding a section: write `card/sections/<name>.py` ending with `SECTION = SectionSpec(...)`
(`section_spec.py`, with its `order`: its place in the card) and its partial
`templates/sections/<name>.jinja`; nothing else. The registry finds every module of
`card/sections/` that registers a section. The partial list the templates loop over, the
level-2 headings, the completeness facts, the coverage items, the gap lines, the build order and
the claims are all derived from `REGISTRY`.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from typing import Mapping

from .section_spec import REFERENCES, CoverageItem, Gap, Heading, Probe, SectionSpec
from . import sections as _sections

def _point_key(point: str) -> tuple[int, str]:
    """Annex IV points in their numbering, e.g. "1(a)" < "1(c)" < "2(a)" < "10"."""
    number = re.match(r"(\d+)(?:\(([a-z])\))?", point)
    return (int(number.group(1)), number.group(2) or "") if number else (0, point)


@dataclass(frozen=True)
class Registry:
    """Sections in card order and what the rest of the card side derives from them."""

    sections: tuple[SectionSpec, ...]

    @property
    def partials(self) -> tuple[str, ...]:
        """The partial names under templates/sections/, in card order (sections included by another's partial,
        such as the comparison, are left out)."""
        return tuple(s.name for s in self.sections if s.partial)

    def build_order(self, final: bool = False) -> tuple[SectionSpec, ...]:
        """The sections of one stage (`final`: after the checks) in an order where each comes after the ones
        it `needs`, otherwise in card order; a need no section of the stage fills (the checks) is given."""
        todo = [s for s in self.sections if s.final == final]
        made = {s.attr for s in self.sections if s.final != final} | {"checks", "data_card"}
        order: list[SectionSpec] = []
        while todo:
            ready = next((s for s in todo if set(s.needs) <= made | {o.attr for o in order}), None)
            if ready is None:
                raise ValueError(f"sections {[s.name for s in todo]} need each other: {[s.needs for s in todo]}")
            order.append(ready)
            todo.remove(ready)
        return tuple(order)

    @property
    def headings(self) -> tuple[Heading, ...]:
        """Every level-2 heading, in card order."""
        return tuple(h for s in self.sections for h in s.headings)

    @property
    def heading_titles(self) -> tuple[str, ...]:
        """e.g. ("Model Details", "Uses", ...): the level-2 headings every card has, in this order."""
        return tuple(h.title for h in self.headings)

    @property
    def gaps(self) -> dict[str, Gap]:
        """card.yaml key -> its gap, in card order, e.g. {"developers": Gap("Model Details / Developed by")}."""
        return {key: gap for s in self.sections for key, gap in s.gaps.items()}

    @property
    def probes(self) -> Mapping[str, Probe]:
        """Every coverage probe by name (a name is registered by one section only)."""
        found: dict[str, Probe] = {}
        for s in self.sections:
            twice = set(found) & set(s.probes)
            if twice:
                raise ValueError(f"coverage probe(s) {sorted(twice)} registered twice (again by `{s.name}`)")
            found.update(s.probes)
        return found

    def coverage_items(self, outside: tuple[CoverageItem, ...] = ()) -> tuple[CoverageItem, ...]:
        """Every coverage item: by reference; HF items in card order, Annex IV items by point (ties in card
        order), with `outside` (what a model card cannot hold) placed among them by point."""
        items = [i for s in self.sections for i in s.coverage] + list(outside)
        order = list(REFERENCES)
        return tuple(sorted(items, key=lambda i: (order.index(i.ref), (0, "") if i.ref == "hf" else _point_key(i.point))))


def discover() -> tuple[SectionSpec, ...]:
    """Every `SECTION` a module of `card/sections/` registers, in card order (`Section.order`)."""
    found = []
    for info in pkgutil.iter_modules(_sections.__path__):
        module = importlib.import_module(f"{_sections.__name__}.{info.name}")
        if isinstance(getattr(module, "SECTION", None), SectionSpec):
            found.append(module.SECTION)
    orders = [s.order for s in found]
    if len(set(orders)) != len(orders):
        raise ValueError(f"two sections share a place in the card: {sorted(orders)}")
    return tuple(sorted(found, key=lambda s: s.order))


REGISTRY = Registry(discover())
