"""Filling a training run's record sections from what was measured.

Kept apart from the orchestration so each section's shape is readable in one place and
shared by `train` (every sweep member) and `evaluate`.
"""

from __future__ import annotations

import csv
import io

from modelcard import atomic
from modelcard.record import RunWriter
from modelcard.record.data_files import ARTIFACT_KEY, DATA_FILES_CSV, DataFile, data_files_text

from ..config import TrainConfig
from ..model.fit import FitResult
from ..model.full_model import PREPROCESSING


def data_section(dataset, eval_sets: dict) -> dict:
    """The record's `data`: the dataset summary plus the extra evaluation sets."""
    section = dataset.summary()
    section["eval_sets"] = {name: {"source": str(ds.root), "n": ds.n_files, "class_counts": ds.class_counts("eval")}
                            for name, ds in sorted(eval_sets.items())}
    return section


def write_data_files(writer: RunWriter, dataset, splits: dict[str, str] | None = None) -> None:
    """`data_files.csv` (`artifacts.data_files`): every file of the dataset's splits, with the sha256
    and size its scan read (no file is read again). `splits`: {dataset split: the record's name for
    it} when the run used only some splits (evaluate: its test set); default every split."""
    chosen = splits if splits is not None else {name: name for name in dataset.splits}
    files = [DataFile(s.relpath, dataset.class_names[s.label], recorded, s.sha256, s.size_bytes)
             for split, recorded in chosen.items() for s in dataset.splits[split]]
    writer.write_artifact(ARTIFACT_KEY, DATA_FILES_CSV, data_files_text(files))


def model_section(spec, weights: dict, *, dropout: float, n_classes: int, preprocessing: str,
                  total_params: int, trainable_params: int, file_info: dict | None) -> dict:
    """The record's `model`; `file_info` is `{file_bytes, file_sha256}` of the saved model, if any."""
    return {
        "backbone": spec.name,
        "alpha": spec.alpha,
        "input_size": spec.input_size,
        "weights": weights,
        "head": {"dropout": dropout, "units": n_classes},
        "preprocessing": preprocessing,
        "preprocessing_in_model": PREPROCESSING[spec.name],
        "total_params": int(total_params),
        "trainable_params": int(trainable_params),
        "file_bytes": None if file_info is None else file_info["file_bytes"],
        "file_sha256": None if file_info is None else file_info["file_sha256"],
    }


def training_section(config: TrainConfig, result: FitResult, timings: dict, distribution: dict, **extra) -> dict:
    """The record's `training` for one fitted configuration."""
    return {
        "mode": config.mode,
        "optimizer": config.optimizer,
        "learning_rate": config.effective_learning_rate(),
        "batch_size": config.batch_size,
        "epochs_requested": config.epochs,
        "epochs_run": result.epochs_run,
        "best_epoch": result.best_epoch,
        "may_have_stopped_too_early": result.stopped_too_early,
        "early_stopping": {"monitor": "val_loss", "patience": config.patience, "restore_best_weights": True},
        "seed": config.seed,
        "history": result.history,
        "timings": timings_entry(timings),
        "distribution": distribution,
        **extra,
    }


def timings_entry(timings: dict) -> dict:
    """`training.timings`: seconds per step, rounded, in name order."""
    return {k: (None if v is None else round(float(v), 4)) for k, v in sorted(timings.items())}


def write_history(writer: RunWriter, history: dict[str, list]) -> None:
    """`history.csv`: one row per epoch, columns `epoch` then the Keras metrics (sorted)."""
    names = sorted(history)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["epoch", *names])
    for epoch in range(len(history[names[0]]) if names else 0):
        out.writerow([epoch + 1, *("" if history[n][epoch] is None else repr(history[n][epoch]) for n in names)])
    atomic.write_text(writer.history_path(), buf.getvalue())
    writer.add_artifact("history", writer.history_path().name)
