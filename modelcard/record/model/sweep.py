"""The `sweep` section: the sweep id, this run's place in it, and the member table."""

from __future__ import annotations

from dataclasses import dataclass

from ..typed import Section
from .emissions import PhaseCost
from .metric import Metric


@dataclass(frozen=True, kw_only=True)
class Member(Section):
    run_id: str  # e.g. "20261203T141342Z-5a32bf"
    parameters: dict  # the swept settings, e.g. {"batch_size": 32, "optimizer": "adam"}
    status: str | None = None  # e.g. "complete"
    selected: bool | None = None  # the chosen configuration, e.g. True
    val_accuracy: float | None = None  # the selection metric, e.g. 0.8108
    val_loss: float | None = None  # e.g. 0.7684
    test_accuracy: Metric | None = None  # e.g. {"value": 0.9375, "ci_low": 0.80, "ci_high": 0.98}
    test_accuracy_interval: str | None = None  # its interval method id (1.1), e.g. "wilson"
    fit_s: float | None = None  # seconds of the fit, e.g. 0.9454
    epochs_run: int | None = None  # e.g. 10
    fit_cost: PhaseCost | None = None  # the configuration's fit phase (1.1)
    own_cost: PhaseCost | None = None  # every phase with its run id (1.1)


@dataclass(frozen=True, kw_only=True)
class Sweep(Section):
    sweep_id: str  # e.g. "sweep-aace1f5f"
    parameters: dict  # this run's swept settings, e.g. {"batch_size": 32, "optimizer": "adam"}
    selected: bool | None  # this run is the chosen one; None while the sweep runs, e.g. True
    selection_rule: str  # e.g. "val_accuracy:max"
    members: list[Member]  # every configuration, once the sweep ends
    index: int | None = None  # this run's place in the sweep, e.g. 0
    tie_break: str | None = None  # how ties are broken (1.2), e.g. "first in the sweep's order"
    tied_run_ids: list[str] | None = None  # members tying with the chosen one, chosen first (1.2), e.g. []

    def member(self, run_id: str) -> Member | None:
        return next((m for m in self.members if isinstance(m, Member) and m.run_id == run_id), None)
