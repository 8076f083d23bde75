"""The `provenance`, `artifacts` and `error` sections: how the run was made, what it left."""

from __future__ import annotations

from dataclasses import dataclass

from ..typed import Section


@dataclass(frozen=True, kw_only=True)
class Process(Section):
    """The process writing the run (1.4), so a reader can tell a run whose process died from one still going."""

    pid: int  # the writing process, e.g. 41327
    host: str  # the machine it runs on (socket.gethostname()), e.g. "trainer-7"
    heartbeat: str  # a file in the run folder rewritten while the run is `running`, e.g. "heartbeat"
    heartbeat_s: float  # seconds between two heartbeats, e.g. 30.0


@dataclass(frozen=True, kw_only=True)
class Provenance(Section):
    started_at: str  # UTC ISO 8601, e.g. "2026-12-03T14:13:42Z"
    ended_at: str | None  # None while running, e.g. "2026-12-03T14:15:13Z"
    git_commit: str | None  # None outside a checkout, e.g. "f23a623a..."
    packages: dict[str, str]  # name -> version, e.g. {"numpy": "2.4.6"}
    git_dirty: bool | None = None  # uncommitted changes, e.g. False
    python: str | None = None  # e.g. "3.11.7"
    platform: str | None = None  # e.g. "Linux-6.18.44-x86_64-with-glibc2.36"
    modelcard_version: str | None = None  # e.g. "0.1.0"
    duration_s: float | None = None  # monotonic seconds from start to finish (1.3), e.g. 91.734215
    process: Process | None = None  # the writing process and its heartbeat (1.4)


@dataclass(frozen=True, kw_only=True)
class Artifacts(Section):
    predictions: dict[str, str]  # set -> npz, e.g. {"test": "predictions/test.npz"}
    history: str | None = None  # e.g. "history.csv"
    model: str | None = None  # the full model, e.g. "model.keras"
    head_weights: str | None = None  # head mode: the head alone, e.g. "head.weights.h5"
    examples: str | None = None  # the example-grid folder (1.1), e.g. "examples"
    data_card: str | None = None  # the data card's thumbnails folder, e.g. "data_card"
    label_issues: str | None = None  # the suspect-label table, e.g. "label_issues.csv"
    data_files: str | None = None  # the exact files the run used (1.3), e.g. "data_files.csv"


@dataclass(frozen=True, kw_only=True)
class RunError(Section):
    type: str  # exception type, e.g. "KeyboardInterrupt"
    message: str  # e.g. "interrupted by Ctrl-C"
