"""`open_run`: the one way to create a run, so every writer gets the same guarantees.

The record is written with status `running` as soon as the folder exists; it is rewritten
(atomically) whenever the writer calls `save()`, and on exit it becomes `complete`, or
`interrupted` (Ctrl-C) / `failed` (any other exception) with what was done so far and the
error. `latest` only ever picks `complete` runs, so a half-done run is never mistaken for one.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .. import atomic
from ..errors import UserError
from .artifacts import artifact_checksums
from .model import Evaluation, RunError, RunRecord
from .typed import Section, as_section, with_fields, without
from .liveness import Heartbeat, this_process
from .format import HISTORY_CSV, PREDICTIONS_DIR, RUN_JSON, RunStart, new_record, utc_now
from .predictions import Predictions, write_predictions
from .store import create_run_dir, write_record


class WarningLines:
    """The record's warnings as a list collectors append to (`guarded(..., warnings=writer.warnings)`):
    each line goes through `RunWriter.warn`."""

    def __init__(self, writer: RunWriter):
        self._writer = writer

    def append(self, line: str) -> None:
        self._writer.warn(line)

    def __iter__(self) -> Iterator[str]:
        return iter(self._writer.record.warnings)

    def __len__(self) -> int:
        return len(self._writer.record.warnings)


@dataclass
class RunWriter:
    """A run folder being written: `record` is the live typed record (each write replaces it), `save()`
    validates and persists it."""

    path: Path  # the run folder, e.g. runs/20261203T141342Z-5a32bf
    record: RunRecord  # the live record, e.g. RunRecord(schema_version="1.4", status="running", ...)
    start: RunStart | None = None  # when the run began; None: no `provenance.duration_s` is written

    @property
    def run_id(self) -> str:
        return self.record.run_id

    @property
    def name(self) -> str:
        """The run's name (it names the card files), e.g. "tuxpaint-stamps-mobilenetv2"."""
        return self.record.name

    @property
    def warnings(self) -> WarningLines:
        """The record's warnings, for collectors that append to them (`guarded(..., warnings=)`)."""
        return WarningLines(self)

    def view(self) -> RunRecord:
        """What is written so far, typed, e.g. `writer.view().evaluations["test"].top_confusions`. A
        snapshot: later writes replace the writer's record and do not show in it."""
        return self.record

    def save(self) -> None:
        write_record(self.path, self.record)

    def _replace(self, **fields) -> None:
        self.record = with_fields(self.record, **fields)

    def _artifacts(self, **fields) -> None:
        self._replace(artifacts=with_fields(self.record.artifacts, **fields))

    def add_predictions(self, eval_set: str, preds: Predictions) -> str:
        """Write `predictions/<eval_set>.npz` and register it; returns the relative path."""
        rel = f"{PREDICTIONS_DIR}/{eval_set}.npz"
        write_predictions(self.path / rel, preds)
        self._artifacts(predictions={**self.record.artifacts.predictions, eval_set: rel})
        return rel

    def set(self, **sections: Section | dict | None) -> None:
        """Set whole top-level sections, typed (they may sit inside a dict or list, e.g.
        `set(evaluations={"test": Evaluation(...)})`) or, for older callers, as their JSON (typed at
        the door), e.g. `set(data_card=DataCardMeasurements.build(...))`."""
        self._replace(**sections)

    def add_evaluation(self, eval_set: str, evaluation: Evaluation | dict) -> None:
        """Register the analyses of one evaluation set (`evaluations.<eval_set>`)."""
        self._replace(evaluations={**self.record.evaluations, eval_set: as_section(Evaluation, evaluation)})

    def add_artifact(self, key: str, rel: str) -> None:
        """Name a file beside run.json in `artifacts`, e.g. add_artifact("label_issues", "label_issues.csv")."""
        self._artifacts(**{key: rel})

    def write_artifact(self, key: str, rel: str, text: str) -> Path:
        """Write a text file beside run.json (atomically) and name it in `artifacts` (so its sha256 is
        recorded in `artifacts_sha256` when the run ends), e.g. write_artifact("data_files", "data_files.csv", csv)."""
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(path, text)
        self.add_artifact(key, rel)
        return path

    def drop_section(self, key: str) -> None:
        """Leave an optional top-level section out of the record again, e.g. drop_section("label_issues")."""
        self.record = without(self.record, key)

    def drop_artifact(self, key: str) -> None:
        """Forget a file named in `artifacts` (one that was not kept), e.g. drop_artifact("data_card")."""
        self._replace(artifacts=without(self.record.artifacts, key))

    def prediction_file(self, eval_set: str) -> Path | None:
        """The stored predictions of one set, e.g. `<run>/predictions/test.npz`; None when there are none."""
        rel = self.record.artifacts.predictions.get(eval_set)
        return self.path / rel if rel else None

    def amend(self, section: str, **fields) -> None:
        """Set some fields of a top-level section that is already written, e.g.
        `amend("sweep", selected=True, members=[...])`."""
        self._replace(**{section: with_fields(getattr(self.record, section), **fields)})

    def warn(self, line: str, *, once: bool = False) -> None:
        """Add a line to the record's `warnings` (shown on the card); `once`: unless it is there already."""
        if not (once and line in self.record.warnings):
            self._replace(warnings=[*self.record.warnings, line])

    def history_path(self) -> Path:
        """Where `history.csv` goes; the writer sets `artifacts.history` once it exists."""
        return self.path / HISTORY_CSV


@contextlib.contextmanager
def open_run(runs_dir: Path, name: str, created_by: str, *, command_line: list[str] | None = None,
             config: dict | None = None, start: RunStart | None = None) -> Iterator[RunWriter]:
    """Create a fresh `runs_dir/<run_id>/`, yield a `RunWriter`, and set the final status
    (complete / interrupted / failed) however the block ends. The run started at `start`
    (default: now, as the record is created); a command that measured work before opening the
    run (its data scan, inside an emissions tracker) passes the `RunStart` it took before that
    work, so `provenance.duration_s` encloses every emissions phase the record holds."""
    start = start or RunStart.now()
    run_id, run_dir = create_run_dir(runs_dir)
    record = new_record(run_id, name, created_by, command_line=command_line, config=config, start=start)
    writer = RunWriter(run_dir, RunRecord.of(record), start)
    writer.set(provenance=with_fields(writer.record.provenance, process=this_process()))
    writer.save()
    heartbeat = Heartbeat(run_dir).start()  # a reader tells a run killed with SIGKILL by it (liveness.py)
    try:
        yield writer
    except KeyboardInterrupt:
        _finish(writer, "interrupted", KeyboardInterrupt("interrupted by the user (Ctrl-C)"), heartbeat)
        raise
    except BaseException as exc:
        _finish(writer, "failed", exc, heartbeat)
        raise
    else:
        _finish(writer, "complete", None, heartbeat)


@contextlib.contextmanager
def _ignoring_ctrl_c() -> Iterator[None]:
    """A second Ctrl-C while the final status is written is ignored (it takes milliseconds), so
    an interrupted run is never left `running` or with a traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _finish(writer: RunWriter, status: str, exc: BaseException | None, heartbeat: Heartbeat) -> None:
    with _ignoring_ctrl_c():
        try:
            _write_final(writer, status, exc)
        finally:
            heartbeat.stop()


def _write_final(writer: RunWriter, status: str, exc: BaseException | None) -> None:
    ended = {"ended_at": utc_now()}
    if writer.start is not None:
        ended["duration_s"] = writer.start.elapsed_s()
    writer.set(status=status, provenance=with_fields(writer.record.provenance, **ended))
    try:
        writer.set(artifacts_sha256=artifact_checksums(writer.path, writer.record.to_dict()))  # every artifact is written by now
    except OSError as err:
        writer.warn(f"could not record artifact checksums: {err}")
    if exc is not None:
        first_line = (str(exc).splitlines() or [""])[0][:500]
        writer.set(error=RunError(type=type(exc).__name__, message=first_line))
    try:
        writer.save()
    except UserError:
        if status == "complete":
            raise
        # A failed run may hold half-filled sections; keep what was done rather than lose it.
        text = json.dumps(writer.record.to_dict(), indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
        atomic.write_text(writer.path / RUN_JSON, text)
