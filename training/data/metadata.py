"""`--metadata meta.csv`: per-image attributes a person knows (camera, site, annotator, ...).

The CSV has a `path` column (relative to the data root, POSIX or Windows separators, an
optional leading `./`) plus any attribute columns; each attribute column becomes a slice
analysed like the measured ones. Read strictly and early, before any run folder exists:

* missing, unreadable or empty file, no header, no `path` column, no attribute column, a path
  listed twice, or a column named like a measured slice: one-line `UserError` (exit 2);
* a data file that the CSV does not list: its group is `(missing)` in every column;
* a CSV path that is not in the data: counted, and the run carries one warning with the count.

No TensorFlow and no pandas here: the standard `csv` module reads it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from modelcard.errors import UserError, read_user_text

PATH_COLUMN = "path"
MISSING = "(missing)"
BLANK = "(blank)"
# Columns the run measures itself; a metadata column may not shadow one of them.
RESERVED = ("resolution", "orientation", "brightness", "contrast", "colour", "aspect", "subfolder")


@dataclass(frozen=True)
class Metadata:
    """The parsed CSV: attribute column names and, per normalised path, one value per column."""

    source: str                          # e.g. "meta.csv"
    columns: list[str]                   # e.g. ["camera", "site"]
    rows: dict[str, tuple[str, ...]]     # e.g. {"birds/owl.png": ("phone", "north")}

    def attributes(self, relpaths: Sequence[str]) -> dict[str, np.ndarray]:
        """{column: one group per sample}; files the CSV does not list are `(missing)`."""
        looked_up = [self.rows.get(p) for p in relpaths]
        return {column: np.asarray([MISSING if row is None else row[k] for row in looked_up], dtype=str)
                for k, column in enumerate(self.columns)}

    def unmatched(self, relpaths: Iterable[str]) -> int:
        """How many CSV paths are not among `relpaths` (the files of the data)."""
        return len(set(self.rows) - set(relpaths))


def normalise_path(path: str) -> str:
    path = path.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def load_metadata(path: str | Path) -> Metadata:
    """Read and check `--metadata` (see the module docstring for the rules)."""
    path = Path(path)
    text = read_user_text(path, f"--metadata file {path} does not exist; pass a CSV with a `path` column")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise UserError(f"--metadata file {path} is empty; give a header row `path,<attribute>,...` and one row per image")
    header = [h.strip() for h in rows[0]]
    if PATH_COLUMN not in header:
        raise UserError(f"--metadata file {path} has no `{PATH_COLUMN}` column (header: {', '.join(header) or 'empty'}); "
                        f"add one with each image's path relative to the data root")
    columns = [h for h in header if h != PATH_COLUMN]
    if not columns or any(not h for h in columns):
        raise UserError(f"--metadata file {path} needs named attribute columns besides `{PATH_COLUMN}`; "
                        "add e.g. a `camera` column (no empty header cells)")
    if len(set(header)) != len(header):
        raise UserError(f"--metadata file {path} repeats a column name; give every column its own name")
    shadowed = sorted(set(columns) & set(RESERVED))
    if shadowed:
        raise UserError(f"--metadata column(s) {', '.join(shadowed)} clash with slices modelcard measures itself; rename them")
    if len(rows) == 1:
        raise UserError(f"--metadata file {path} has a header but no rows; add one row per image")
    where = header.index(PATH_COLUMN)
    others = [k for k, h in enumerate(header) if h != PATH_COLUMN]
    table: dict[str, tuple[str, ...]] = {}
    for line, row in enumerate(rows[1:], start=2):
        row = row + [""] * (len(header) - len(row))
        key = normalise_path(row[where])
        if not key:
            raise UserError(f"--metadata file {path}, row {line}: the `{PATH_COLUMN}` cell is empty; fill it or delete the row")
        if key in table:
            raise UserError(f"--metadata file {path}, row {line}: path {key!r} is listed twice; keep one row per image")
        table[key] = tuple(row[k].strip() or BLANK for k in others)
    return Metadata(str(path), columns, table)


def unmatched_warning(metadata: Metadata | None, datasets: Iterable) -> str | None:
    """The run's warning when CSV rows name files that are in none of `datasets` (each a
    `Dataset`, every split counted); None without metadata or when every row matches."""
    if metadata is None:
        return None
    n = metadata.unmatched(s.relpath for ds in datasets for split in ds.splits.values() for s in split)
    if not n:
        return None
    return (f"{n} path(s) in --metadata {Path(metadata.source).name} are not in the data and were ignored; "
            "paths must be relative to the data root")
