"""Shard predictions files (`evaluate --shard K/N --shard-out FILE`) and the checks that merge them.

A shard file holds the predictions of one shard, rows sorted by id (the image's path relative
to the data folder), in either format:

- `.npz`: the arrays of `record.predictions` (`ids`, `y_true`, `y_prob`, `class_names`) plus
  `shard` ("K/N"). Merged in memory and put in id order: `record` then runs exactly as on one
  `.npz` of the same rows sorted by id.
- `.parquet`: columns `id` (string), `y_true` (int64 index into the class names) and `y_prob`
  (a list of float32, one per class), with the schema metadata `modelcard.shard` ("K/N") and
  `modelcard.class_names` (a JSON list). Read in row batches, so `record` streams it.

A set of shards is refused, with one line, when its files mix formats, declare different N,
miss a K or hold one twice, disagree on the class names, or hold an id twice (within a shard
or across shards). Parquet rows are checked as they stream: ids strictly increasing within a
file (a repeat is caught at once) and each id in the shard its hash names (so the same id can
never sit in two shards), which needs no memory of earlier rows.
"""

from __future__ import annotations

import glob
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from .. import atomic
from ..errors import UserError
from ..record.predictions import Predictions, write_predictions
from .shards import Shard, parse_shard, shard_index

FORMATS = (".npz", ".parquet")
SHARD_KEY, CLASSES_KEY = "modelcard.shard", "modelcard.class_names"
#: Probability cells per Parquet row group and per batch `record` reads (8 MB as float64).
BATCH_CELLS = 1 << 20


def batch_rows(n_classes: int) -> int:
    """Rows per Parquet batch (and row group): about `BATCH_CELLS` probabilities, at least 1,024
    rows, e.g. 10,485 rows of 100 classes."""
    return max(1024, BATCH_CELLS // max(1, n_classes))


@dataclass(frozen=True)
class ShardFile:
    """What one shard file declares, read without its rows (for Parquet)."""

    path: Path              # e.g. Path("shards/part-1.parquet")
    shard: Shard            # e.g. Shard(1, 3)
    class_names: list[str]  # e.g. ["cat", "dog"]
    n_rows: int             # e.g. 3334


@dataclass(frozen=True)
class Batch:
    """Consecutive rows of one Parquet shard, checked (probabilities, labels, ids)."""

    start: int            # row number of the first row in its file, 0-based
    ids: np.ndarray       # (m,) str
    y_true: np.ndarray    # (m,) int64
    y_prob: np.ndarray    # (m, k) float64


def sorted_by_id(preds: Predictions) -> Predictions:
    """The same predictions, rows in id order (how shard files are written)."""
    order = np.argsort(np.asarray(preds.ids, dtype=str), kind="stable")
    return Predictions(ids=np.asarray(preds.ids, dtype=str)[order], y_true=np.asarray(preds.y_true)[order],
                       y_prob=np.asarray(preds.y_prob)[order], class_names=list(preds.class_names),
                       attributes={k: np.asarray(v)[order] for k, v in preds.attributes.items()})


def write_shard(path: Path, preds: Predictions, shard: Shard) -> Path:
    """Atomically write one shard's predictions as `.npz` or `.parquet` (by the suffix of `path`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"--shard-out {path} must end in .npz or .parquet")
    preds = sorted_by_id(preds)
    if suffix == ".npz":
        write_predictions(path, preds, extra={"shard": np.asarray(str(shard))})
        return path
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(parquet_table(preds, shard), buffer, row_group_size=batch_rows(len(preds.class_names)))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(path, buffer.getvalue())
    return path


def parquet_table(preds: Predictions, shard: Shard):
    """The rows of a Parquet shard as a `pyarrow.Table` with its schema metadata (rows as given:
    a writer appending tables of one shard must give them in id order)."""
    import pyarrow as pa

    k = len(preds.class_names)
    probs = pa.FixedSizeListArray.from_arrays(pa.array(np.asarray(preds.y_prob, np.float32).ravel()), k)
    return pa.table({"id": pa.array(np.asarray(preds.ids, dtype=str).tolist(), pa.string()),
                     "y_true": pa.array(np.asarray(preds.y_true, np.int64)), "y_prob": probs},
                    metadata={SHARD_KEY: str(shard), CLASSES_KEY: json.dumps(list(preds.class_names))})


def shard_paths(spec: Path | str) -> list[Path] | None:
    """The shard files a `--predictions` value names (a folder, a glob, or one `.parquet`); None
    for a single `.csv`/`.npz`, which `record` reads as before."""
    text = str(spec)
    if any(c in text for c in "*?["):
        paths = [Path(p) for p in sorted(glob.glob(text)) if _is_part(Path(p))]
        where = f"the pattern {text}"
    elif Path(text).is_dir():
        paths = sorted(p for p in Path(text).iterdir() if _is_part(p))
        where = f"the folder {text}"
    elif Path(text).suffix.lower() == ".parquet":
        return [Path(text)] if Path(text).is_file() else _missing(text)
    else:
        return None
    if not paths and Path(text).is_dir() and any(p.is_dir() and "=" in p.name for p in Path(text).iterdir()):
        raise UserError(f"{text} holds partition folders (column=value/), which record does not read; write the "
                        "Parquet without partitionBy / partition_cols, one folder of part files")
    if not paths:
        raise UserError(f"no .npz or .parquet shard files in {where}; write shards with evaluate --shard K/N "
                        "--shard-out, or Parquet with a label column from any engine")
    return paths


def _is_part(path: Path) -> bool:
    """A predictions file of a folder or glob: `.npz` or `.parquet`, not hidden or `_`-marked (Spark's
    `_SUCCESS`, `.part-*.crc`, Dask's `_metadata` are skipped, as Spark and Hive skip them)."""
    return path.is_file() and path.suffix.lower() in FORMATS and not path.name.startswith(("_", "."))


def _missing(text: str):
    raise UserError(f"predictions file {text} does not exist; pass a CSV, .npz, .parquet or a folder of shards")


def _declared(path: Path, value, n_rows: int, class_names: list[str]) -> ShardFile:
    """A shard file's header; a file without a shard is the whole set (1/1)."""
    if value is None:
        return ShardFile(path, Shard(1, 1), class_names, n_rows)
    try:
        shard = parse_shard(str(value))
    except UserError:
        raise UserError(f"{path.name}: its shard {str(value)!r} is not K/N; write it with evaluate --shard K/N") from None
    return ShardFile(path, shard, class_names, n_rows)


def read_npz_header(path: Path) -> ShardFile:
    """Shard, class names and row count of an `.npz` shard (arrays read lazily, never unpickled)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            if "class_names" not in npz.files or "y_true" not in npz.files:
                raise UserError(f"{path.name}: missing array class_names or y_true; an .npz shard needs ids, "
                                "y_true, y_prob, class_names and shard")
            shard = str(npz["shard"]) if "shard" in npz.files else None
            return _declared(path, shard, len(np.atleast_1d(npz["y_true"])),
                             [str(c) for c in np.atleast_1d(npz["class_names"])])
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise UserError(f"cannot read {path.name} as an .npz (object arrays are refused): {exc}") from None


def _parquet(path: Path):
    import pyarrow.lib
    import pyarrow.parquet as pq

    try:  # no pre-buffering: it reads whole column chunks ahead, and memory would grow with the file
        return pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
    except (OSError, pyarrow.lib.ArrowException) as exc:
        raise UserError(f"cannot read {path.name} as Parquet: {str(exc).splitlines()[0][:200]}") from None


def read_parquet_header(path: Path) -> ShardFile:
    """Shard, class names and row count of a Parquet shard, from its footer only."""
    pf = _parquet(path)
    meta = {k.decode(): v.decode() for k, v in (pf.schema_arrow.metadata or {}).items()}
    missing = [c for c in ("id", "y_true", "y_prob") if c not in pf.schema_arrow.names]
    if missing or CLASSES_KEY not in meta:
        lacks = ", ".join(missing + ([] if CLASSES_KEY in meta else [f"the {CLASSES_KEY} metadata"]))
        raise UserError(f"{path.name}: lacks {lacks}; a Parquet shard needs columns id, y_true, y_prob and the "
                        f"metadata {CLASSES_KEY} (write it with evaluate --shard K/N --shard-out FILE.parquet)")
    try:
        class_names = [str(c) for c in json.loads(meta[CLASSES_KEY])]
    except (ValueError, TypeError):
        raise UserError(f"{path.name}: its {CLASSES_KEY} metadata is not a JSON list of names") from None
    return _declared(path, meta.get(SHARD_KEY), pf.metadata.num_rows, class_names)


def shard_set(paths: list[Path]) -> list[ShardFile]:
    """The headers of a complete, consistent set of shards, in K order; one `UserError` line otherwise."""
    formats = sorted({p.suffix.lower() for p in paths})
    if len(formats) > 1:
        raise UserError(f"the shards mix {' and '.join(formats)} files; merge shards of one format")
    read = read_npz_header if formats == [".npz"] else read_parquet_header
    files = [read(p) for p in paths]
    counts = sorted({f.shard.count for f in files})
    if len(counts) > 1:
        raise UserError(f"the shards declare different totals ({', '.join(f'N={n}' for n in counts)}); "
                        "merge the shards of one evaluate --shard K/N run")
    by_index: dict[int, ShardFile] = {}
    for f in files:
        if f.shard.index in by_index:
            raise UserError(f"shards overlap: {by_index[f.shard.index].path.name} and {f.path.name} are both "
                            f"shard {f.shard}; keep one of them")
        by_index[f.shard.index] = f
    n = counts[0]
    absent = [str(k) for k in range(1, n + 1) if k not in by_index]
    if absent:
        raise UserError(f"shards missing: {len(absent)} of {n} absent (K = {', '.join(absent[:10])}"
                        f"{', ...' if len(absent) > 10 else ''}); run evaluate --shard K/{n} for them too")
    first = by_index[1]
    for f in files:
        if f.class_names != first.class_names:
            raise UserError(f"shards disagree on the classes: {f.path.name} has {_names(f.class_names)}, "
                            f"{first.path.name} has {_names(first.class_names)}; merge shards of one model")
    return [by_index[k] for k in sorted(by_index)]


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    return f"{len(names)} ({shown})"


def check_ids(ids: np.ndarray, shard: Shard, where: str, previous: str | None) -> str | None:
    """Refuse ids out of order, repeated, or belonging to another shard; returns the last id.

    `previous`: the last id of the rows before these in the same file (None at the start).
    """
    ids = np.asarray(ids, dtype=str)
    if ids.size == 0:
        return previous
    chained = ids if previous is None else np.concatenate([[previous], ids])
    step = np.flatnonzero(chained[1:] <= chained[:-1])
    if step.size:
        i = int(step[0])
        if chained[i + 1] == chained[i]:
            raise UserError(f"shards overlap: id {str(chained[i])!r} appears twice in {where}; each image must be "
                            "predicted once")
        raise UserError(f"{where}: ids are not sorted ({str(chained[i + 1])!r} after {str(chained[i])!r}); write shards "
                        "with evaluate --shard, which sorts them")
    if shard.count > 1:
        for item in ids:
            owner = shard_index(item, shard.count)
            if owner != shard.index:
                raise UserError(f"shards overlap: id {str(item)!r} is in {where} (shard {shard}) but belongs to shard "
                                f"{owner}/{shard.count} (sha256 of the id modulo N); write shards with evaluate --shard")
    return str(ids[-1])


def _columns(record_batch, k: int, rows: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, y_true, y_prob (m, k)) of one record batch; `rows` names them in messages."""
    import pyarrow.compute as pc

    ids_col, true_col, prob_col = (record_batch.column(i) for i in range(3))
    m = record_batch.num_rows
    if ids_col.null_count or true_col.null_count or prob_col.null_count:
        raise UserError(f"{rows}: empty cells; every row needs id, y_true and y_prob")
    try:
        lengths = np.asarray(pc.list_value_length(prob_col).to_numpy(zero_copy_only=False))
        probs = np.asarray(prob_col.flatten().to_numpy(zero_copy_only=False), dtype=np.float64)
        y_true = np.asarray(true_col.to_numpy(zero_copy_only=False))
    except (AttributeError, TypeError, ValueError, NotImplementedError) as exc:
        raise UserError(f"{rows}: y_prob must be a list of numbers and y_true an integer ({str(exc)[:160]})") from None
    if (lengths != k).any() or probs.size != m * k or y_true.dtype.kind not in "iu":
        raise UserError(f"{rows}: every row needs {k} probabilities in y_prob (one per class) and an integer y_true")
    bad = np.flatnonzero((y_true < 0) | (y_true >= k))
    if bad.size:
        raise UserError(f"{rows}: row {bad[0] + 1} of them has y_true {int(y_true[bad[0]])}, outside 0..{k - 1}")
    return np.asarray(ids_col.to_pylist(), dtype=str), y_true.astype(np.int64), probs.reshape(m, k)


def parquet_batches(f: ShardFile, batch_rows: int) -> Iterator[Batch]:
    """The rows of one Parquet shard in batches of at most `batch_rows`, ids and labels checked."""
    k = len(f.class_names)
    start, previous = 0, None
    reader = _parquet(f.path)
    for record_batch in reader.iter_batches(batch_size=batch_rows, columns=["id", "y_true", "y_prob"], use_threads=False):
        m = record_batch.num_rows
        ids, y_true, probs = _columns(record_batch, k, f"{f.path.name}, rows {start + 1}-{start + m}")
        previous = check_ids(ids, f.shard, f.path.name, previous)
        yield Batch(start=start, ids=ids, y_true=y_true, y_prob=probs)
        start += m


def merge_npz(files: list[ShardFile], slices=(), *, normalize: bool = False) -> Predictions:
    """The `.npz` shards of `shard_set` as one set of predictions in id order (so any number of
    shards of the same images gives the same record); an id held twice is refused."""
    from .predictions_file import load_predictions_file

    parts = [load_predictions_file(f.path, slices, normalize=normalize) for f in files if f.n_rows]
    if not parts:
        raise UserError(f"the {len(files)} shards hold no predictions; evaluate a folder with images")
    ids = np.concatenate([p.ids for p in parts])
    owner = np.concatenate([np.full(len(p.ids), i) for i, p in enumerate(parts)])
    order = np.argsort(ids, kind="stable")
    repeated = np.flatnonzero(ids[order][1:] == ids[order][:-1])
    if repeated.size:
        a, b = order[repeated[0]], order[repeated[0] + 1]
        where = (f"twice in {files[owner[a]].path.name}" if owner[a] == owner[b]
                 else f"in {files[owner[a]].path.name} and {files[owner[b]].path.name}")
        raise UserError(f"shards overlap: id {str(ids[a])!r} appears {where}; each image must be predicted once")
    return sorted_by_id(Predictions(
        ids=ids, y_true=np.concatenate([p.y_true for p in parts]), y_prob=np.concatenate([p.y_prob for p in parts]),
        class_names=list(files[0].class_names),
        attributes={s: np.concatenate([p.attributes[s] for p in parts]) for s in slices}))
