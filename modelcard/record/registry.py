"""The registered run-record sections, each as its module under `record/sections/` registers it.

Adding a record section: write `record/sections/<name>.py` ending with
`RECORD_SECTION = RecordSection("<key>", <Class>)` (`registered.py`); nothing else in
`modelcard/record/`. `RunRecord` types the key's JSON as the class (`record.section(Class)`),
`validate.py` adds the schema generated from the class (`section_schema.py`) to
`run.schema.json`'s top level. A registered key may not be a core field of the record.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Mapping

from . import sections as _sections
from .registered import RecordSection
from .section_schema import schema_of


@dataclass(frozen=True)
class Registry:
    """The registered sections, in key order."""

    sections: tuple[RecordSection, ...]

    @property
    def types(self) -> Mapping[str, type]:
        """JSON key -> dataclass, e.g. {"toy_counts": ToyCounts}."""
        return {s.key: s.type for s in self.sections}

    def key_of(self, kind: type) -> str:
        """The JSON key `kind` is registered under, e.g. "toy_counts"; a `KeyError` naming the fix otherwise."""
        for s in self.sections:
            if s.type is kind:
                return s.key
        raise KeyError(f"{getattr(kind, '__name__', kind)} is not a registered record section: its module in "
                       "modelcard/record/sections/ must end with RECORD_SECTION = RecordSection(key, class)")

    def schemas(self) -> dict[str, dict]:
        """JSON key -> its generated JSON Schema (an object with the dataclass's fields)."""
        return {s.key: schema_of(s.type, s.key) for s in self.sections}


def discover() -> tuple[RecordSection, ...]:
    """Every `RECORD_SECTION` a module of `record/sections/` registers, in key order; two modules
    registering one key or one class are refused."""
    found: list[RecordSection] = []
    for info in pkgutil.iter_modules(_sections.__path__):
        module = importlib.import_module(f"{_sections.__name__}.{info.name}")
        spec = getattr(module, "RECORD_SECTION", None)
        if isinstance(spec, RecordSection):
            found.append(spec)
    for attr in ("key", "type"):
        values = [getattr(s, attr) for s in found]
        if len(set(values)) != len(values):
            raise ValueError(f"two record sections register one {attr}: {sorted(map(str, values))}")
    return tuple(sorted(found, key=lambda s: s.key))


REGISTRY = Registry(discover())
