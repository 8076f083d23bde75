"""The `data` section: the data, how it was split, duplicates and split balance."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Iterable

from ..typed import Section


@dataclass(frozen=True, kw_only=True)
class SplitSummary(Section):
    n: int  # images in the split, e.g. 32
    class_counts: dict[str, int]  # images per class, e.g. {"birds": 5, "fish": 3}


@dataclass(frozen=True, kw_only=True)
class EvalSetSummary(Section):
    source: str | None = None  # where the extra set came from, e.g. "/data/field-photos"
    n: int | None = None  # images in it, e.g. 40
    class_counts: dict[str, int] | None = None  # images per class, e.g. {"birds": 20, "fish": 20}


@dataclass(frozen=True, kw_only=True)
class SkippedFile(Section):
    path: str  # the file, relative to data.root, e.g. "birds/x.png"
    reason: str  # why it was skipped, e.g. "truncated image"


@dataclass(frozen=True, kw_only=True)
class NearPair(Section):
    a: str | None = None  # first file, e.g. "food/fruit/apple_green.png"
    b: str | None = None  # second file, e.g. "food/fruit/apple_red.png"
    kind: str | None = None  # how they relate, e.g. "mirror"
    distance: int | None = None  # perceptual-hash Hamming distance, e.g. 6
    cross_split: bool | None = None  # the two sit in different splits (a leakage risk), e.g. False
    similarity: float | None = None  # the confirming correlation (1.1), e.g. 0.8699
    confirmed: bool | None = None  # the second similarity confirmed the pair (1.1), e.g. True
    difference: float | None = None  # largest pixel difference (1.2), e.g. 0.0572

    def counts_as_confirmed(self) -> bool:
        """True for a pair confirmed as a copy; records before 1.1 (no `confirmed`) grouped every pair."""
        return bool(self.confirmed) if self.has("confirmed") else True


@dataclass(frozen=True, kw_only=True)
class Duplicates(Section):
    exact_groups: int | None = None  # groups of byte-identical files, e.g. 0
    exact_files: int | None = None  # files in those groups, e.g. 0
    near_pairs: list[NearPair] = field(default_factory=list)  # candidate near duplicates
    near_threshold: int | None = None  # the largest Hamming distance of a candidate, e.g. 6
    hash: str | None = None  # the perceptual hash, e.g. "pHash 64-bit"
    near_mode: str | None = None  # what confirmed pairs do to the split (1.1), e.g. "group"
    near_candidates: int | None = None  # candidate pairs (1.1), e.g. 1
    near_confirmed: int | None = None  # confirmed pairs (1.1), e.g. 1
    confirm_method: str | None = None  # the second similarity (1.1), e.g. "normalised correlation of 32x32 ..."
    confirm_threshold: float | None = None  # its threshold (1.1), e.g. 0.85
    confirm_max_difference: float | None = None  # the largest difference of a copy (1.2), e.g. 0.125


@dataclass(frozen=True, kw_only=True)
class SplitBalance(Section):
    deviation: dict[str, dict[str, int]] | None = None  # class -> split -> images off a plain split, e.g. {"birds": {"test": 0}}
    tolerance: int | None = None  # images a class may be off before a warning, e.g. 3
    tolerance_points: float | None = None  # (1.4) and percentage points of the class's images, e.g. 2.0
    warned: list[str] | None = None  # classes off by more than both (before 1.3: than `tolerance`), e.g. []


@dataclass(frozen=True, kw_only=True)
class IgnoredFiles(Section):
    """`data.ignored` (1.3): the files below the data root the scan left out, by why. A file in no
    class folder is a `root_file`; any other counts once, under the first of the other kinds that
    applies, in field order. The counts add up to `data.ignored_files`; the card's words for each
    kind are `modelcard.record.left_out.LEFT_OUT_KINDS`."""

    not_image: int = 0  # names without an image extension (the demo's .ogg, .txt, .dat, .wav), e.g. 3495
    svg_drawing: int = 0  # SVG files: vector drawings, never decoded, e.g. 92
    other_format: int = 0  # images in a format the source does not use (demo: not PNG or JPEG), e.g. 0
    variant_copy: int = 0  # `_mirror`/`_flip` copies of another image (demo), e.g. 5
    excluded_subfolder: int = 0  # images in a subfolder the source leaves out (demo), e.g. 41
    root_file: int = 0  # files outside every class folder (directly in the root or a split folder), e.g. 0
    excluded_subfolders: list[str] | None = None  # the subfolders left out, e.g. ["cartoon", "plastic", "toys"]

    @staticmethod
    def kinds() -> tuple[str, ...]:
        """The count fields, in order, e.g. ("not_image", "svg_drawing", ...)."""
        return tuple(f.name for f in fields(IgnoredFiles) if f.type in ("int", int))

    @classmethod
    def of(cls, kinds: Iterable[str], excluded_subfolders: Iterable[str] | None = None) -> "IgnoredFiles":
        """The counts of a list of kinds (one per file left out), every count written (zeros too),
        e.g. `IgnoredFiles.of(["not_image", "svg_drawing", "not_image"])`."""
        counts = Counter(kinds)
        unknown = set(counts) - set(cls.kinds())
        if unknown:
            raise ValueError(f"unknown kinds of ignored files: {sorted(unknown)}")
        extra = {} if excluded_subfolders is None else {"excluded_subfolders": sorted(excluded_subfolders)}
        return cls.build(**{k: counts[k] for k in cls.kinds()}, **extra)

    def plus(self, other: "IgnoredFiles") -> "IgnoredFiles":
        """Both tallies together (e.g. the split folders of a predefined split)."""
        names = sorted(set(self.excluded_subfolders or []) | set(other.excluded_subfolders or []))
        extra = {"excluded_subfolders": names} if self.excluded_subfolders is not None or \
            other.excluded_subfolders is not None else {}
        return self.build(**{k: getattr(self, k) + getattr(other, k) for k in self.kinds()}, **extra)

    @property
    def total(self) -> int:
        """Every file left out, e.g. 3633 (`data.ignored_files`)."""
        return sum(getattr(self, k) for k in self.kinds())


@dataclass(frozen=True, kw_only=True)
class Data(Section):
    source: str  # "demo", "tfds:NAME", a folder, or "predictions:FILE", e.g. "demo"
    class_names: list[str]  # class names in label-index order, e.g. ["birds", "fish"]
    content_hash: str | None  # sha256 over the sorted file lines, e.g. "sha256:542d65e1..."
    splits: dict[str, SplitSummary]  # split -> sizes, e.g. {"test": {"n": 32, ...}}
    skipped_files: list[SkippedFile]  # corrupt or unreadable files, e.g. []
    duplicates: Duplicates | None  # exact and near duplicates, null when not checked
    description: str | None = None  # one line on the data, e.g. "Tux Paint stamps: photo cut-outs ..."
    license: str | None = None  # licence and where it was read, e.g. "GPL-2.0-or-later (Debian package ...)"
    root: str | None = None  # folder the relative paths refer to, e.g. "/usr/share/tuxpaint/stamps"
    n_files: int | None = None  # usable image files, e.g. 231
    split_method: str | None = None  # "predefined", "stratified" or "given", e.g. "stratified"
    split_fractions: dict[str, float] | None = None  # e.g. {"train": 0.7, "val": 0.15, "test": 0.15}
    split_seed: int | None = None  # seed of a stratified split, e.g. 0
    eval_sets: dict[str, EvalSetSummary] | None = None  # extra labelled sets, e.g. {}
    split_balance: SplitBalance | None = None  # deviation from a plain stratified split (1.2)
    ignored_files: int | None = None  # every file left out (1.3: the sum of `ignored`), e.g. 3633
    ignored: IgnoredFiles | None = None  # the files left out, by why (1.3), e.g. {"not_image": 3495, ...}
