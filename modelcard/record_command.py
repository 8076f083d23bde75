"""`modelcard record`: a complete run record from predictions made by any framework.

Everything is parsed and analysed before the run folder is created, so a bad file leaves no
trace in `runs/`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Sequence

from . import atomic
from .analysis import evaluate_predictions
from .analysis import label_issues as li
from .predictions_file import class_counts, load_predictions_file
from .record import open_run
from .record.artifacts import sha256_hex
from .record.model import Data, DataCard, Evaluation, SplitSummary
from .record.predictions import Predictions

EVAL_SET = "test"


def file_sha256(path: Path) -> str:
    """Streaming sha256 of a file, as `sha256:<hex>` (the record's content-hash form)."""
    return "sha256:" + sha256_hex(path)


def analyse_predictions_file(predictions: Path, slices: Sequence[str] = (), *, normalize: bool = False,
                             n_resamples: int = 1000, seed: int = 0) -> tuple[Predictions, Evaluation]:
    """The analysis step of `record`: parse `predictions`, return them and their typed evaluation."""
    predictions = Path(predictions)
    preds = load_predictions_file(predictions, slices, normalize=normalize)
    evaluation = evaluate_predictions(preds.y_true, preds.y_prob, preds.class_names,
                                      groups=preds.attributes or None, n_resamples=n_resamples, seed=seed)
    return preds, replace(Evaluation.from_dict(evaluation), source=f"predictions file {predictions.name}")


def record_predictions(predictions: Path, runs_dir: Path, *, name: str | None = None,
                       slices: Sequence[str] = (), normalize: bool = False, n_resamples: int = 1000,
                       seed: int = 0, command_line: list[str] | None = None, label_issues: bool = True) -> Path:
    """Validate `predictions`, analyse them, and write a `complete` run; returns its folder."""
    predictions = Path(predictions)
    preds, evaluation = analyse_predictions_file(predictions, slices, normalize=normalize,
                                                 n_resamples=n_resamples, seed=seed)
    issues = None
    if label_issues:  # predictions alone: the data card holds what they allow (no images, no thumbnails)
        accuracy = evaluation.metrics.get("accuracy")
        issues = li.from_predictions(preds.y_true, preds.y_prob, preds.class_names, preds.ids,
                                     accuracy.to_dict() if accuracy is not None else None)
    config = {"predictions": str(predictions), "slices": list(slices), "normalize": normalize,
              "n_resamples": n_resamples, "seed": seed, "label_issues": "cleanlab" if label_issues else "none"}
    with open_run(runs_dir, name or predictions.stem, "record", command_line=command_line, config=config) as run:
        run.set(data=Data.build(
            source=f"predictions:{predictions.name}",
            description=f"labelled predictions imported from {predictions.name}",
            license=None, root=None,
            class_names=list(preds.class_names),
            content_hash=file_sha256(predictions),
            n_files=None, split_method="given",
            splits={EVAL_SET: SplitSummary(n=int(len(preds.y_true)),
                                           class_counts=class_counts(preds.y_true, preds.class_names))},
            skipped_files=[], duplicates=None))
        run.add_predictions(EVAL_SET, preds)
        run.add_evaluation(EVAL_SET, evaluation)
        run.set(data_card=DataCard(collected_by="record", errors=[]))
        if issues is not None:
            entry, flagged = issues
            run.set(label_issues={EVAL_SET: entry})
            rows = {EVAL_SET: [li.suspect_row(f, preds.class_names, preds.ids) for f in flagged]}
            atomic.write_text(run.path / li.CSV_FILE, li.csv_text(rows))
            run.add_artifact("label_issues", li.CSV_FILE)
        if normalize:
            run.warn("probability rows were rescaled to sum to 1 (--normalize)")
        run.save()
    return run.path
