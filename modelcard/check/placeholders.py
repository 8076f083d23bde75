"""Placeholder text that must not survive into a released card, and the `init` skeleton marker."""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

T = TypeVar("T")

#: Written by `modelcard init` into every value a person must replace; `check` fails while one is left.
SKELETON_MARKER = "TODO(modelcard init)"

# (pattern, what it is), first match wins: the skeleton marker is named before the TODO it contains.
_PATTERNS = (
    (re.compile(re.escape(SKELETON_MARKER), re.IGNORECASE), "skeleton marker from `modelcard init`"),
    (re.compile(r"more\s+information\s+needed", re.IGNORECASE), '"More Information Needed"'),
    (re.compile(r"\bTODO\b"), "TODO"),
    (re.compile(r"\bFIXME\b"), "FIXME"),
    (re.compile(r"\bTBD\b"), "TBD"),
)


def placeholder_in(text: str) -> str | None:
    """What kind of placeholder `text` holds (e.g. "TODO"), or None when it has none."""
    for pattern, what in _PATTERNS:
        if pattern.search(text):
            return what
    return None


def is_skeleton(text: object) -> bool:
    """Whether `text` still holds the `modelcard init` marker."""
    return isinstance(text, str) and placeholder_in(text) == _PATTERNS[0][1]


def drop_skeleton_markers(info: T, keep: tuple[str, ...] = ("runs",)) -> tuple[T, list[str]]:
    """`info` (card.yaml's dataclass) with every value that still holds the `init` marker left out
    (None, or dropped from its list or mapping), and the dotted keys that held one, in field order.
    `keep` names top-level keys left as they are (`runs:` only binds the file to runs)."""
    found: list[str] = []

    def strip(value, key):
        if dataclasses.is_dataclass(value):
            return dataclasses.replace(value, **{
                f.name: getattr(value, f.name) if f.name in keep and not key
                else strip(getattr(value, f.name), f"{key}.{f.name}" if key else f.name)
                for f in dataclasses.fields(value)})
        if isinstance(value, str) and is_skeleton(value):
            found.append(key)
            return None
        if isinstance(value, list) and any(is_skeleton(v) for v in value):
            found.append(key)
            return [v for v in value if not is_skeleton(v)]
        if isinstance(value, dict) and any(is_skeleton(k) or is_skeleton(v) for k, v in value.items()):
            found.append(key)
            return {k: v for k, v in value.items() if not (is_skeleton(k) or is_skeleton(v))}
        return value

    return strip(info, ""), found
