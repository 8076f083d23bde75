"""The `data` section: the data, how it was split, duplicates and split balance."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    warned: list[str] | None = None  # classes off by more, e.g. []


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
    ignored_files: int | None = None  # non-image files ignored, e.g. 3633
