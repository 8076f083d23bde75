"""`data_files.csv`: the exact files a run used (run record 1.3, `artifacts.data_files`).

One row per image of the run's splits (`data.splits`, under `data.root`), sorted by path:

    path,class,split,sha256,bytes
    animals/birds/robin.png,birds,train,9f2c…,48213

`path` is POSIX and relative to `data.root`; `sha256` is the hex sha256 of the file's bytes, the
one the scan already computed for `data.content_hash`; `bytes` its size. Training writes it with
`RunWriter.write_artifact`, so `artifacts_sha256` holds the manifest's own sha256 and a reader
can verify every file: the manifest against the record, each file against the manifest. Extra
`--eval-set` folders are not listed (they have their own roots).

The Croissant FileSet lists exactly these paths (`datacard/croissant.py`); `read_data_files`
gives them to the card build.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .model import RunRecord

DATA_FILES_CSV = "data_files.csv"
ARTIFACT_KEY = "data_files"  # its key in `artifacts`
COLUMNS = ("path", "class", "split", "sha256", "bytes")


@dataclass(frozen=True)
class DataFile:
    """One row of `data_files.csv`: a file the run used."""

    path: str        # relative to data.root, POSIX, e.g. "animals/birds/robin.png"
    class_name: str  # its class, e.g. "birds"
    split: str       # the split it was in, e.g. "train"
    sha256: str      # hex sha256 of its bytes, e.g. "9f2c4e…"
    bytes: int       # its size, e.g. 48213


@dataclass(frozen=True)
class DataFiles:
    """The manifest a record names, as the card build found it in the run folder."""

    file: str                 # run-relative, e.g. "data_files.csv"
    sha256: str | None        # its sha256 in `artifacts_sha256`, e.g. "41ab…"; None when not recorded
    paths: tuple[str, ...]    # every file's path, sorted, e.g. ("animals/birds/robin.png", ...)
    problem: str | None = None  # why no path could be read, e.g. "data_files.csv is missing from the run folder"
    rows: tuple[DataFile, ...] = ()  # every row, sorted by path (class, split and sha256 of each file)


def content_hash(lines: Iterable[tuple[str, str, str]]) -> str:
    """`data.content_hash`: "sha256:" + the sha256 over the sorted `class\trelpath\tsha256` lines of the
    files, e.g. content_hash([("birds", "birds/robin.png", "9f2c...")]) -> "sha256:5e1b...". Training computes it
    from its scan, a verifier from `data_files.csv` (`content_hash_of`).

    >>> content_hash([("b", "b/2.png", "22"), ("a", "a/1.png", "11")]) == content_hash([("a", "a/1.png", "11"), ("b", "b/2.png", "22")])
    True
    """
    text = "".join(f"{cls}\t{rel}\t{sha}\n" for cls, rel, sha in sorted(lines))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash_of(files: Iterable[DataFile]) -> str:
    """The content hash of a manifest's rows, as training computed it for the record."""
    return content_hash((f.class_name, f.path, f.sha256) for f in files)


def data_files_text(files: Iterable[DataFile]) -> str:
    """The CSV text of a manifest: a header row, then one row per file sorted by path ("\\n" line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in sorted(files, key=lambda f: f.path):
        writer.writerow((f.path, f.class_name, f.split, f.sha256, f.bytes))
    return out.getvalue()


def parse_data_files(text: str) -> list[DataFile]:
    """The rows of a manifest's text; ValueError when its header or a row is not the format above."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise ValueError(f"its header is not {','.join(COLUMNS)}")
    files = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS) or not row[4].isdigit():
            raise ValueError(f"row {number} is not path,class,split,sha256,bytes")
        files.append(DataFile(row[0], row[1], row[2], row[3], int(row[4])))
    return files


def read_data_files(run_dir: Path, record: RunRecord) -> DataFiles | None:
    """The manifest `record` names in `run_dir`; None when the record names none (before 1.3, and
    `modelcard record` runs). A missing or unreadable file gives no paths and says why."""
    rel = getattr(record.artifacts, ARTIFACT_KEY, None) if record.artifacts is not None else None
    if not rel:
        return None
    sha = (record.artifacts_sha256 or {}).get(rel)
    path = Path(run_dir) / rel
    if not path.is_file():
        return DataFiles(rel, sha, (), f"{rel} is missing from the run folder")
    try:
        files = parse_data_files(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        return DataFiles(rel, sha, (), f"{rel} could not be read ({err})")
    rows = tuple(sorted(files, key=lambda f: f.path))
    return DataFiles(rel, sha, tuple(f.path for f in rows), rows=rows)
