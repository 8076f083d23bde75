"""Which files the Croissant document names: exactly the files the run used, or none.

- A run that recorded `data_files.csv` (run record 1.3): one FileSet whose `includes` are those
  relative paths, sorted and glob-escaped (no wildcards: each matches its one file under glob
  and fnmatch rules), and a FileObject for the manifest itself with its recorded sha256, so a
  consumer can verify every file.
- A `train` or `evaluate` run without it (older records, or the file is gone): a pattern over
  the folder would also match files the run did not use (the demo's folder holds thousands), and
  Croissant has no FileSet without `includes`, so no file is named; the dataset's description
  says why. The RecordSet, which reads the FileSet, is then left out too.
- A `modelcard record` run has predictions, not images: its FileSet keeps the per-format
  patterns it always had.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass

from ..record.left_out import left_out
from ..record.model import Data
from ..card.data_card import DataCard

FILE_SET_ID = "image-files"
MANIFEST_ID = "data-files"
EXTENSIONS = {"image/png": ("png",), "image/jpeg": ("jpg", "jpeg"), "image/gif": ("gif",), "image/bmp": ("bmp",),
              "image/webp": ("webp",), "image/tiff": ("tif", "tiff")}


@dataclass(frozen=True)
class CroissantDistribution:
    """The document's `distribution` and what the rest of it needs to know about it."""

    entries: list[dict]      # the JSON-LD FileSet and FileObject, e.g. [{"@type": "cr:FileSet", ...}]
    file_set: str | None     # the @id the RecordSet reads, e.g. "image-files"; None: no FileSet
    note: str | None = None  # why no file is named, for the dataset's description


def _used(data: Data) -> str:
    used = f"{data.n_files} image files" if data.n_files is not None else "the image files"
    selection = (" (a selection of the folder: the demo's photo stamps, see docs/demo-data.md)"
                 if data.source == "demo" else "")
    return f"The image folder {data.root or data.source}, one folder per class: {used} make up the data set{selection}"


def _hash(data: Data) -> str:
    return (f"content hash {data.content_hash} (sha-256 over the sorted sha-256s of the files)"
            if data.content_hash else "content hash not recorded")


def _pattern_text(data: Data) -> str:
    """The FileSet description of a `modelcard record` run (as before 1.3)."""
    skipped = len(data.skipped_files or []) + int(data.ignored_files or 0)
    return (_used(data) + (f"; {skipped} other files were skipped or ignored" if skipped else "")
            + f"; {_hash(data)}")


def left_out_sentences(data: Data) -> str:
    """What the scan left out and skipped, e.g. " Files left out: 3,495 non-image files; 92 SVG drawings.", or ""."""
    text = ""
    found = left_out(data)
    if found is not None:
        text += f" {found.label}: {found.text}."
    if data.skipped_files:
        text += f" Unreadable files skipped: {len(data.skipped_files):,}."
    return text


def distribution(dc: DataCard, formats: list[str]) -> CroissantDistribution:
    """The file entries of `dc`'s Croissant document (see the module docstring)."""
    data, files = dc.source, dc.files
    encoding = formats[0] if len(formats) == 1 else formats
    if dc.created_by == "record":
        includes = [f"**/*.{ext}" for fmt in formats for ext in EXTENSIONS[fmt]]
        return CroissantDistribution([{"@type": "cr:FileSet", "@id": FILE_SET_ID, "name": FILE_SET_ID,
                              "description": _pattern_text(data), "encodingFormat": encoding,
                              "includes": includes}], FILE_SET_ID)
    if files is None or not files.paths:
        why = (files.problem if files is not None and files.problem else
               "this run's record names no data_files.csv (run records before 1.3 do not)")
        note = (f"{_used(data)}; {_hash(data)}.{left_out_sentences(data)} The exact list of files the run used is "
                f"not available: {why}. No file pattern over the folder can be shown to match only the files the "
                "run used, so this document names no files (no FileSet, and no RecordSet reading one).")
        return CroissantDistribution([], None, note)
    manifest = "" if files.sha256 else " (its sha256 was not recorded)"
    text = (f"{_used(data)}. This file set lists exactly the {len(files.paths):,} files the run used, each by its "
            f"path relative to the folder (no wildcards), as the run's {files.file} records them with each file's "
            f"class, split, sha256 and size{manifest}.{left_out_sentences(data)} C{_hash(data)[1:]}.")
    entries = [{"@type": "cr:FileSet", "@id": FILE_SET_ID, "name": FILE_SET_ID, "description": text,
                "encodingFormat": encoding, "includes": [glob.escape(p) for p in files.paths]}]
    if files.sha256:
        entries.append({
            "@type": "cr:FileObject", "@id": MANIFEST_ID, "name": files.file, "contentUrl": files.file,
            "encodingFormat": "text/csv", "sha256": files.sha256,
            "description": (f"The run's file manifest ({files.file} in the folder of run {dc.run_id}; this sha256 "
                            "is its entry in the record's artifacts_sha256): one row per file of image-files, "
                            "path (relative to the image folder), class, split, sha256 and bytes. With it, every "
                            "file can be checked: the manifest against this sha256, each file against its row.")})
    return CroissantDistribution(entries, FILE_SET_ID)
