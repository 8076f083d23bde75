"""One row of a sweep's member table, read from a member's run record.

Shared by `training` (which writes the table into every member when the sweep ends) and the
card builder (which rebuilds it from sibling runs when a sweep stopped before writing it).
"""

from __future__ import annotations

from .model import Member, RunRecord
from .phase_costs import fit_cost, own_cost

# The per-configuration cost figures kept in a member row (from its emissions phases).
FIT_COST_KEYS = ("duration_s", "energy_kwh", "emissions_kg", "cpu_power_w", "ram_power_w", "gpu_power_w")
OWN_COST_KEYS = ("duration_s", "energy_kwh", "emissions_kg")


def member_row(record: RunRecord, parameters: dict, status: str, selected: bool | None) -> Member:
    """The member's parameters and its best-epoch validation scores, test accuracy, fit time and
    fit cost (`fit_cost`: duration, energy, emissions and mean power of its fit phase; `own_cost`:
    every phase of this configuration; both None when the record has no emissions phases).

    `test_accuracy` is the member's own test accuracy metric, with the interval of its record;
    `test_accuracy_interval` names that interval's method ("wilson" since record 1.1).
    """
    training = record.training
    best_epoch = training.best_epoch if training is not None else None
    history = (training.history if training is not None else None) or {}

    def at_best(metric: str):
        values = history.get(metric) or []
        return values[best_epoch - 1] if best_epoch and len(values) >= best_epoch else None

    test = record.evaluations.get("test")
    fit, own = fit_cost(record.emissions, record.run_id), own_cost(record.emissions, record.run_id)
    return Member.build(
        run_id=record.run_id, parameters=dict(parameters), status=status, selected=selected,
        val_accuracy=at_best("val_accuracy"), val_loss=at_best("val_loss"),
        test_accuracy=test.metrics["accuracy"] if test else None,
        test_accuracy_interval=test.interval_methods()[0].get("accuracy") if test else None,
        fit_s=((training.timings if training is not None else None) or {}).get("fit_s"),
        epochs_run=training.epochs_run if training is not None else None,
        fit_cost=None if fit is None else fit.only(*FIT_COST_KEYS),
        own_cost=None if own is None else own.only(*OWN_COST_KEYS),
    )
