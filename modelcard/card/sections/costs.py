"""What the run cost, phase by phase: energy, CO2 and power for the Environmental Impact section,
each sweep configuration's fit and the shared cost under the sweep table, and the energy per
1,000 predictions of the saved model.

Everything here is read from the typed record's `emissions` (phases, inference) by the pure sums
of `modelcard.record.phase_costs`; a record without phases (1.0, or a run whose task tracking
failed) gives None and the card shows what it showed before. `estimated` is True when any
power figure behind the numbers was estimated rather than read from a hardware counter: the
templates then label the figures as estimates.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...record.model import Emissions, InferenceCost, Member, Phase, PhaseCost, RunRecord
from ...record.phase_costs import PHASE_KINDS, fit_cost, own_cost, phases_of, shared_cost, sum_cost

@dataclass
class CostRow:
    """Duration, energy, CO2 and mean power of one phase or a group of phases."""

    label: str                     # e.g. "feature extraction: train"
    duration_s: float | None       # e.g. 12.4
    energy_kwh: float | None       # e.g. 1.2e-4
    emissions_kg: float | None     # e.g. 4.4e-5
    cpu_power_w: float | None      # e.g. 7.9 (mean over the phase)
    ram_power_w: float | None      # e.g. 20.0
    gpu_power_w: float | None      # e.g. None when no GPU was tracked
    run_id: str | None = None      # e.g. "20261122T0102Z-ab12cd" for a configuration's own phase


@dataclass
class SweepCost:
    """The cost of a sweep, split between configurations and the work they share."""

    shared: list[CostRow]          # data scan, feature extraction, other work: once for the sweep
    shared_total: CostRow | None   # their sum
    selected_fit: CostRow | None   # the selected configuration's own fit
    selected_own: CostRow | None   # every phase of the selected configuration (fit, evaluation, ...)
    selected_run_id: str | None    # e.g. "20261122T0102Z-ab12cd"
    total: CostRow | None          # the whole sweep (sum of every phase)
    n_configurations: int          # e.g. 4
    estimated: bool                # e.g. True when codecarbon estimated power


@dataclass
class InferenceRow:
    """Energy and CO2 per 1,000 predictions of the saved model at one batch size."""

    batch_size: int                # e.g. 32
    kwh_per_1000: float | None     # e.g. 2.1e-5
    kg_per_1000: float | None      # e.g. 7.8e-6
    n_predictions: int             # e.g. 1024 (predictions in the timed loop)
    duration_s: float              # e.g. 8.2
    breakeven_predictions: int | None  # e.g. 5_400_000: predictions that emit as much as training


@dataclass
class RunCosts:
    """Environmental Impact, phase by phase, and the inference cost."""

    phases: list[CostRow]          # every recorded phase, in record order
    total: CostRow | None          # their sum (the run's figures)
    inference: list[InferenceRow]  # batch 32 first; empty when not measured
    training_emissions_kg: float | None  # what the break-even counts compare with
    estimated: bool                # e.g. True: every figure is an estimate


def _row(label: str, cost: Phase | PhaseCost | None, run_id: str | None = None) -> CostRow | None:
    if cost is None:
        return None
    return CostRow(label=label, duration_s=cost.duration_s, energy_kwh=cost.energy_kwh,
                   emissions_kg=cost.emissions_kg, cpu_power_w=cost.cpu_power_w,
                   ram_power_w=cost.ram_power_w, gpu_power_w=cost.gpu_power_w, run_id=run_id)


def phase_label(phase: Phase) -> str:
    """e.g. "feature extraction: train" or "fit"."""
    label = PHASE_KINDS.get(phase.kind, phase.kind.replace("_", " "))
    return f"{label}: {phase.subject}" if phase.subject else label


def estimated(emissions: Emissions | None) -> bool:
    """True unless every power figure behind the emissions was read from a hardware counter."""
    flags = emissions.power_measured.to_dict() if emissions is not None and emissions.power_measured else {}
    if flags:
        return not all(v for v in flags.values() if v is not None)
    return not (emissions.measured if emissions is not None else False)


def _per_batch(inference) -> list[tuple[int, InferenceCost]]:
    """(batch size, its cost) of every batch size measured, the largest first."""
    sizes = ((32, inference.batch_32), (1, inference.batch_1)) if inference is not None else ()
    return [(size, cost) for size, cost in sizes if isinstance(cost, InferenceCost)]


def run_costs(record: RunRecord) -> RunCosts | None:
    """The phase table and inference cost of `record`, or None when it has no phases."""
    em = record.emissions
    phases = phases_of(em)
    inference = em.inference if em is not None and em.inference is not None and em.inference.to_dict() else None
    if phases is None and inference is None:
        return None
    rows = [_row(phase_label(p), p, p.run_id) for p in phases or []]
    breakeven = (inference.breakeven_predictions if inference is not None else None) or {}
    inference_rows = [InferenceRow(batch_size=size, kwh_per_1000=v.kwh_per_1000, kg_per_1000=v.kg_per_1000,
                                   n_predictions=int(v.n_predictions), duration_s=float(v.duration_s),
                                   breakeven_predictions=breakeven.get(f"batch_{size}"))
                      for size, v in _per_batch(inference)]
    return RunCosts(phases=rows, total=_row("whole run", sum_cost(phases or [])), inference=inference_rows,
                    training_emissions_kg=inference.training_emissions_kg if inference is not None else None,
                    estimated=estimated(em))


def sweep_cost(record: RunRecord, members: list[Member]) -> SweepCost | None:
    """The shared and selected costs under the sweep table, or None without phases."""
    em = record.emissions
    phases = phases_of(em)
    if phases is None:
        return None
    selected = next((m.run_id for m in members if m.selected), None)
    if selected is None and record.sweep is not None and record.sweep.selected:
        selected = record.run_id
    shared = [_row(phase_label(p), p) for p in phases if p.run_id is None]
    return SweepCost(
        shared=shared, shared_total=_row("shared cost", shared_cost(em)),
        selected_fit=_row("selected configuration: fit", fit_cost(em, selected)) if selected else None,
        selected_own=_row("selected configuration: all its phases", own_cost(em, selected)) if selected else None,
        selected_run_id=selected, total=_row("whole sweep", sum_cost(phases)), n_configurations=len(members),
        estimated=estimated(em))
