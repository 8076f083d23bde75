"""Parse predictions made by any framework (CSV or .npz) into validated `Predictions`.

This is what lets `modelcard record` write a card for a model trained anywhere, and what the
card side is tested with, without TensorFlow. Every rejection names the row or column so the
user can fix the file.

CSV layout: a `label` column (the true class name), an optional `id` column, the `--slice`
columns (attributes), and one column per class holding that class's probability, headed by
the class name. NPZ layout: `y_prob` (n x k), `y_true` (class indices or names),
`class_names`, optional `ids` and `attr__<column>` / the `--slice` names as arrays.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import UserError
from ..record.predictions import ATTR_PREFIX, Predictions

SUM_TOLERANCE = 1e-3
RESERVED = ("label", "id")


def load_predictions_file(path: Path, slices: Sequence[str] = (), *, normalize: bool = False) -> Predictions:
    """Read and check a CSV or .npz predictions file; raise a one-line `UserError` if bad."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"predictions file {path} does not exist; pass a CSV or .npz with --predictions")
    if path.suffix.lower() == ".npz":
        ids, labels, probs, class_names, attributes = _read_npz(path, slices)
    else:
        ids, labels, probs, class_names, attributes = _read_csv(path, slices)
    probs = check_probabilities(probs, class_names, normalize=normalize, where=path.name)
    y_true = _label_indices(labels, class_names, where=path.name)
    return Predictions(ids=ids, y_true=y_true, y_prob=probs, class_names=class_names, attributes=attributes)


def _read_csv(path: Path, slices: Sequence[str]):
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"cannot read {path.name} as a UTF-8 CSV: {exc}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise UserError(f"{path.name} is empty; it needs a header row with `label` and one column per class")
    header = [h.strip() for h in rows[0]]
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise UserError(f"{path.name}: duplicate column(s) {', '.join(dupes)}; each column name must be unique")
    if "label" not in header:
        raise UserError(f"{path.name}: no `label` column (the true class name); columns are: {', '.join(header)}")
    missing = [s for s in slices if s not in header]
    if missing:
        raise UserError(f"{path.name}: --slice column(s) {', '.join(missing)} not found; columns are: {', '.join(header)}")
    class_cols = [i for i, h in enumerate(header) if h not in RESERVED and h not in slices]
    class_names = [header[i] for i in class_cols]
    _check_class_count(class_names, path.name)
    body = rows[1:]
    if not body:
        raise UserError(f"{path.name} has a header but no rows of predictions")
    probs = np.empty((len(body), len(class_cols)), dtype=np.float64)
    for r, row in enumerate(body):
        line = r + 2
        if len(row) != len(header):
            raise UserError(f"{path.name}: row {r + 1} (line {line}) has {len(row)} cells, the header has {len(header)}")
        for j, col in enumerate(class_cols):
            try:
                probs[r, j] = float(row[col])
            except ValueError:
                raise UserError(f"{path.name}: row {r + 1} (line {line}), column {header[col]!r}: "
                                f"{row[col]!r} is not a number") from None
    col = {h: i for i, h in enumerate(header)}
    labels = [row[col["label"]].strip() for row in body]
    ids = np.asarray([row[col["id"]] for row in body] if "id" in col else [f"row-{i + 1}" for i in range(len(body))], dtype=str)
    attributes = {s: np.asarray([row[col[s]] for row in body], dtype=str) for s in slices}
    return ids, labels, probs, class_names, attributes


def _read_npz(path: Path, slices: Sequence[str]):
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise UserError(f"cannot read {path.name} as an .npz (object arrays are refused): {exc}") from None
    for key in ("y_prob", "y_true", "class_names"):
        if key not in arrays:
            raise UserError(f"{path.name}: missing array {key!r}; an .npz needs y_prob, y_true and class_names")
    probs = np.asarray(arrays["y_prob"], dtype=np.float64)
    class_names = [str(c) for c in np.atleast_1d(arrays["class_names"])]
    _check_class_count(class_names, path.name)
    if probs.ndim != 2 or probs.shape[1] != len(class_names):
        raise UserError(f"{path.name}: y_prob has shape {probs.shape}; expected (n, {len(class_names)}) for "
                        f"{len(class_names)} class_names")
    if probs.shape[0] == 0:
        raise UserError(f"{path.name} holds no predictions (y_prob has 0 rows)")
    n = probs.shape[0]
    y_true = np.atleast_1d(arrays["y_true"])
    if len(y_true) != n:
        raise UserError(f"{path.name}: y_true has {len(y_true)} entries but y_prob has {n} rows")
    labels = [class_names[int(v)] if 0 <= int(v) < len(class_names) else f"<index {int(v)}>" for v in y_true] \
        if np.issubdtype(y_true.dtype, np.integer) else [str(v) for v in y_true]
    ids = np.asarray(arrays["ids"], dtype=str) if "ids" in arrays else np.asarray([f"row-{i + 1}" for i in range(n)])
    attributes = {}
    for s in slices:
        values = arrays.get(ATTR_PREFIX + s, arrays.get(s))
        if values is None:
            raise UserError(f"{path.name}: --slice {s!r} has no array named {s!r} or {ATTR_PREFIX + s!r}")
        if len(values) != n:
            raise UserError(f"{path.name}: slice array {s!r} has {len(values)} entries for {n} rows")
        attributes[s] = np.asarray(values, dtype=str)
    return ids, labels, probs, class_names, attributes


def _check_class_count(class_names: list[str], where: str) -> None:
    if len(class_names) < 2:
        raise UserError(f"{where}: found {len(class_names)} class column(s) ({', '.join(class_names) or 'none'}); "
                        "a classifier needs at least 2 classes")
    blank = [c for c in class_names if not c.strip()]
    if blank:
        raise UserError(f"{where}: a class column has an empty name; give every probability column a class name")


def check_probabilities(probs: np.ndarray, class_names: list[str], *, normalize: bool, where: str) -> np.ndarray:
    """Refuse NaN/negative/infinite probabilities and rows not summing to 1 (unless normalising)."""
    bad = ~np.isfinite(probs)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise UserError(f"{where}: row {r + 1}, column {class_names[c]!r} is {probs[r, c]}; probabilities must be finite numbers")
    neg = probs < 0
    if neg.any():
        r, c = np.argwhere(neg)[0]
        raise UserError(f"{where}: row {r + 1}, column {class_names[c]!r} is negative ({probs[r, c]:g}); probabilities must be >= 0")
    sums = probs.sum(axis=1)
    if normalize:
        zero = np.flatnonzero(sums <= 0)
        if zero.size:
            raise UserError(f"{where}: row {zero[0] + 1} sums to 0 and cannot be normalised")
        return probs / sums[:, None]
    off = np.flatnonzero(np.abs(sums - 1.0) > SUM_TOLERANCE)
    if off.size:
        r = off[0]
        raise UserError(f"{where}: row {r + 1} sums to {sums[r]:.6g}, not 1 (tolerance {SUM_TOLERANCE:g}); "
                        f"fix the file or pass --normalize to rescale rows")
    return probs


def _label_indices(labels: list[str], class_names: list[str], where: str) -> np.ndarray:
    index = {name: i for i, name in enumerate(class_names)}
    out = np.empty(len(labels), dtype=np.int64)
    for r, label in enumerate(labels):
        if label not in index:
            raise UserError(f"{where}: row {r + 1} has label {label!r}, which is not one of the "
                            f"{len(class_names)} class columns; labels must be class names")
        out[r] = index[label]
    return out


def class_counts(y_true: np.ndarray, class_names: list[str]) -> dict[str, int]:
    """Number of samples per class name, every class present (zero when absent)."""
    counts = np.bincount(y_true, minlength=len(class_names))
    return {name: int(counts[i]) for i, name in enumerate(class_names)}


