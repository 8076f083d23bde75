"""Parquet predictions written by any engine (pandas, pyarrow, Spark, Dask), in row batches.

A Parquet file's layout is told from its footer (its schema), never from its name:

- `shard`: columns `id`, `y_true`, `y_prob` and the metadata `modelcard.class_names`, written by
  `evaluate --shard K/N` (read by `shard_files.py`).
- `wide`: the CSV's layout as columns: `label` (the true class name), an optional `id`, the
  `--slice` columns, and one probability column per class headed by the class name. Every other
  column is a class column unless `--classes` names the class columns (then the rest are
  ignored). pandas' index columns (`__index_level_0__`) are ignored.
- `list`: `label`, an optional `id`, the `--slice` columns and `y_prob`, a list of one probability
  per class in each row. The class names, in the lists' order, come from `--classes` (or
  `--classes-file`), else from the schema metadata `modelcard.class_names` (a JSON list).

A set of files (the parts an engine writes) must share one layout and one list of classes.
Rows are checked as they stream: a label that is not a class, an empty cell, a list of the wrong
length; ids repeated within or across parts are found from a 64-bit hash per row (8 bytes a row,
never the ids themselves), and a repeated hash is confirmed by a second read of the ids only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from ..errors import UserError
from .predictions_file import RESERVED, _check_class_count
from .shard_files import CLASSES_KEY, _parquet

WIDE, LIST, SHARD = "wide", "list", "shard"
LAYOUTS = {WIDE: "wide (label + one column per class)", LIST: "list (label + a y_prob list column)",
           SHARD: "shard (evaluate --shard: id, y_true, y_prob)"}
PANDAS_INDEX = "__index_level_"


@dataclass(frozen=True)
class TableFile:
    """What one wide or list Parquet file declares, read from its footer."""

    path: Path              # e.g. Path("out/part-00000-1b2c.snappy.parquet")
    layout: str             # WIDE or LIST
    class_names: list[str]  # e.g. ["cat", "dog"]
    n_rows: int             # e.g. 3334
    has_id: bool            # whether it has an `id` column


@dataclass(frozen=True)
class TableBatch:
    """Consecutive rows of one file, checked (labels, cells, list lengths); probabilities not yet."""

    start: int                 # 0-based row of its first row in its file
    ids: np.ndarray | None     # (m,) str, None without an `id` column
    y_true: np.ndarray         # (m,) int64
    y_prob: np.ndarray         # (m, k) float64
    attributes: dict[str, np.ndarray] = field(default_factory=dict)  # the --slice columns as str


def _schema(path: Path):
    pf = _parquet(path)
    return pf, pf.schema_arrow


def layout_of(path: Path) -> str:
    """WIDE, LIST or SHARD, from the footer of the Parquet file `path`; one line if it is none."""
    import pyarrow as pa

    _, schema = _schema(path)
    names = schema.names
    if "label" in names:
        prob = schema.field("y_prob").type if "y_prob" in names else None
        is_list = prob is not None and (pa.types.is_list(prob) or pa.types.is_large_list(prob)
                                        or pa.types.is_fixed_size_list(prob))
        return LIST if is_list else WIDE
    if "y_true" in names or "y_prob" in names:
        return SHARD
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    raise UserError(f"{path.name}: no `label` column (the true class name); Parquet predictions need `label` and one "
                    f"probability column per class (or a y_prob list column with --classes), or are shards of "
                    f"evaluate --shard; columns are: {shown}")


def parquet_layout(paths: list[Path]) -> str:
    """The one layout of all `paths`; a set mixing layouts is refused naming one file of each."""
    seen: dict[str, Path] = {}
    for path in paths:
        seen.setdefault(layout_of(path), path)
    if len(seen) > 1:
        parts = " and ".join(f"{p.name} is {LAYOUTS[k]}" for k, p in seen.items())
        raise UserError(f"the Parquet files mix layouts: {parts}; record files of one layout together")
    return next(iter(seen))


def _metadata_classes(path: Path, schema) -> list[str] | None:
    meta = {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}
    if CLASSES_KEY not in meta:
        return None
    try:
        return [str(c) for c in json.loads(meta[CLASSES_KEY])]
    except (ValueError, TypeError):
        raise UserError(f"{path.name}: its {CLASSES_KEY} metadata is not a JSON list of names") from None


def _wide_classes(path: Path, schema, classes: Sequence[str] | None, slices: Sequence[str]) -> list[str]:
    import pyarrow as pa

    names = schema.names
    if classes:
        missing = [c for c in classes if c not in names]
        if missing:
            raise UserError(f"{path.name}: lacks the class column(s) {', '.join(missing)} that --classes names; "
                            f"columns are: {', '.join(names)}")
        columns = list(classes)
    else:
        columns = [n for n in names if n not in RESERVED and n not in slices and not n.startswith(PANDAS_INDEX)]
    for name in columns:
        kind = schema.field(name).type
        if not (pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind)):
            raise UserError(f"{path.name}: column {name!r} holds {kind}, not probabilities; every column besides id, "
                            "label and the --slice columns is a class column (name the class columns with --classes "
                            "to ignore the others)")
    return columns


def read_table_header(path: Path, layout: str, classes: Sequence[str] | None, slices: Sequence[str]) -> TableFile:
    """The `TableFile` of one wide or list file: its class names checked, from its footer only."""
    pf, schema = _schema(path)
    names = schema.names
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UserError(f"{path.name}: duplicate column(s) {', '.join(dupes)}; each column name must be unique")
    missing = [s for s in slices if s not in names]
    if missing:
        raise UserError(f"{path.name}: --slice column(s) {', '.join(missing)} not found; columns are: {', '.join(names)}")
    if layout == WIDE:
        class_names = _wide_classes(path, schema, classes, slices)
    else:
        class_names = list(classes) if classes else _metadata_classes(path, schema)
        if not class_names:
            raise UserError(f"{path.name}: y_prob is a list column, so its classes need names: pass --classes "
                            "a,b,c or --classes-file FILE (in the order of the lists)")
    _check_class_count(class_names, path.name)
    return TableFile(path, layout, class_names, pf.metadata.num_rows, "id" in names)


def table_set(paths: list[Path], layout: str, classes: Sequence[str] | None, slices: Sequence[str]) -> list[TableFile]:
    """The headers of the parts of one table, in name order; parts that disagree on the classes are refused."""
    files = [read_table_header(p, layout, classes, slices) for p in paths]
    first = files[0]
    for f in files[1:]:
        if f.class_names != first.class_names:
            only_first = [c for c in first.class_names if c not in f.class_names]
            only_here = [c for c in f.class_names if c not in first.class_names]
            what = (f"{f.path.name} lacks class column(s) {', '.join(only_first)} that {first.path.name} has"
                    if only_first else
                    f"{first.path.name} lacks class column(s) {', '.join(only_here)} that {f.path.name} has"
                    if only_here else f"{f.path.name} has them in another order than {first.path.name}")
            raise UserError(f"the Parquet parts disagree on the classes: {what}; write every part from one table")
        if f.has_id != first.has_id:
            raise UserError(f"the Parquet parts disagree: {first.path.name} {'has' if first.has_id else 'has no'} "
                            f"`id` column and {f.path.name} {'has' if f.has_id else 'has no'}; write every part "
                            "from one table")
    return files


def _probabilities(record_batch, f: TableFile, rows: str) -> np.ndarray:
    """The (m, k) float64 probabilities of a batch of wide or list rows; empty cells and bad lists refused."""
    import pyarrow.compute as pc

    k, m = len(f.class_names), record_batch.num_rows
    if f.layout == WIDE:
        columns = [record_batch.column(name) for name in f.class_names]
        empty = [name for name, col in zip(f.class_names, columns) if col.null_count]
        if empty:
            raise UserError(f"{rows}: empty cells in column {empty[0]!r}; every row needs a probability per class")
        return np.column_stack([np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64) for col in columns]) \
            if m else np.empty((0, k))
    col = record_batch.column("y_prob")
    try:
        lengths = np.asarray(pc.list_value_length(col).to_numpy(zero_copy_only=False))
        values = col.flatten()
        probs = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    except (AttributeError, TypeError, ValueError, NotImplementedError) as exc:
        raise UserError(f"{rows}: y_prob must be a list of numbers ({str(exc)[:160]})") from None
    if col.null_count or values.null_count:
        raise UserError(f"{rows}: empty cells in y_prob; every row needs a list of {k} probabilities")
    bad = np.flatnonzero(lengths != k)
    if bad.size:
        raise UserError(f"{rows}: row {bad[0] + 1} of them has {int(lengths[bad[0]])} probabilities in y_prob, "
                        f"not {k} (one per class: {', '.join(f.class_names[:6])}{', ...' if k > 6 else ''})")
    return probs.reshape(m, k)


def _labels(record_batch, class_names: list[str], rows: str) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    col = record_batch.column("label")
    if col.null_count:
        raise UserError(f"{rows}: empty cells in `label`; every row needs its true class name")
    text = pc.utf8_trim_whitespace(col.cast(pa.string()))
    index = pc.index_in(text, value_set=pa.array(class_names, pa.string()))
    if index.null_count:
        r = int(np.flatnonzero(np.asarray(index.is_null().to_numpy(zero_copy_only=False)))[0])
        raise UserError(f"{rows}: row {r + 1} of them has label {text[r].as_py()!r}, which is not one of the "
                        f"{len(class_names)} classes; labels must be class names")
    return np.asarray(index.to_numpy(zero_copy_only=False), dtype=np.int64)


def table_batches(f: TableFile, batch_rows: int, slices: Sequence[str] = ()) -> Iterator[TableBatch]:
    """The rows of one wide or list file in batches of at most `batch_rows`, labels and cells checked."""
    import pyarrow.lib

    columns = (["id"] if f.has_id else []) + ["label"] + (list(f.class_names) if f.layout == WIDE else ["y_prob"])
    columns += [s for s in slices if s not in columns]
    start = 0
    try:
        for record_batch in _parquet(f.path).iter_batches(batch_size=batch_rows, columns=columns, use_threads=False):
            m = record_batch.num_rows
            rows = f"{f.path.name}, rows {start + 1}-{start + m}"
            if f.has_id and record_batch.column("id").null_count:
                raise UserError(f"{rows}: empty cells in `id`; give every row an id or drop the column")
            ids = np.asarray(record_batch.column("id").cast("string").to_pylist(), dtype=str) if f.has_id else None
            attributes = {s: np.asarray(record_batch.column(s).cast("string").to_pylist(), dtype=str) for s in slices}
            probs = _probabilities(record_batch, f, rows)
            yield TableBatch(start=start, ids=ids, y_true=_labels(record_batch, f.class_names, rows), y_prob=probs,
                             attributes=attributes)
            start += m
    except pyarrow.lib.ArrowException as exc:
        raise UserError(f"cannot read {f.path.name} as Parquet: {str(exc).splitlines()[0][:200]}") from None


class SeenIds:
    """Ids of every row streamed so far as 64-bit hashes; `check` refuses an id held twice."""

    def __init__(self) -> None:
        self.hashes: list[np.ndarray] = []

    def add(self, ids: np.ndarray | None) -> None:
        if ids is not None and len(ids):
            self.hashes.append(np.fromiter(map(hash, ids.tolist()), dtype=np.int64, count=len(ids)))

    def check(self, files: list[TableFile], batch_rows: int) -> None:
        """Refuse the first repeated id (a repeated hash is confirmed by reading the ids again)."""
        if not self.hashes:
            return
        hashes = np.sort(np.concatenate(self.hashes))
        repeated = set(hashes[1:][hashes[1:] == hashes[:-1]].tolist())
        if not repeated:
            return
        where: dict[str, list[str]] = {}
        for f in files:
            for record_batch in _parquet(f.path).iter_batches(batch_size=batch_rows, columns=["id"], use_threads=False):
                for item in record_batch.column("id").cast("string").to_pylist():
                    if hash(item) in repeated:
                        where.setdefault(item, []).append(f.path.name)
        for item, names in where.items():
            if len(names) > 1:
                place = f"twice in {names[0]}" if names[0] == names[1] else f"in {names[0]} and {names[1]}"
                raise UserError(f"id {item!r} appears {place}; each example must be predicted once (drop the "
                                "duplicate rows or the duplicate part file)")


def load_tables(files: list[TableFile], slices: Sequence[str], *, normalize: bool, batch_rows: int):
    """Every row of the parts in memory, as `Predictions` (for `--slice`, which needs them all at once)."""
    from ..record.predictions import Predictions
    from .predictions_file import check_probabilities

    names = list(files[0].class_names)
    batches = [(f, b) for f in files for b in table_batches(f, batch_rows, slices)]
    if not sum(len(b.y_true) for _, b in batches):
        raise UserError(f"the {len(files)} Parquet file(s) hold no predictions")
    where = files[0].path.name if len(files) == 1 else f"the {len(files)} Parquet files (rows counted in name order)"
    probs = check_probabilities(np.concatenate([b.y_prob for _, b in batches]), names, normalize=normalize, where=where)
    n = len(probs)
    if files[0].has_id:
        ids = np.concatenate([b.ids for _, b in batches])
        seen = SeenIds()
        seen.add(ids)
        seen.check(files, batch_rows)
    else:
        ids = np.asarray([f"row-{i + 1}" for i in range(n)])
    return Predictions(ids=ids, y_true=np.concatenate([b.y_true for _, b in batches]), y_prob=probs,
                       class_names=names,
                       attributes={s: np.concatenate([b.attributes[s] for _, b in batches]) for s in slices})
