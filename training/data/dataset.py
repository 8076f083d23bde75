"""The loaded dataset and its run-record summary (the record's `data` section).

Why a fixed summary shape: the card renders these exact keys, and the same inputs must give
byte-identical records, so every list is sorted and every path is POSIX, relative to the root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from modelcard.record.model import IgnoredFiles, SkippedFile


@dataclass(frozen=True)
class Sample:
    """One usable image: its file, class index, content hash and leakage group.

    `tf_ready` is True when TensorFlow decodes the file itself to the same pixels as
    `load_rgb`; other files are flattened to PNG first (see `Dataset.tf_inputs`).
    """

    path: Path
    relpath: str
    label: int
    sha256: str
    group: int
    tf_ready: bool = True
    size_bytes: int = 0  # the file's size when it was scanned, e.g. 48213 (data_files.csv)


@dataclass(frozen=True)
class NearDuplicatePair:
    """Two different files whose pHashes match (`kind`: identical, mirror or flip): a candidate.

    `confirmed` when the second similarity (`similarity.py`) agrees that one is a copy of the
    other; only confirmed pairs are grouped (with `--near-duplicates group`).
    """

    a: str
    b: str
    kind: str
    distance: int
    cross_split: bool
    similarity: float | None = None  # e.g. 0.87; None when a thumbnail was flat
    confirmed: bool = False
    difference: float | None = None  # e.g. 0.06: largest colour-aligned pixel difference, fraction of the range


@dataclass(frozen=True)
class DuplicateReport:
    """Exact duplicate groups (files with equal sha256) and near-duplicate pairs found."""

    exact_groups: int
    exact_files: int
    near_pairs: list[NearDuplicatePair]
    near_threshold: int
    hash: str
    mode: str = "group"                # group | report | off (--near-duplicates)
    confirm_method: str | None = None  # the second similarity, e.g. "normalised correlation of ..."
    confirm_threshold: float | None = None
    confirm_max_difference: float | None = None  # e.g. 0.125 (similarity.MAX_DIFFERENCE)


@dataclass
class Dataset:
    """A resolved data source, split and checked; `summary()` is what the run record stores."""

    source: str
    description: str | None
    license: str | None
    root: Path | None
    class_names: list[str]
    splits: dict[str, list[Sample]]
    split_method: str
    split_fractions: dict[str, float] | None
    split_seed: int | None
    skipped: list[SkippedFile]  # the record's: image-named files that would not decode, and why
    ignored: IgnoredFiles  # the files left out, by why, e.g. IgnoredFiles.of(["not_image", "root_file"])
    duplicates: DuplicateReport
    content_hash: str
    #: per class and split, images minus a plain stratified split's target (stratified splits only)
    split_deviation: dict[str, dict[str, int]] | None = None
    split_tolerance: int | None = None  # images a class may move before a warning (and more than split_points)
    split_points: float | None = None  # percentage points of the class's images it may move before a warning
    split_moved: list[str] = field(default_factory=list)  # the classes moved by more than both
    #: things the run's `warnings` must carry (a class moved off its stratified proportions)
    warnings: list[str] = field(default_factory=list)

    @property
    def n_files(self) -> int:
        return sum(len(samples) for samples in self.splits.values())

    def class_counts(self, split: str) -> dict[str, int]:
        """Images per class in `split`, every class listed (zeros included)."""
        counts = dict.fromkeys(self.class_names, 0)
        for sample in self.splits[split]:
            counts[self.class_names[sample.label]] += 1
        return counts

    def summary(self) -> dict:
        """The JSON-ready `data` section of a run record (keys and lists in a fixed order)."""
        return {
            "source": self.source,
            "description": self.description,
            "license": self.license,
            "root": None if self.root is None else str(self.root),
            "class_names": list(self.class_names),
            "content_hash": self.content_hash,
            "n_files": self.n_files,
            "split_method": self.split_method,
            "split_fractions": None if self.split_fractions is None else dict(self.split_fractions),
            "split_seed": self.split_seed,
            "splits": {name: {"n": len(samples), "class_counts": self.class_counts(name)} for name, samples in self.splits.items()},
            "split_balance": None if self.split_deviation is None else
            {"deviation": {c: dict(d) for c, d in self.split_deviation.items()}, "tolerance": self.split_tolerance,
             "tolerance_points": self.split_points, "warned": sorted(self.split_moved)},
            "skipped_files": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "ignored_files": self.ignored.total,
            "ignored": self.ignored.to_dict(),
            "duplicates": {
                "exact_groups": self.duplicates.exact_groups,
                "exact_files": self.duplicates.exact_files,
                "near_pairs": [
                    {"a": p.a, "b": p.b, "kind": p.kind, "distance": p.distance, "cross_split": p.cross_split,
                     "similarity": p.similarity, "difference": p.difference, "confirmed": p.confirmed}
                    for p in self.duplicates.near_pairs
                ],
                "near_threshold": self.duplicates.near_threshold,
                "hash": self.duplicates.hash,
                "near_mode": self.duplicates.mode,
                "near_candidates": len(self.duplicates.near_pairs),
                "near_confirmed": sum(1 for p in self.duplicates.near_pairs if p.confirmed),
                "confirm_method": self.duplicates.confirm_method,
                "confirm_threshold": self.duplicates.confirm_threshold,
                "confirm_max_difference": self.duplicates.confirm_max_difference,
            },
        }

    def tf_inputs(self, split: str, cache_dir: Path) -> tuple[list[str], list[int]]:
        """(paths, labels) for tf.data: every path decodes with `tf_decode.decode_rgb` to exactly
        the `load_rgb` pixels; files TF cannot decode that way are flattened once to
        PNG under `cache_dir` (keyed by their sha256)."""
        from .prepared import tf_ready_path

        samples = self.splits[split]
        return [str(tf_ready_path(s, cache_dir)) for s in samples], [s.label for s in samples]
