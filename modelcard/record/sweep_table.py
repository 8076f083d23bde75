"""One row of a sweep's member table, read from a member's run record.

Shared by `training` (which writes the table into every member when the sweep ends) and the
card builder (which rebuilds it from sibling runs when a sweep stopped before writing it).
"""

from __future__ import annotations

from .intervals import metric_interval_method
from .model.emissions import Emissions
from .phase_costs import fit_cost, own_cost

# The per-configuration cost columns kept in a member row (from its emissions phases).
FIT_COST_KEYS = ("duration_s", "energy_kwh", "emissions_kg", "cpu_power_w", "ram_power_w", "gpu_power_w")


def member_row(record: dict, parameters: dict, status: str, selected: bool | None) -> dict:
    """The member's parameters and its best-epoch validation scores, test accuracy, fit time and
    fit cost (`fit_cost`: duration, energy, emissions and mean power of its fit phase; `own_cost`:
    every phase of this configuration; both None when the record has no emissions phases).

    `test_accuracy` is the member's own test accuracy metric object, with the interval of its
    record; `test_accuracy_interval` names that interval's method ("wilson" since record 1.1).
    """
    training = record.get("training") or {}
    best_epoch = training.get("best_epoch")
    history = training.get("history") or {}

    def at_best(metric: str):
        values = history.get(metric) or []
        return values[best_epoch - 1] if best_epoch and len(values) >= best_epoch else None

    test = (record.get("evaluations") or {}).get("test")
    emissions = Emissions.from_dict(record["emissions"]) if record.get("emissions") else None
    fit, own = fit_cost(emissions, record["run_id"]), own_cost(emissions, record["run_id"])
    return {
        "run_id": record["run_id"],
        "parameters": dict(parameters),
        "status": status,
        "selected": selected,
        "val_accuracy": at_best("val_accuracy"),
        "val_loss": at_best("val_loss"),
        "test_accuracy": test["metrics"]["accuracy"] if test else None,
        "test_accuracy_interval": metric_interval_method(test, "accuracy") if test else None,
        "fit_s": (training.get("timings") or {}).get("fit_s"),
        "epochs_run": training.get("epochs_run"),
        "fit_cost": None if fit is None else {k: getattr(fit, k) for k in FIT_COST_KEYS},
        "own_cost": None if own is None else {k: getattr(own, k) for k in ("duration_s", "energy_kwh", "emissions_kg")},
    }
