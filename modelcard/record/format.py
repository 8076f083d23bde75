"""Constants of the run-record format and the skeleton every writer starts from.

Starting every record from `new_record` means a writer (training, evaluate, record) can never
forget a required section: the schema reserves hardware, emissions and efficiency up front and
collectors fill them in later.
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .. import __version__

SCHEMA_VERSION = "1.4"
#: Every version this modelcard reads. 1.1 to 1.4 only add optional fields, so older records
#: read unchanged; readers must treat every 1.1 to 1.4 addition as possibly absent.
READABLE_SCHEMA_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4")
RUN_JSON = "run.json"
PREDICTIONS_DIR = "predictions"
HISTORY_CSV = "history.csv"
MODEL_FILE = "model.keras"
#: A `warnings` entry starting with this says the robustness stage failed; the rest is why
#: (e.g. "...: RuntimeError: out of memory"). Writers append it, the card reads the reason.
ROBUSTNESS_NOT_MEASURED = "robustness under corruptions not measured"

# Packages whose versions are worth recording for reproducibility (missing ones are skipped).
TRACKED_PACKAGES = (
    "modelcard", "numpy", "pandas", "scikit-learn", "fairlearn", "jinja2", "matplotlib",
    "tensorflow", "tensorflow-cpu", "keras", "codecarbon", "pillow", "cleanlab", "cleanvision",
)


def record_text(record: dict) -> str:
    """The exact text of `run.json` for a record: sorted keys, indent 2, UTF-8 kept, no NaN,
    a trailing newline (so the same record always gives the same bytes)."""
    return json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def utc_now() -> str:
    """Current UTC time as ISO 8601 with seconds, e.g. '2026-11-21T23:02:40Z'."""
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class RunStart:
    """When a run began, read once from both clocks: the UTC time written as `provenance.started_at`
    and the monotonic clock `provenance.duration_s` is measured from (`time.perf_counter`, the clock
    codecarbon times its phases with). A command that measures work before its run folders exist
    (`train`: the data scan, inside the emissions tracker) takes it first and hands it to `open_run`,
    so the run's own time encloses every phase it records."""

    utc: str  # UTC ISO 8601 to the second, e.g. "2026-12-03T14:13:42Z"
    clock: float  # time.perf_counter() at the same moment, e.g. 81234.567891

    @classmethod
    def now(cls) -> "RunStart":
        return cls(utc=utc_now(), clock=time.perf_counter())

    def elapsed_s(self) -> float:
        """Seconds since the start on the monotonic clock, to the microsecond, e.g. 91.734215."""
        return round(time.perf_counter() - self.clock, 6)


def new_run_id(now: _dt.datetime | None = None) -> str:
    """A readable, sortable id: UTC time plus 6 random hex digits, so runs started in the same
    second never collide (the run folder is also created exclusively, see store.create_run_dir)."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def package_versions() -> dict[str, str]:
    """Installed versions of the tracked packages, read from metadata (no imports, so no TF)."""
    from importlib import metadata  # only runs that are being written need it; `build` stays lighter

    found = {}
    for name in TRACKED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def git_commit(cwd: Path | None = None) -> tuple[str | None, bool | None]:
    """(commit sha, dirty) of the working tree, or (None, None) outside a git checkout."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd,
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
        return sha or None, bool(dirty)
    except (OSError, subprocess.SubprocessError):
        return None, None


def new_record(run_id: str, name: str, created_by: str, *, command_line: list[str] | None = None,
               config: dict | None = None, start: RunStart | None = None) -> dict:
    """A complete, schema-valid record with status `running` and every section reserved; it
    started at `start` (default: now)."""
    start = start or RunStart.now()
    commit, dirty = git_commit(Path(__file__).resolve().parent)
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "name": name,
        "status": "running",
        "created_by": created_by,
        "command_line": list(command_line if command_line is not None else sys.argv),
        "config": dict(config or {}),
        "data": {"source": "", "class_names": [], "content_hash": None, "splits": {},
                 "skipped_files": [], "duplicates": None},
        "model": None,
        "training": None,
        "evaluations": {},
        "hardware": None,
        "emissions": None,
        "efficiency": None,
        "provenance": {
            "started_at": start.utc,
            "ended_at": None,
            "git_commit": commit,
            "git_dirty": dirty,
            "packages": package_versions(),
            "python": platform.python_version(),
            "platform": platform.platform(terse=True),
            "modelcard_version": __version__,
        },
        "sweep": None,
        "artifacts": {"predictions": {}, "history": None, "model": None},
        "warnings": [],
        "error": None,
    }
