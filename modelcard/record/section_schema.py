"""The JSON Schema of a registered record section, generated from its dataclass's type hints.

Supported hints: `str`, `int`, `float`, `bool`, `None` and unions of them (`int | None`),
`list[X]`, `dict[str, X]`, nested `typed.Section` dataclasses, and `Any`/`dict`/`list` (any
value, any object, any array). A field without a default is required. Objects stay open to keys
the dataclass does not name (as the hand-written schema's sections are), so a newer writer's
extra field is kept, not refused. Anything else is a `TypeError` naming the field.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, kw_only=True)
... class Counts(Section):
...     even: int
...     names: list[str] | None = None
>>> schema_of(Counts)["properties"]["names"]
{'anyOf': [{'type': 'array', 'items': {'type': 'string'}}, {'type': 'null'}]}
>>> schema_of(Counts)["required"]
['even']
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from .typed import Section, json_key, public_fields

SIMPLE = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


def schema_of(tp: Any, where: str = "") -> dict:
    """The JSON Schema of a type hint (a `Section` class: an object with its fields)."""
    if tp in SIMPLE:
        return {"type": SIMPLE[tp]}
    if tp is Any:
        return {}
    if tp in (dict, list):
        return {"type": "object" if tp is dict else "array"}
    if isinstance(tp, type) and issubclass(tp, Section):
        return _object(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [schema_of(arg, where) for arg in args]}
    if origin is list and len(args) == 1:
        return {"type": "array", "items": schema_of(args[0], where)}
    if origin is dict and len(args) == 2 and args[0] is str:
        return {"type": "object", "additionalProperties": schema_of(args[1], where)}
    raise TypeError(f"record section field {where or '?'}: type {tp!r} has no JSON Schema; use str, int, float, "
                    "bool, None, unions of them, list[...], dict[str, ...] or a nested Section")


def _object(cls: type) -> dict:
    properties, required = {}, []
    for f, tp in public_fields(cls):
        key = json_key(f)
        properties[key] = schema_of(tp, f"{cls.__name__}.{f.name}")
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(key)
    return {"type": "object", "properties": properties, "required": required}
