"""Validate a run record on read, so a malformed or foreign `run.json` fails with one clear
line instead of a KeyError deep inside rendering.

The schema is `run.schema.json` (the core sections, hand-written) plus, at its top level, one
optional property per registered section (`record/sections/`), its schema generated from the
section's dataclass (`section_schema.py`)."""

from __future__ import annotations

import functools
import json
from importlib import resources

import jsonschema

from ..errors import UserError
from .format import READABLE_SCHEMA_VERSIONS


def run_schema() -> dict:
    """`run.schema.json` with every registered section's generated schema merged into its top level
    (a registered key that is already a core property is refused: `ValueError`)."""
    from .registry import REGISTRY  # here, not above: the registry's sections import the record model

    schema = json.loads(resources.files(__package__).joinpath("run.schema.json").read_text("utf-8"))
    for key, generated in REGISTRY.schemas().items():
        if key in schema["properties"]:
            raise ValueError(f"registered record section {key!r} is a core field of run.json; give it another key")
        schema["properties"][key] = {**generated, "description": f"registered section ({key}), optional"}
    return schema


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(run_schema())


def parse_record_text(text: str | bytes, where: str = "run.json") -> object:
    """The JSON of a run.json text, or the one-line UserError saying where it is broken."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                        "the run is damaged, re-create it") from None


def validate_record(record: object, where: str = "run.json") -> dict:
    """Return `record` if it matches the schema; otherwise raise a one-line `UserError`."""
    if not isinstance(record, dict):
        raise UserError(f"{where}: not a run record (expected a JSON object)")
    version = record.get("schema_version")
    if version not in READABLE_SCHEMA_VERSIONS:
        raise UserError(f"{where}: schema_version {version!r} is not supported (this modelcard reads "
                        f"{', '.join(repr(v) for v in READABLE_SCHEMA_VERSIONS)}); re-create the run or upgrade modelcard")
    error = jsonschema.exceptions.best_match(_validator().iter_errors(record))
    if error is not None:
        field = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        message = error.message.replace("\n", " ")
        if len(message) > 160:
            message = message[:157] + "..."
        raise UserError(f"{where}: malformed run record at {field}: {message}")
    if record["status"] == "complete":
        if len(record["data"]["class_names"]) < 2:
            raise UserError(f"{where}: a complete run needs at least 2 class names in data.class_names")
        if not record["evaluations"]:
            raise UserError(f"{where}: a complete run needs at least one entry in evaluations")
    return record
