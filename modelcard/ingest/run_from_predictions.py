"""`modelcard record`: a complete run record from predictions made by any framework.

`--predictions` is one CSV or `.npz` (read whole), or shards (`shard_files.py`): a folder or a
glob of `.npz` shards (merged in memory, then exactly as one `.npz`) or of `.parquet` shards,
or one `.parquet` file (streamed in row batches, `streamed.py`). Parquet written by any engine
in the CSV's layout or with a `y_prob` list column (`parquet_tables.py`) is streamed the same
way, or read into memory when `--slice` needs every row. Everything is parsed and analysed
before the run folder is created, so a bad file or a bad set of shards leaves no trace in `runs/`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from .. import atomic
from ..analysis import evaluate_predictions
from ..analysis import label_issues as li
from ..errors import UserError
from .predictions_file import class_counts, load_predictions_file
from ..record import open_run
from ..record.artifacts import sha256_hex
from ..record.model import Data, DataCardMeasurements, Evaluation, SplitSummary
from ..record.predictions import Predictions
from .parquet_tables import SHARD, TableFile, load_tables, parquet_layout, table_set
from .streamed import NOT_IN_MEMORY, stream_shards, stream_tables
from .shard_files import batch_rows, merge_npz, read_npz_header, shard_paths, shard_set

EVAL_SET = "test"


def file_sha256(path: Path) -> str:
    """Streaming sha256 of a file, as `sha256:<hex>` (the record's content-hash form)."""
    return "sha256:" + sha256_hex(path)


@dataclass(frozen=True)
class Source:
    """The predictions a run is recorded from, as the record names them."""

    name: str           # e.g. "p.csv" or "3 Parquet shards in out"
    default_run: str    # run name when --name is not given, e.g. "p"
    content_hash: str   # e.g. "sha256:9f2c..."; for shards, the sha256 of their names and hashes
    n_shards: int | None  # None for one file, else e.g. 3


@dataclass(frozen=True)
class Analysed:
    """What `record` writes: the evaluation and what it was computed from."""

    source: Source
    class_names: list[str]
    class_counts: dict[str, int]
    evaluation: Evaluation
    preds: Predictions | None  # None when streamed (rows never held at once)


def _hash_of(files) -> str:
    lines = "".join(f"{f.path.name} {sha256_hex(f.path)}\n" for f in files)
    return "sha256:" + hashlib.sha256(lines.encode()).hexdigest()


def _shards_source(spec: Path, files) -> Source:
    kind = "Parquet" if files[0].path.suffix.lower() == ".parquet" else ".npz"
    folder = files[0].path.parent
    name = f"{len(files)} {kind} shard{'s' if len(files) > 1 else ''} in {folder.name or folder}"
    return Source(name=name, default_run=(Path(spec).name if Path(spec).is_dir() else folder.name) or "shards",
                  content_hash=_hash_of(files), n_shards=len(files))


def _tables_source(spec: Path, files: list[TableFile]) -> Source:
    """One Parquet file is named as a file; parts as "3 Parquet files in out" (hashed like shards)."""
    spec = Path(spec)
    if spec.is_file():
        return Source(name=spec.name, default_run=spec.name.split(".")[0] or "predictions",
                      content_hash=file_sha256(spec), n_shards=None)
    folder = files[0].path.parent
    name = f"{len(files)} Parquet file{'s' if len(files) > 1 else ''} in {folder.name or folder}"
    return Source(name=name, default_run=(spec.name if spec.is_dir() else folder.name) or "predictions",
                  content_hash=_hash_of(files), n_shards=len(files))


def _evaluated(preds: Predictions, n_resamples: int, seed: int, source: str) -> Evaluation:
    evaluation = evaluate_predictions(preds.y_true, preds.y_prob, preds.class_names, groups=preds.attributes or None,
                                      n_resamples=n_resamples, seed=seed)
    return replace(evaluation, source=source)


def analyse_predictions_file(predictions: Path, slices: Sequence[str] = (), *, normalize: bool = False,
                             n_resamples: int = 1000, seed: int = 0) -> tuple[Predictions, Evaluation]:
    """The analysis step of `record` for one CSV or .npz: its predictions and typed evaluation."""
    predictions = Path(predictions)
    preds = load_predictions_file(predictions, slices, normalize=normalize)
    return preds, _evaluated(preds, n_resamples, seed, f"predictions file {predictions.name}")


def analyse(predictions: Path, slices: Sequence[str] = (), *, normalize: bool = False, n_resamples: int = 1000,
            seed: int = 0, classes: Sequence[str] | None = None) -> Analysed:
    """Read and evaluate what `--predictions` names (one file, a set of shards, or a Parquet table's parts);
    `classes`: the class names `--classes` gives (Parquet only)."""
    paths = shard_paths(predictions)
    if paths is None:
        if classes:
            raise UserError("--classes names the classes of Parquet predictions; a CSV names them in its header and "
                            "an .npz in its class_names array")
        return _analyse_file(Path(predictions), slices, normalize=normalize, n_resamples=n_resamples, seed=seed)
    if all(p.suffix.lower() == ".parquet" for p in paths):
        layout = parquet_layout(paths)
        if layout != SHARD:
            files = table_set(paths, layout, classes, slices)
            return _analyse_tables(predictions, files, slices, normalize=normalize, n_resamples=n_resamples, seed=seed)
    files = shard_set(paths)
    names = list(files[0].class_names)
    if classes and list(classes) != names:
        raise UserError(f"--classes {','.join(classes)} disagrees with the shards' classes {','.join(names)}; "
                        "shards name their own classes, so leave --classes out")
    source = _shards_source(predictions, files)
    if files[0].path.suffix.lower() == ".npz":
        preds = merge_npz(files, slices, normalize=normalize)
        evaluation = _evaluated(preds, n_resamples, seed, f"predictions: {source.name}")
        return Analysed(source, names, class_counts(preds.y_true, names), evaluation, preds)
    if slices:
        raise UserError("--slice needs every row in memory; Parquet predictions are streamed without attribute "
                        "columns (record .npz shards or a CSV to slice)")
    streamed = stream_shards(files, normalize=normalize, n_resamples=n_resamples, seed=seed)
    return _streamed(source, names, streamed)


def _analyse_file(path: Path, slices: Sequence[str], *, normalize: bool, n_resamples: int, seed: int) -> Analysed:
    if path.suffix.lower() == ".npz" and path.is_file() and read_npz_header(path).shard.count > 1:
        raise UserError(f"{path.name} is shard {read_npz_header(path).shard} only; pass the folder holding "
                        "all the shards with --predictions")
    preds, evaluation = analyse_predictions_file(path, slices, normalize=normalize, n_resamples=n_resamples, seed=seed)
    source = Source(name=path.name, default_run=path.stem, content_hash=file_sha256(path), n_shards=None)
    return Analysed(source, list(preds.class_names), class_counts(preds.y_true, preds.class_names), evaluation, preds)


def _streamed(source: Source, names: list[str], streamed) -> Analysed:
    evaluation = replace(streamed.evaluation, source=f"predictions: {source.name} (streamed)")
    counts = {name: int(c) for name, c in zip(names, streamed.class_counts)}
    return Analysed(source, names, counts, evaluation, None)


def _analyse_tables(spec: Path, files: list[TableFile], slices: Sequence[str], *, normalize: bool, n_resamples: int,
                    seed: int) -> Analysed:
    """A wide or list Parquet table in parts: streamed, or in memory when `--slice` needs every row."""
    source = _tables_source(spec, files)
    names = list(files[0].class_names)
    if not slices:
        return _streamed(source, names, stream_tables(files, normalize=normalize, n_resamples=n_resamples, seed=seed))
    preds = load_tables(files, slices, normalize=normalize, batch_rows=batch_rows(len(names)))
    evaluation = _evaluated(preds, n_resamples, seed, f"predictions: {source.name}")
    return Analysed(source, names, class_counts(preds.y_true, names), evaluation, preds)


def _label_issues(analysed: Analysed, wanted: bool):
    """(entry, flagged) of the label issues, a not-measured entry when streamed, None when not wanted."""
    if not wanted:
        return None
    preds = analysed.preds
    if preds is None:
        return li.not_measured(analysed.evaluation.n_samples, li.TEST_METHOD, NOT_IN_MEMORY), []
    accuracy = analysed.evaluation.metrics.get("accuracy")  # predictions alone: no images, no thumbnails
    return li.from_predictions(preds.y_true, preds.y_prob, preds.class_names, preds.ids, accuracy)


def record_predictions(predictions: Path, runs_dir: Path, *, name: str | None = None,
                       slices: Sequence[str] = (), normalize: bool = False, n_resamples: int = 1000,
                       seed: int = 0, command_line: list[str] | None = None, label_issues: bool = True,
                       classes: Sequence[str] | None = None) -> Path:
    """Validate `predictions`, analyse them, and write a `complete` run; returns its folder."""
    analysed = analyse(predictions, slices, normalize=normalize, n_resamples=n_resamples, seed=seed, classes=classes)
    issues = _label_issues(analysed, label_issues)
    source = analysed.source
    config = {"predictions": str(predictions), "slices": list(slices), "normalize": normalize,
              "n_resamples": n_resamples, "seed": seed, "label_issues": "cleanlab" if label_issues else "none"}
    if source.n_shards is not None:
        config["shards"] = source.n_shards
    if classes:
        config["classes"] = list(classes)
    with open_run(runs_dir, name or source.default_run, "record", command_line=command_line, config=config) as run:
        run.set(data=Data.build(
            source=f"predictions:{source.name}",
            description=f"labelled predictions imported from {source.name}",
            license=None, root=None, class_names=analysed.class_names, content_hash=source.content_hash,
            n_files=None, split_method="given",
            splits={EVAL_SET: SplitSummary(n=int(sum(analysed.class_counts.values())),
                                           class_counts=analysed.class_counts)},
            skipped_files=[], duplicates=None))
        if analysed.preds is not None:
            run.add_predictions(EVAL_SET, analysed.preds)
        else:
            run.warn(f"the predictions were streamed from {source.name}: per-image predictions are not copied into "
                     "this run, intervals other than Wilson's come from a Poisson bootstrap, and label issues were "
                     "not computed")
        run.add_evaluation(EVAL_SET, analysed.evaluation)
        run.set(data_card=DataCardMeasurements(collected_by="record", errors=[]))
        if issues is not None:
            entry, flagged = issues
            run.set(label_issues={EVAL_SET: entry})
            if analysed.preds is not None:
                rows = {EVAL_SET: [li.suspect_row(f, analysed.class_names, analysed.preds.ids) for f in flagged]}
                atomic.write_text(run.path / li.CSV_FILE, li.csv_text(rows))
                run.add_artifact("label_issues", li.CSV_FILE)
        if normalize:
            run.warn("probability rows were rescaled to sum to 1 (--normalize)")
        run.save()
    return run.path
