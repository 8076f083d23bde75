"""Registered run-record sections: one module per section added to `run.json` since 1.4.

A module here defines the section's frozen dataclass (a `modelcard.record.typed.Section`, its
nested sections beside it) and ends with `RECORD_SECTION = RecordSection("<json key>", <Class>)`
(`record/registered.py`). `record/registry.py` finds every such module; `RunRecord` reads and
writes the section typed (`record.section(<Class>)`), and `validate.py` checks it against the
JSON Schema generated from the dataclass's type hints (`record/section_schema.py`). The core
sections (`data`, `evaluations`, ...) keep their fields on `RunRecord` and their hand-written
schema in `run.schema.json`. See docs/run-record.md, "Registered sections".
"""
