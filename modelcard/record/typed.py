"""Dataclass <-> JSON-dict conversion driven by field type hints: the one converter of the
typed run-record model (`modelcard.record.model`), so no section hand-writes its own.

Rules, so a record read and written back is unchanged:
- a field's JSON key is its name (or `field(metadata={"key": ...})`);
- a field whose type names a `Section` (alone, `| None`, in `list[...]` or `dict[str, ...]`)
  is built from a JSON object; any other value is kept exactly as read (an int stays an int);
- `_present` remembers which keys the JSON had, so a field absent on read stays absent on write
  (unless code gave it a value other than its default); a required field absent from a partial,
  unvalidated object reads as None;
- `_extra` keeps the keys no field names (written by older or newer writers) and writes them back;
  a key the class registers beyond its fields (`registered_sections`: `RunRecord`'s sections of
  `record/sections/`) is kept there typed, as its section class.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Mapping, TypeVar

S = TypeVar("S", bound="Section")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Section:
    """Base of every record section: the two private markers of what the JSON held."""

    _present: frozenset[str] | None = dataclasses.field(default=None, repr=False, compare=False, kw_only=True)  # keys read, None: built in code
    _extra: Mapping[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False, kw_only=True)  # unknown keys, kept

    @classmethod
    def from_dict(cls: type[S], data: Mapping[str, Any]) -> S:
        return from_dict(cls, data)

    @classmethod
    def build(cls: type[S], **values: Any) -> S:
        """A section made in code whose JSON holds exactly the fields given (None included) and
        the required ones, e.g. `Data.build(..., license=None)` writes `"license": null`."""
        keys = {f.name: json_key(f) for f, _ in public_fields(cls)}
        return cls(**values, _present=frozenset(keys[name] for name in values))

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)

    @classmethod
    def registered_sections(cls) -> Mapping[str, type]:
        """JSON keys beyond the fields whose values are typed as a section class, e.g. {"toy_counts": ToyCounts};
        they are kept among the unknown keys (`_extra`), typed. None here; `RunRecord` has its registry's."""
        return {}

    def has(self, key: str) -> bool:
        """True when the JSON held `key` (or code set it): tells "absent" from "null"."""
        return key in self._present if self._present is not None else getattr(self, key, None) is not None


def as_section(cls: type[S], value: S | Mapping[str, Any] | None) -> S | None:
    """`value` as section `cls`: itself when typed already, built when it is the record's JSON
    (e.g. a card field still holding the dict), None for None."""
    if value is None or isinstance(value, cls):
        return value
    return from_dict(cls, value)


def json_key(f: dataclasses.Field) -> str:
    return f.metadata.get("key", f.name)


@functools.cache
def public_fields(cls: type) -> tuple[tuple[dataclasses.Field, Any], ...]:
    """(field, resolved type hint) of every non-private field of a section class."""
    hints = typing.get_type_hints(cls)
    return tuple((f, hints[f.name]) for f in dataclasses.fields(cls) if not f.name.startswith("_"))


def section_in(tp: Any) -> tuple[str, type | None]:
    """("", X) for X or X | None, ("list", X) for list[X], ("dict", X) for dict[str, X],
    ("dict/dict", X) for dict[str, dict[str, X]]; X is None when no Section is named."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            shape, found = section_in(arg)
            if found is not None:
                return shape, found
        return "", None
    if origin is list:
        shape, found = section_in(typing.get_args(tp)[0])
        return ("list", found) if found is not None and not shape else ("", None)
    if origin is dict:
        shape, found = section_in(typing.get_args(tp)[1])
        if found is None or shape not in ("", "dict"):
            return "", None
        return ("dict/dict" if shape == "dict" else "dict"), found
    if isinstance(tp, type) and issubclass(tp, Section):
        return "", tp
    return "", None


def _load(shape: str, cls: type | None, value: Any) -> Any:
    if cls is None or value is None:
        return value
    if shape == "" and isinstance(value, dict):
        return from_dict(cls, value)
    if shape == "list" and isinstance(value, list):
        return [from_dict(cls, v) if isinstance(v, dict) else v for v in value]
    if shape in ("dict", "dict/dict") and isinstance(value, dict):
        inner = "" if shape == "dict" else "dict"
        return {k: _load(inner, cls, v) for k, v in value.items()}
    return value  # not the shape the model expects: kept as read, so nothing is lost


def from_dict(cls: type[S], data: Mapping[str, Any]) -> S:
    """Build section `cls` from a JSON object (recursively), remembering what it held."""
    kwargs, known = {}, set()
    for f, tp in public_fields(cls):
        key = json_key(f)
        known.add(key)
        if key in data:
            kwargs[f.name] = _load(*section_in(tp), data[key])
        elif _default(f) is dataclasses.MISSING:
            kwargs[f.name] = None  # a partial (unvalidated) object: required but absent reads as None
    registered = cls.registered_sections()
    extra = {k: _load("", registered.get(k), v) for k, v in data.items() if k not in known}
    return cls(**kwargs, _present=frozenset(k for k in data if k in known), _extra=extra)


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _dump(value: Any) -> Any:
    if isinstance(value, Section):
        return to_dict(value)
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def dump(value: Any) -> Any:
    """The JSON of a value that is, or holds in dicts and lists, typed sections; other values as they are."""
    return _dump(value)


def to_dict(section: Section) -> dict[str, Any]:
    """The JSON object of a section: required fields, fields the JSON held, fields set in code."""
    out: dict[str, Any] = {}
    present = section._present
    for f, _ in public_fields(type(section)):
        key, value, default = json_key(f), getattr(section, f.name), _default(f)
        if present is None:
            write = default is dataclasses.MISSING or value != default
        else:  # what the JSON held, plus what code set since
            write = key in present or (value is not None if default is dataclasses.MISSING else value != default)
        if write:
            out[key] = _dump(value)
    out.update({k: _dump(v) for k, v in section._extra.items()})
    return out


def load_field(cls: type, name: str, value: Any) -> Any:
    """`value` for field `name` of section `cls`: typed where the field names a `Section` and the
    value is (or holds) its JSON, else as it is, e.g. `load_field(RunRecord, "data", {...})` -> Data."""
    hints = dict((f.name, tp) for f, tp in public_fields(cls))
    return _load(*section_in(hints[name]), value) if name in hints else value


def _written(section: Section) -> frozenset[str]:
    """The JSON keys of the fields `to_dict` writes now (unknown keys left out)."""
    present = section._present
    keys = set()
    for f, _ in public_fields(type(section)):
        key, value, default = json_key(f), getattr(section, f.name), _default(f)
        if present is not None and key in present:
            keys.add(key)
        elif default is dataclasses.MISSING and (present is None or value is not None):
            keys.add(key)
        elif default is not dataclasses.MISSING and value != default:
            keys.add(key)
    return frozenset(keys)


def with_fields(section: S, **values: Any) -> S:
    """A copy of `section` with fields set (JSON values typed at the door, `load_field`), each
    written by `to_dict` from now on (None included, as `"key": null`); a name no field has is kept
    as an unknown key (`_extra`), e.g. `with_fields(record, status="complete")`."""
    names = {f.name: json_key(f) for f, _ in public_fields(type(section))}
    known = {k: load_field(type(section), k, v) for k, v in values.items() if k in names}
    registered = type(section).registered_sections()
    extra = {**section._extra, **{k: _load("", registered.get(k), v) for k, v in values.items() if k not in names}}
    present = _written(section) | {names[k] for k in known}
    return dataclasses.replace(section, **known, _present=present, _extra=extra)


def without(section: S, name: str) -> S:
    """A copy of `section` with field `name` back at its default and left out of the JSON (an unknown
    key: dropped), e.g. `without(artifacts, "label_issues")`."""
    fields = {f.name: f for f, _ in public_fields(type(section))}
    extra = {k: v for k, v in section._extra.items() if k != name}
    if name not in fields:
        return dataclasses.replace(section, _extra=extra)
    default = _default(fields[name])
    present = _written(section) - {json_key(fields[name])}
    return dataclasses.replace(section, **{name: None if default is dataclasses.MISSING else default},
                               _present=present, _extra=extra)


def field_names(cls: type) -> tuple[str, ...]:
    """The names of a section's fields, in declaration order, e.g. `field_names(Latency)` ->
    ("median", "p95", "n_runs"): where code needs a section's keys, it reads them here."""
    return tuple(f.name for f, _ in public_fields(cls))
