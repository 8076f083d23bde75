"""The energy, CO2 and duration figures of a run, each with one scope that every format names.

Three scopes, from the record's phases (`record.phase_costs`):
- the whole command (every phase: all configurations of a sweep, the measurements of the saved
  model included), the codecarbon totals of the record;
- training: every phase except the speed and inference-cost measurements of the saved model
  (what Hugging Face's `co2_eq_emissions` and CycloneDX's "training" activity report);
- those measurements alone.
The whole is the sum of its phases and of the other two scopes (`SumOf` statements), and the
phases' durations fit in the run's wall time (`AtMost`): the consistency check recomputes both.
A record without phases has the whole-command figures only.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ...claims import Claim, Statement, figure_claim
from ...claims.relations import AtMost, SumOf
from ...record.model import Emissions, PhaseCost, RunRecord
from ...record.phase_costs import MEASUREMENT_KINDS, cost_where, phases_of

MEASUREMENT_SCOPE = "the speed and inference-cost measurements of the saved model"
TRAINING_SCOPE = f"training: every phase except {MEASUREMENT_SCOPE}"
#: The figures of a scope: claim key suffix, quantity, unit, PhaseCost attribute, factor to the unit.
FIGURES = (("co2", "CO2eq", "g CO2eq", "emissions_kg", 1000.0), ("energy", "energy", "kWh", "energy_kwh", 1.0),
           ("duration", "duration", "s", "duration_s", 1.0))


def run_scope(record: RunRecord, n_configurations: int) -> str:
    """e.g. "the whole `modelcard train` command (8 configurations): every phase, the speed and
    inference-cost measurements of the saved model included"."""
    configs = f", all {n_configurations} configurations" if n_configurations > 1 else ""
    return f"the whole `modelcard {record.created_by}` command{configs}, every phase, {MEASUREMENT_SCOPE} included"


@dataclass
class ScopedCost:
    """The claims of one scope: CO2 (g), energy (kWh) and duration (s)."""

    scope: str                      # e.g. TRAINING_SCOPE
    co2: Claim                      # e.g. Claim("emissions.training.co2", value=0.155, unit="g CO2eq", ...)
    energy: Claim
    duration: Claim


@dataclass
class EmissionFigures:
    """Every scoped figure of a run and the statements tying them together."""

    run: ScopedCost                           # the whole command
    training: ScopedCost | None = None        # None: no phases recorded
    measurements: ScopedCost | None = None    # None: no phases recorded
    wall_time: Claim | None = None            # the run's own start-to-end time (provenance)
    statements: list[Statement] = field(default_factory=list)
    phase_keys: list[str] = field(default_factory=list)   # the per-phase claim keys (e.g. "emissions.phase.0.co2")
    phases: list[Claim] = field(default_factory=list)

    def claims(self) -> list[Claim | Statement]:
        scopes = [s for s in (self.run, self.training, self.measurements) if s is not None]
        out: list[Claim | Statement] = [c for s in scopes for c in (s.co2, s.energy, s.duration)]
        out += self.phases + ([self.wall_time] if self.wall_time is not None else [])
        return out + self.statements


def _scoped(name: str, scope: str, cost) -> ScopedCost:
    claims = [figure_claim(f"emissions.{name}.{suffix}", "run", quantity,
                           None if getattr(cost, attr) is None else getattr(cost, attr) * factor, unit, scope=scope)
              for suffix, quantity, unit, attr, factor in FIGURES]
    return ScopedCost(scope, *claims)


def _seconds(stamp: str) -> _dt.datetime:
    return _dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")


def wall_time(record: RunRecord) -> tuple[Claim, float] | None:
    """The run's wall time and how precise it is: provenance.duration_s (1.3, monotonic) or, for older records,
    the end minus the start in whole seconds (1 s either way); None while running."""
    p = record.provenance
    if p is None or not p.ended_at:
        return None
    if p.duration_s is not None:
        return figure_claim("run.wall_time", "run", "wall time", p.duration_s, "s",
                            scope="from the record's creation to its end (monotonic clock)"), 0.05
    seconds = (_seconds(p.ended_at) - _seconds(p.started_at)).total_seconds()
    return figure_claim("run.wall_time", "run", "wall time", seconds, "s",
                        scope="from the record's start to its end (whole seconds)"), 1.0


def configurations(record: RunRecord) -> int:
    """How many configurations the record's totals cover: the sweep's members when they are the sweep's, else 1."""
    em, sweep = record.emissions, record.sweep
    if em is not None and em.scope == "sweep" and sweep is not None and sweep.members:
        return len(sweep.members)
    return 1


def emission_figures(record: RunRecord) -> EmissionFigures | None:
    """The scoped figures of `record`, or None without emissions."""
    em: Emissions | None = record.emissions
    if em is None or em.emissions_kg is None:
        return None
    run = _scoped("run", run_scope(record, configurations(record)), em)
    figures = EmissionFigures(run=run)
    phases = phases_of(em)
    if phases:
        none = PhaseCost(duration_s=0.0, energy_kwh=0.0, emissions_kg=0.0)  # the sum over no phase
        figures.training = _scoped("training", TRAINING_SCOPE,
                                   cost_where(em, lambda p: p.kind not in MEASUREMENT_KINDS) or none)
        figures.measurements = _scoped("measurements", MEASUREMENT_SCOPE,
                                       cost_where(em, lambda p: p.kind in MEASUREMENT_KINDS) or none)
        for i, p in enumerate(phases):
            figures.phases += [figure_claim(f"emissions.phase.{i}.{suffix}", p.run_id or "shared", quantity,
                                            getattr(p, attr) * factor, unit)
                               for suffix, quantity, unit, attr, factor in FIGURES]
        for suffix, quantity, *_ in FIGURES:
            whole = f"emissions.run.{suffix}"
            figures.statements += [
                Statement(f"sum.{suffix}.phases", "sum", f"The whole run's {quantity} is the sum of its {len(phases)} "
                          "phases.", SumOf(whole, tuple(f"emissions.phase.{i}.{suffix}" for i in range(len(phases))),
                                           1e-6)),
                Statement(f"sum.{suffix}.scopes", "sum", f"The whole run's {quantity} is training's plus the "
                          "measurements'.", SumOf(whole, (f"emissions.training.{suffix}",
                                                          f"emissions.measurements.{suffix}"), 1e-6))]
    found = wall_time(record)
    if found is not None and record.provenance.duration_s is None:
        found = None  # before 1.3 the phases could overlap (see `overshoot`): no sum is asserted
    if found is not None and em.cluster is None and run.duration.value is not None:
        figures.wall_time, slack = found
        figures.statements.append(Statement("sum.duration.wall_time", "sum", "The phases took no longer than the "
                                            "run itself.", AtMost(run.duration.key, "run.wall_time", slack)))
    return figures
