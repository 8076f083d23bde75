"""The warnings shown at the top of the card (header partial)."""

from __future__ import annotations

from ...record.model import RunRecord
from ..section_spec import Section


def card_warnings(record: RunRecord) -> list[str]:
    """The run's own warnings and those its facts imply (not complete, random weights, external
    predictions, uncommitted code), each once."""
    found = []
    if record.status != "complete":
        error = record.error
        why = f": {error.type}: {error.message}" if error else ""
        found.append(f"run {record.run_id} is not complete (status: {record.status}{why}); "
                     "its numbers may be partial")
    if record.model and record.model.weights.pretrained is False:  # None: trained elsewhere, unknown
        found.append("No pretrained weights were used: the backbone started from random weights")
    if record.created_by == "record":
        found.append("Predictions came from an external model (`modelcard record`): model-only sections "
                     "describe nothing trained here")
    if record.provenance.git_dirty:
        found.append("the code had uncommitted changes when the run was made (git_dirty)")
    for text in record.warnings:
        if not any(text.lower() in w.lower() for w in found):
            found.append(text)
    return found


SECTION = Section("header", build=card_warnings, attr="warnings")
