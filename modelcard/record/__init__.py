"""The run record: the versioned contract between `training` (writer) and `modelcard` (reader).

A run lives in `runs/<run_id>/` and holds `run.json` (validated on read against
`run.schema.json`), `predictions/<eval_set>.npz`, `history.csv` and, when there is one, the
model file. Field-by-field documentation: docs/run-record.md.
"""

from .format import SCHEMA_VERSION, RUN_JSON, RunStart, new_record, new_run_id, utc_now
from .validate import validate_record
from .store import (
    RunRef,
    resolve_runs_dir,
    list_runs,
    resolve_run,
    read_record,
    write_record,
    read_run,
    create_run_dir,
)
from .model import RunRecord
from .predictions import Predictions, read_predictions, write_predictions
from .lifecycle import RunWriter, open_run

__all__ = [
    "SCHEMA_VERSION", "RUN_JSON", "RunStart", "new_record", "new_run_id", "utc_now", "validate_record",
    "RunRef", "resolve_runs_dir", "list_runs", "resolve_run", "read_record", "read_run", "write_record", "RunRecord",
    "create_run_dir", "Predictions", "read_predictions", "write_predictions", "RunWriter", "open_run",
]
