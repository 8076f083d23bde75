"""Sums over a run record's emissions phases (`record["emissions"]["phases"]`).

Shared by the sweep table (each configuration's fit cost) and the card (the shared cost of a
sweep, the selected configuration's own cost). Pure: typed `Phase`s in, a typed `PhaseCost` out; a
record without phases (1.0, or the task API failed) gives None everywhere.
"""

from __future__ import annotations

from typing import Callable, Iterable

from .model.emissions import Emissions, Phase, PhaseCost
from .typed import field_names

# The standard phase kinds, in the order a training run meets them, with their card label.
PHASE_KINDS = {
    "data_scan": "data scan and hashing",
    "data_card": "data card (image quality, label issues)",
    "feature_extraction": "feature extraction",
    "fit": "fit phase (building, compiling and fitting)",
    "evaluation": "evaluation",
    "seeds": "retraining with other seeds (--seeds)",
    "cross_validation": "cross-validation heads (--cv)",
    "robustness": "robustness under corruptions",
    "examples": "example grid and attention maps",
    "efficiency": "efficiency measurement (latency, throughput)",
    "inference_cost": "inference cost measurement",
    "other": "other work (set-up, model building, saving)",
}
# The figures a cost adds up over its phases: what a Phase and a PhaseCost share but the mean powers
# (derived: energy / duration), e.g. ("duration_s", "energy_kwh", "emissions_kg", "cpu_energy_kwh", ...).
COST_KEYS = tuple(n for n in field_names(PhaseCost) if n in field_names(Phase) and not n.endswith("_power_w"))
# Kinds that measure the finished model rather than train it.
MEASUREMENT_KINDS = ("efficiency", "inference_cost")
# Kinds every configuration of a sweep runs, so that configurations compare like with like on them.
CONFIGURATION_KINDS = ("fit", "evaluation", "examples")


def sum_cost(phases: Iterable[Phase]) -> PhaseCost | None:
    """Summed duration, energies and emissions, with mean powers (energy / duration) and the number of
    phases; None for no phase. A GPU figure is None when no phase tracked a GPU."""
    phases = list(phases)
    if not phases:
        return None
    total = {key: sum(getattr(p, key) or 0.0 for p in phases) for key in COST_KEYS}
    if not any(p.gpu_energy_kwh is not None for p in phases):
        total["gpu_energy_kwh"] = None
    seconds = total["duration_s"]
    for part in ("cpu", "gpu", "ram"):
        energy = total[f"{part}_energy_kwh"]
        total[f"{part}_power_w"] = energy * 3.6e6 / seconds if energy is not None and seconds > 0 else None
    return PhaseCost.build(**total, phases=len(phases))


def phases_of(emissions: Emissions | None) -> list[Phase] | None:
    """The phases of an `emissions` section, or None when it has none."""
    return (emissions.phases if emissions is not None else None) or None


def cost_where(emissions: Emissions | None, keep: Callable[[Phase], bool]) -> PhaseCost | None:
    """The cost of the phases for which `keep(phase)` is true (None without phases)."""
    phases = phases_of(emissions)
    return None if phases is None else sum_cost(p for p in phases if keep(p))


def fit_cost(emissions: Emissions | None, run_id: str) -> PhaseCost | None:
    """What fitting configuration `run_id` cost (its `fit` phases)."""
    return cost_where(emissions, lambda p: p.kind == "fit" and p.run_id == run_id)


def own_cost(emissions: Emissions | None, run_id: str) -> PhaseCost | None:
    """Every phase of configuration `run_id` (fit, its evaluations, measurements of its model)."""
    return cost_where(emissions, lambda p: p.run_id == run_id)


def configuration_cost(emissions: Emissions | None, run_id: str) -> PhaseCost | None:
    """What configuration `run_id` cost in the phases every configuration runs (`CONFIGURATION_KINDS`); None
    when the record has no such phase of it."""
    return cost_where(emissions, lambda p: p.run_id == run_id and p.kind in CONFIGURATION_KINDS)


def extra_costs(emissions: Emissions | None, run_id: str) -> dict[str, PhaseCost]:
    """The phases configuration `run_id` ran beyond `CONFIGURATION_KINDS` (seeds, cross-validation,
    measurements of its saved model), summed by kind in record order, e.g. {"seeds": PhaseCost(...)}."""
    kinds = dict.fromkeys(p.kind for p in phases_of(emissions) or [] if p.run_id == run_id
                          and p.kind not in CONFIGURATION_KINDS)
    return {kind: cost_where(emissions, lambda p, k=kind: p.run_id == run_id and p.kind == k) for kind in kinds}


def shared_cost(emissions: Emissions | None) -> PhaseCost | None:
    """Phases no single configuration owns (data scan, feature extraction, other work): the sum the
    record holds (`emissions.shared_cost`), else the sum of those phases."""
    if emissions is not None and emissions.shared_cost:
        return emissions.shared_cost
    return cost_where(emissions, lambda p: p.run_id is None)
