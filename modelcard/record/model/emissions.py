"""The `emissions` section (codecarbon collector): totals, power sources, phases and their summed cost, inference cost."""

from __future__ import annotations

from dataclasses import dataclass

from ..typed import Section


@dataclass(frozen=True, kw_only=True)
class PowerMeasured(Section):
    cpu: bool | None = None  # read from a hardware counter (True) or estimated (False), e.g. False
    ram: bool | None = None  # e.g. False
    gpu: bool | None = None  # None: not tracked, e.g. None


@dataclass(frozen=True, kw_only=True)
class Phase(Section):
    kind: str  # e.g. "fit"; "data_scan", "feature_extraction", "evaluation", "other", ...
    duration_s: float  # e.g. 1.023
    energy_kwh: float  # e.g. 6.19e-06
    emissions_kg: float  # e.g. 2.29e-06
    subject: str | None = None  # the split, set or seed, e.g. "test"
    run_id: str | None = None  # the sweep member it belongs to; None: shared by the sweep
    cpu_energy_kwh: float | None = None  # e.g. 8.18e-07
    gpu_energy_kwh: float | None = None  # e.g. None
    ram_energy_kwh: float | None = None  # e.g. 3.89e-06
    cpu_power_w: float | None = None  # mean over the phase, e.g. 4.197
    gpu_power_w: float | None = None  # e.g. None
    ram_power_w: float | None = None  # e.g. 19.98
    power_measured: PowerMeasured | None = None  # where each power came from


@dataclass(frozen=True, kw_only=True)
class PhaseCost(Section):
    """The cost of some phases summed (`phase_costs.sum_cost`): a member's `fit_cost` / `own_cost`
    keeps a few of its figures, `emissions.shared_cost` all of them."""

    duration_s: float | None = None  # e.g. 1.023
    energy_kwh: float | None = None  # e.g. 6.19e-06
    emissions_kg: float | None = None  # e.g. 2.29e-06
    cpu_power_w: float | None = None  # fit_cost only, e.g. 1.78
    ram_power_w: float | None = None  # fit_cost only, e.g. 19.99
    gpu_power_w: float | None = None  # fit_cost only, e.g. None
    cpu_energy_kwh: float | None = None  # shared_cost only, e.g. 8.18e-07
    gpu_energy_kwh: float | None = None  # shared_cost only; None when no phase tracked a GPU, e.g. None
    ram_energy_kwh: float | None = None  # shared_cost only, e.g. 3.89e-06
    phases: int | None = None  # phases summed, shared_cost only, e.g. 3

    def only(self, *names: str) -> PhaseCost:
        """The same cost whose JSON holds just `names`, e.g. `cost.only("duration_s", "energy_kwh")`."""
        return PhaseCost.build(**{name: getattr(self, name) for name in names})


@dataclass(frozen=True, kw_only=True)
class InferenceCost(Section):
    n_predictions: int  # predictions timed, e.g. 1024
    duration_s: float  # e.g. 5.77
    kwh_per_1000: float | None  # energy per 1,000 predictions, e.g. 4.03e-05
    kg_per_1000: float | None  # CO2 per 1,000 predictions, e.g. 1.49e-05
    measured: bool | None = None  # power read from counters, e.g. True


@dataclass(frozen=True, kw_only=True)
class Inference(Section):
    batch_32: InferenceCost | None = None  # batches of 32
    batch_1: InferenceCost | None = None  # one image per call
    training_emissions_kg: float | None = None  # every phase but efficiency and inference_cost, e.g. 0.000155
    breakeven_predictions: dict[str, int | None] | None = None  # predictions that emit as much, e.g. {"batch_32": 10445}


@dataclass(frozen=True, kw_only=True)
class WorkerMeasured(Section):
    worker: int  # the worker's index in TF_CONFIG, e.g. 1
    measured: bool  # its energy reached the chief, e.g. True


@dataclass(frozen=True, kw_only=True)
class ClusterEmissions(Section):
    workers: int  # workers of the cluster, e.g. 2
    workers_measured: int  # workers whose energy is in the sums, e.g. 2
    per_worker: list[WorkerMeasured]  # one per worker, chief first
    energy_kwh: float | None = None  # summed over the measured workers, e.g. 0.00118
    cpu_energy_kwh: float | None = None  # e.g. 0.000133
    ram_energy_kwh: float | None = None  # e.g. 0.00105
    gpu_energy_kwh: float | None = None  # e.g. None
    emissions_kg: float | None = None  # e.g. 0.000436
    duration_s: float | None = None  # the longest worker's, e.g. 94.3


@dataclass(frozen=True, kw_only=True)
class Emissions(Section):
    emissions_kg: float | None  # CO2-equivalent, e.g. 0.000218
    energy_kwh: float | None  # e.g. 0.00059
    duration_s: float | None  # e.g. 94.3
    measured: bool  # False when codecarbon estimated power (constant-TDP fallback), e.g. False
    method: str  # how, in words, e.g. "codecarbon 3.3.2 OfflineEmissionsTracker (estimated, ...)"
    emissions_rate_kg_per_s: float | None = None  # e.g. 2.31e-06
    cpu_energy_kwh: float | None = None  # e.g. 6.67e-05
    ram_energy_kwh: float | None = None  # e.g. 0.000524
    gpu_energy_kwh: float | None = None  # null without a GPU, e.g. None
    cpu_power_w: float | None = None  # e.g. 2.55
    ram_power_w: float | None = None  # e.g. 19.99
    gpu_power_w: float | None = None  # e.g. None
    country_iso_code: str | None = None  # e.g. "USA"
    region: str | None = None  # e.g. None
    cloud_provider: str | None = None  # e.g. None
    cloud_region: str | None = None  # e.g. None
    tool: str | None = None  # e.g. "codecarbon 3.3.2"
    power_measured: PowerMeasured | None = None  # where each power came from (1.1)
    phases: list[Phase] | None = None  # one per phase of the run (1.1); None when the task API failed
    shared_cost: PhaseCost | None = None  # phases no configuration owns, summed (1.1), e.g. PhaseCost(duration_s=20.75, ...)
    scope: str | None = None  # "run" or "sweep": whose totals these are (1.2), e.g. "sweep"
    inference: Inference | None = None  # energy per 1,000 predictions (1.1)
    cluster: ClusterEmissions | None = None  # every worker's energy on a multi-worker cluster (1.2)
