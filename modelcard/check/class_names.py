"""Human text that names a class the model does not have: a warning for `check` and `build`.

A card.yaml written for another data set, or from memory, names categories the model never
learnt ("food contains fruit and vegetables" on a model whose classes are fruit and
vegetables). Two signs are looked for in every text a person wrote in card.yaml:
- in a sentence about classes or categories, a word that is a folder of the data (a path
  component of the files the run used, from `data_files.csv`, or of the example images,
  near-duplicate pairs and skipped files the record names) but not one of the model's classes;
- a quoted or backticked name after "class" or "category" that is not a class.
Both are warnings, not failures: a folder name can be a fair word in prose.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..card.info import CardInfo
from ..record.data_files import DATA_FILES_CSV
from ..record.model import RunRecord
from .completeness import human_texts

_WORD = re.compile(r"[A-Za-z][A-Za-z_-]{2,}")
_ABOUT_CLASSES = re.compile(r"\b(?:class|classes|categor(?:y|ies)|labels?)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_NAMED = re.compile(r"\b(?:class|category)\s+[`\"']([^`\"']+)[`\"']", re.IGNORECASE)


def _record_paths(record: RunRecord) -> list[str]:
    """Image paths the record names: examples, near-duplicate pairs, skipped files, label-issue suspects."""
    paths = [e.id for e in (record.examples.items if record.examples is not None else None) or []]
    dup = record.data.duplicates if record.data is not None else None
    paths += [p for pair in (dup.near_pairs if dup is not None else None) or [] for p in (pair.a, pair.b)]
    paths += [s.path for s in (record.data.skipped_files if record.data is not None else None) or []]
    for entry in (record.label_issues or {}).values():
        paths += [str(s.get("path", "")) for s in entry.suspects or []]
    return paths


def data_folders(record: RunRecord, run_path: Path | None) -> set[str]:
    """The folder names below the data root of the files the run used (lower case)."""
    paths = _record_paths(record)
    manifest = (run_path / DATA_FILES_CSV) if run_path is not None else None
    if manifest is not None and manifest.is_file():
        paths += [row["path"] for row in csv.DictReader(io.StringIO(manifest.read_text(encoding="utf-8")))]
    return {part.lower() for p in paths for part in Path(p).parts[:-1]}


def _is_class(word: str, classes: set[str]) -> bool:
    w = word.lower()
    return w in classes or w.rstrip("s") in classes or f"{w}s" in classes


def unknown_class_words(info: CardInfo, record: RunRecord, run_path: Path | None = None) -> list[str]:
    """One warning per card.yaml key that names something as a class the model does not have."""
    classes = {c.lower() for c in (record.data.class_names if record.data is not None else []) or []}
    if not classes:
        return []
    folders = data_folders(record, run_path) - classes
    found: dict[str, list[str]] = {}
    for key, text in human_texts(info):
        if key in ("runs", "model_name") or key.startswith(("runs[", "citation", "tags")):
            continue
        about = " ".join(s for s in _SENTENCE.split(text) if _ABOUT_CLASSES.search(s))
        words = [w for w in _WORD.findall(about) if w.lower() in folders and not _is_class(w, classes)]
        words += [n for n in _NAMED.findall(text) if not _is_class(n, classes)]
        for word in dict.fromkeys(w.lower() for w in words):
            found.setdefault(key, []).append(word)
    listed = ", ".join(sorted(classes))
    return [f"card.yaml `{key}` names {', '.join(f'`{w}`' for w in words)}, which the model has no class for "
            f"(a folder of the data, or a name given as a class); its classes are: {listed}"
            for key, words in found.items()]
