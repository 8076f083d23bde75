"""What one registered run-record section says about itself (in its own module, `record/sections/<name>.py`).

    @dataclass(frozen=True, kw_only=True)
    class ToyCounts(Section):
        even: int  # test images whose file name has an even length, e.g. 7

    RECORD_SECTION = RecordSection("toy_counts", ToyCounts)

`record/registry.py` collects them; this module imports no section (they import it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, is_dataclass

from .typed import Section

KEY = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class RecordSection:
    """A top-level `run.json` section that a module registers: its JSON key and its dataclass."""

    key: str  # the top-level key in run.json, e.g. "toy_counts"
    type: type  # its frozen dataclass, a `typed.Section`, e.g. ToyCounts

    def __post_init__(self) -> None:
        if not KEY.fullmatch(self.key):
            raise ValueError(f"record section key {self.key!r} is not snake_case (e.g. 'toy_counts')")
        if not (isinstance(self.type, type) and is_dataclass(self.type) and issubclass(self.type, Section)):
            raise TypeError(f"record section {self.key!r}: {self.type!r} is not a dataclass deriving from "
                            "modelcard.record.typed.Section")
