"""The warnings shown at the top of the card (header partial)."""

from __future__ import annotations

from ..section_spec import Section


def card_warnings(record: dict) -> list[str]:
    found = []
    if record["status"] != "complete":
        error = record.get("error") or {}
        why = f": {error.get('type')}: {error.get('message')}" if error else ""
        found.append(f"run {record['run_id']} is not complete (status: {record['status']}{why}); "
                     "its numbers may be partial")
    model = record["model"]
    if model and model["weights"]["pretrained"] is False:  # None: trained elsewhere, unknown
        found.append("No pretrained weights were used: the backbone started from random weights")
    if record["created_by"] == "record":
        found.append("Predictions came from an external model (`modelcard record`): model-only sections "
                     "describe nothing trained here")
    if record["provenance"].get("git_dirty"):
        found.append("the code had uncommitted changes when the run was made (git_dirty)")
    for text in record["warnings"]:
        if not any(text.lower() in w.lower() for w in found):
            found.append(text)
    return found


SECTION = Section("header", build=card_warnings, attr="warnings")
