"""One row of a sweep's member table, read from a member's run record.

Shared by `training` (which writes the table into every member when the sweep ends) and the
card builder (which rebuilds it from sibling runs when a sweep stopped before writing it).
"""

from __future__ import annotations


def member_row(record: dict, parameters: dict, status: str, selected: bool | None) -> dict:
    """The member's parameters and its best-epoch validation scores, test accuracy and fit time.

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
    return {
        "run_id": record["run_id"],
        "parameters": dict(parameters),
        "status": status,
        "selected": selected,
        "val_accuracy": at_best("val_accuracy"),
        "val_loss": at_best("val_loss"),
        "test_accuracy": test["metrics"]["accuracy"] if test else None,
        "test_accuracy_interval": accuracy_interval_method(test) if test else None,
        "fit_s": (training.get("timings") or {}).get("fit_s"),
        "epochs_run": training.get("epochs_run"),
    }


def accuracy_interval_method(evaluation: dict) -> str | None:
    """Method id of an evaluation's accuracy interval; records before 1.1 used the percentile bootstrap."""
    intervals = evaluation.get("intervals")
    if intervals:
        return (intervals.get("metrics") or {}).get("accuracy")
    return "percentile_bootstrap" if (evaluation.get("bootstrap") or {}).get("n_resamples") else None
