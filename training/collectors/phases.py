"""What each phase of a run cost: the sums behind `record["emissions"]["phases"]`.

A phase is one kind of work (`kind`), optionally about one thing (`subject`: a split, an
evaluation set, a batch size) and for one sweep member (`run_id`). The emissions collector
(`emissions.py`) feeds every codecarbon task delta into the `PhaseTally` of the phase that was
running; this module only adds them up and turns them into the record's `PhaseCost` and `Phase`.
No codecarbon here.

Mean power of a phase is its energy divided by its duration: codecarbon's own per-task power
fields are running averages since the tracker started, not the task's, so they are not used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from modelcard.record.model import Phase, PhaseCost, PowerMeasured
from modelcard.record.phase_costs import COST_KEYS, PHASE_KINDS  # noqa: F401  (the standard kinds, re-exported)
from modelcard.record.typed import as_section, field_names

OTHER = "other"
#: The figures a phase entry holds: the fields `Phase` shares with `PhaseCost`.
PHASE_FIGURES = tuple(name for name in field_names(Phase) if name in field_names(PhaseCost))


@dataclass(frozen=True)
class PhaseKey:
    """Which phase a cost belongs to, e.g. `PhaseKey("fit", None, "20261122T010203Z-ab12cd")`."""

    kind: str
    subject: str | None = None
    run_id: str | None = None


def _finite(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.0
    return value if math.isfinite(value) else 0.0


@dataclass
class PhaseTally:
    """The running sums of one phase's codecarbon tasks (duration, energies, emissions); `cost()` is
    the record's `PhaseCost` of them."""

    duration_s: float = 0.0
    energy_kwh: float = 0.0
    cpu_energy_kwh: float = 0.0
    gpu_energy_kwh: float = 0.0
    ram_energy_kwh: float = 0.0
    emissions_kg: float = 0.0
    tasks: int = field(default=0, compare=False)

    def add_task(self, data) -> None:
        """Add one codecarbon task delta (`EmissionsData` returned by `stop_task`)."""
        self.duration_s += _finite(data.duration)
        self.energy_kwh += _finite(data.energy_consumed)
        self.cpu_energy_kwh += _finite(data.cpu_energy)
        self.gpu_energy_kwh += _finite(data.gpu_energy)
        self.ram_energy_kwh += _finite(data.ram_energy)
        self.emissions_kg += _finite(data.emissions)
        self.tasks += 1

    def add(self, other: "PhaseTally") -> None:
        for name in COST_KEYS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.tasks += other.tasks

    def mean_power_w(self, energy_kwh: float) -> float | None:
        """Mean power over the phase (energy / duration), None for a phase of no duration."""
        return energy_kwh * 3.6e6 / self.duration_s if self.duration_s > 0 else None

    def cost(self, gpu_tracked: bool) -> PhaseCost:
        """Duration, energies, mean powers and emissions (GPU figures None when no GPU was tracked)."""
        return PhaseCost(
            duration_s=self.duration_s,
            energy_kwh=self.energy_kwh,
            cpu_energy_kwh=self.cpu_energy_kwh,
            gpu_energy_kwh=self.gpu_energy_kwh if gpu_tracked else None,
            ram_energy_kwh=self.ram_energy_kwh,
            cpu_power_w=self.mean_power_w(self.cpu_energy_kwh),
            gpu_power_w=self.mean_power_w(self.gpu_energy_kwh) if gpu_tracked else None,
            ram_power_w=self.mean_power_w(self.ram_energy_kwh),
            emissions_kg=self.emissions_kg,
        )


def phase_entry(key: PhaseKey, tally: PhaseTally, power_measured: dict) -> Phase:
    """One `emissions.phases[]` entry: the phase, its figures (`PHASE_FIGURES`) and where its powers came from."""
    cost = tally.cost(power_measured.get("gpu") is not None)
    return Phase.build(kind=key.kind, subject=key.subject, run_id=key.run_id,
                       **{name: getattr(cost, name) for name in PHASE_FIGURES},
                       power_measured=as_section(PowerMeasured, dict(power_measured)))


def total_cost(tallies) -> PhaseTally:
    """The sum of several phase tallies."""
    total = PhaseTally()
    for tally in tallies:
        total.add(tally)
    return total


def check_kind(kind: str) -> str:
    """A phase kind is a non-empty snake_case word (the standard ones: `PHASE_KINDS`)."""
    if not isinstance(kind, str) or not kind or not kind.replace("_", "").isalnum() or kind != kind.lower():
        raise ValueError(f"phase kind {kind!r} must be a lower-case snake_case word, e.g. 'robustness'")
    return kind
