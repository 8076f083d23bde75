"""Where runs live and how a `--run` argument (latest | RUN_ID | PATH) becomes one run folder.

`latest` means the newest run whose status is `complete` (for a sweep: its selected
configuration); running, failed and interrupted runs are never chosen implicitly (they can still be asked for by id, with a warning).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .. import atomic
from ..errors import UserError, read_user_text
from .format import RUN_JSON, new_run_id, record_text
from .model import RunRecord
from .validate import parse_record_text, validate_record

RUNS_ENV = "MODELCARD_RUNS"
DEFAULT_RUNS_DIR = "runs"


@dataclass(frozen=True)
class RunRef:
    """One run folder and its validated record."""

    path: Path
    record: dict

    @property
    def run_id(self) -> str:
        return self.record["run_id"]

    @property
    def model(self) -> RunRecord:
        """The record as typed sections (built once per RunRef), e.g. `ref.model.metric("accuracy")`."""
        cached = self.__dict__.get("_model")
        if cached is None:
            cached = RunRecord.from_dict(self.record)
            object.__setattr__(self, "_model", cached)
        return cached


def resolve_runs_dir(runs_dir: str | os.PathLike | None = None) -> Path:
    """`--runs-dir` wins, then $MODELCARD_RUNS, then ./runs."""
    return Path(runs_dir or os.environ.get(RUNS_ENV) or DEFAULT_RUNS_DIR)


def read_record(run_dir: Path) -> dict:
    """Read and validate `run_dir/run.json`, with a one-line error for every way it can be bad."""
    path = Path(run_dir) / RUN_JSON
    text = read_user_text(path, f"{path} does not exist; is {run_dir} a run folder? (see `modelcard runs`)")
    return validate_record(parse_record_text(text, where=str(path)), where=str(path))


def read_run(ref: str | os.PathLike, runs_dir: str | os.PathLike | None = None) -> RunRecord:
    """The typed record of `latest`, a run id or a run folder (or its run.json), validated."""
    return resolve_run(str(ref), resolve_runs_dir(runs_dir)).model


def write_record(run_dir: Path, record: dict | RunRecord) -> None:
    """Validate, then atomically write `run.json` (sorted keys, so output is stable); `record` is
    a plain dict or a typed `RunRecord`."""
    if isinstance(record, RunRecord):
        record = record.to_dict()
    validate_record(record, where=str(Path(run_dir) / RUN_JSON))
    atomic.write_text(Path(run_dir) / RUN_JSON, record_text(record))


def create_run_dir(runs_dir: Path) -> tuple[str, Path]:
    """Make a fresh `runs_dir/<run_id>/` exclusively: two runs never share a folder."""
    runs_dir = atomic.ensure_writable_dir(Path(runs_dir))
    for _ in range(100):
        run_id = new_run_id()
        path = runs_dir / run_id
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return run_id, path
    raise RuntimeError(f"could not create a unique run folder in {runs_dir}")


def list_runs(runs_dir: Path) -> tuple[list[RunRef], list[tuple[Path, str]]]:
    """All readable runs, oldest first, plus (folder, reason) for folders that are not valid runs."""
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        return [], []
    good, bad = [], []
    for child in sorted(p for p in runs_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not (child / RUN_JSON).exists():
            continue
        try:
            good.append(RunRef(child, read_record(child)))
        except UserError as exc:
            bad.append((child, str(exc)))
    good.sort(key=lambda r: (r.record["provenance"]["started_at"], r.run_id))
    return good, bad


def _selected_member(newest: RunRef, complete: list[RunRef]) -> RunRef:
    """If the newest run belongs to a sweep, its chosen configuration stands for the sweep."""
    sweep = newest.record["sweep"]
    if not sweep:
        return newest
    chosen = [r for r in complete if (r.record["sweep"] or {}).get("sweep_id") == sweep["sweep_id"]
              and r.record["sweep"].get("selected")]
    return chosen[-1] if chosen else newest


def resolve_run(ref: str, runs_dir: Path) -> RunRef:
    """Turn `latest`, a run id, or a path (run folder or its run.json) into a validated run."""
    runs_dir = Path(runs_dir)
    if ref == "latest":
        runs, _ = list_runs(runs_dir)
        complete = [r for r in runs if r.record["status"] == "complete"]
        if not complete:
            where = f"{runs_dir}" + ("" if runs_dir.is_dir() else " (it does not exist)")
            raise UserError(f"no complete run in {where}; create one with `modelcard train` or "
                            "`modelcard record`, or pass --runs-dir")
        return _selected_member(complete[-1], complete)
    candidate = Path(ref)
    if candidate.name == RUN_JSON and candidate.is_file():
        candidate = candidate.parent
    if candidate.is_dir():
        return RunRef(candidate, read_record(candidate))
    if "/" not in ref and (runs_dir / ref).is_dir():
        return RunRef(runs_dir / ref, read_record(runs_dir / ref))
    raise UserError(f"run {ref!r} not found (looked for a folder and for {runs_dir / ref}); "
                    "list runs with `modelcard runs`")
