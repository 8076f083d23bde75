"""Placeholder text that must not survive into a released card, and the `init` skeleton marker."""

from __future__ import annotations

import re

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
