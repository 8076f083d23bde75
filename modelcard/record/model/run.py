"""`RunRecord`: the whole `run.json` as typed sections, read (validated) and written back unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, TypeVar

from ...errors import UserError
from .. import measured as _measured
from ..format import READABLE_SCHEMA_VERSIONS, record_text
from ..registry import REGISTRY
from ..typed import Section, from_dict, to_dict
from ..validate import parse_record_text, validate_record
from .datacard import DataCardMeasurements, LabelIssues
from .data import Data
from .efficiency import Efficiency, Hardware
from .emissions import Emissions
from .evaluation import Evaluation
from .examples import Examples
from .metric import MeasuredFact, MetricFact
from .network import Model
from .provenance import Artifacts, Provenance, RunError
from .robustness import Robustness
from .sweep import Sweep
from .training import Training
from .variance import CrossValidation, Seeds

S = TypeVar("S", bound=Section)


def migrate(record: dict) -> dict:
    """The record as this model reads it, for every version in READABLE_SCHEMA_VERSIONS.

    1.1 and 1.2 only added optional fields, so 1.0 and 1.1 records need no rewriting (and are
    written back as they were read, schema_version included): every later field is optional in
    the model. What a field's absence means is derived where it is read, in one place each:
    interval methods of 1.0 records from `bootstrap` (`Evaluation.metric`, via record/intervals.py),
    shared figures before `efficiency.shared`/`emissions.scope` (1.2) from `measured_on_run` and
    sweep membership (`RunRecord.is_shared`, via record/measured.py)."""
    if record.get("schema_version") not in READABLE_SCHEMA_VERSIONS:  # validate_record refused it already
        raise UserError(f"schema_version {record.get('schema_version')!r} is not supported")
    return record


@dataclass(frozen=True, kw_only=True)
class RunRecord(Section):
    schema_version: str  # "1.0" to "1.4", e.g. "1.4"
    run_id: str  # UTC time plus 6 hex digits, e.g. "20261203T141342Z-5a32bf"
    name: str  # names the card files, e.g. "tuxpaint-stamps-mobilenetv2"
    status: str  # "running", "complete", "failed" or "interrupted", e.g. "complete"
    created_by: str  # "train", "evaluate" or "record", e.g. "train"
    command_line: list[str]  # the argv that made the run, e.g. ["modelcard", "train", "--data", "demo"]
    config: dict  # the effective configuration, e.g. {"optimizer": "adam", "epochs": 10}
    data: Data  # the data and how it was split
    model: Model | None  # None for `record` runs
    training: Training | None  # None when nothing was trained here
    evaluations: dict[str, Evaluation]  # set -> its analyses, e.g. {"test": ...}
    hardware: Hardware | None  # what it ran on
    emissions: Emissions | None  # energy and CO2
    efficiency: Efficiency | None  # speeds, sizes, latency
    provenance: Provenance  # commit, packages, times
    sweep: Sweep | None  # None outside a sweep
    artifacts: Artifacts  # files beside run.json
    warnings: list[str]  # shown on the card, e.g. ["no pretrained weights were used"]
    error: RunError | None  # failed or interrupted runs, e.g. None
    data_card: DataCardMeasurements | None = None  # data-quality facts (1.1)
    label_issues: dict[str, LabelIssues] | None = None  # split -> suspect labels (1.1)
    examples: Examples | None = None  # the Model Examination grid (1.1)
    artifacts_sha256: dict[str, str] | None = None  # file -> hex sha256 (1.1), e.g. {"history.csv": "41ab..."}
    robustness: Robustness | None = None  # accuracy under corruptions (1.1)
    seeds: Seeds | None = None  # training-seed variance (1.2)
    cv: CrossValidation | None = None  # K-fold cross-validation (1.2)
    # Registered sections (modelcard/record/sections/, optional, any version) are not fields: read
    # them with `record.section(ToyCounts)`, write them with `writer.set(toy_counts=ToyCounts(...))`.

    @classmethod
    def registered_sections(cls) -> Mapping[str, type]:
        """JSON key -> dataclass of every registered section, e.g. {"toy_counts": ToyCounts}."""
        return REGISTRY.types

    def section(self, kind: type[S]) -> S | None:
        """A registered section, typed, e.g. `record.section(ToyCounts)` -> ToyCounts(even=7); None when the
        record has none (it is optional); a `KeyError` when `kind` is not registered."""
        return self._extra.get(REGISTRY.key_of(kind))

    # -- reading and writing ------------------------------------------------------------------
    @classmethod
    def from_json(cls, source: str | bytes | Mapping[str, Any], where: str = "run.json") -> RunRecord:
        """Parse (text) and validate against run.schema.json, then build; a malformed record
        raises the one-line UserError of validate_record."""
        if isinstance(source, (str, bytes)):
            source = parse_record_text(source, where=where)
        return from_dict(cls, migrate(validate_record(source, where=where)))

    def to_json(self) -> str:
        """The exact text `write_record` writes for this record."""
        return record_text(to_dict(self))

    @classmethod
    def of(cls, record: RunRecord | Mapping[str, Any]) -> RunRecord:
        """`record` typed: a RunRecord as it is, an already validated record dict built (not
        validated again), for callers that still hold the dict."""
        return record if isinstance(record, RunRecord) else from_dict(cls, record)

    # -- facts with their provenance ----------------------------------------------------------
    def evaluation(self, eval_set: str = "test") -> Evaluation | None:
        return self.evaluations.get(eval_set)

    def metric(self, name: str, eval_set: str = "test") -> MetricFact | None:
        """e.g. record.metric("accuracy") -> MetricFact(0.9375, 0.7985, 0.9827, "wilson")."""
        ev = self.evaluation(eval_set)
        return ev.metric(name) if ev is not None else None

    def label_issues_of(self, split: str = "test") -> LabelIssues | None:
        """The suspect labels cleanlab measured on one split; None when not recorded (before 1.1)."""
        return (self.label_issues or {}).get(split)

    @property
    def in_sweep(self) -> bool:
        return self.sweep is not None

    def shared_efficiency(self) -> dict[str, str]:
        """{efficiency key: run id or "sweep"} for every figure not measured for this run alone."""
        eff = to_dict(self.efficiency) if self.efficiency is not None else None
        return _measured.shared_of(eff, self.run_id, self.in_sweep)

    def is_shared(self, name: str) -> bool:
        """True when efficiency figure `name` was measured elsewhere (another member's model, or
        once for the whole sweep) and copied here."""
        return name in self.shared_efficiency()

    def efficiency_fact(self, name: str) -> MeasuredFact:
        """An efficiency figure and where it was measured, e.g. MeasuredFact(2013.9, "sweep")."""
        value = getattr(self.efficiency, name, None) if self.efficiency is not None else None
        return MeasuredFact(value, self.shared_efficiency().get(name))

    def emissions_scope(self) -> str | None:
        """"run" or "sweep": whose emissions totals these are; None without emissions."""
        em = to_dict(self.emissions) if self.emissions is not None else None
        return _measured.scope_of(em, self.warnings, self.in_sweep)

    def emissions_fact(self, name: str) -> MeasuredFact:
        """An emissions total (energy_kwh, duration_s, ...) and whether it is the sweep's."""
        value = getattr(self.emissions, name, None) if self.emissions is not None else None
        return MeasuredFact(value, _measured.SWEEP if self.emissions_scope() == _measured.SWEEP else None)
