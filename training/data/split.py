"""Duplicate groups and a seeded, stratified train/val/test split over whole groups.

Why hand-written: scikit-learn's `train_test_split(stratify=...)` ignores groups and
`StratifiedGroupKFold` only gives k equal folds, not 70/15/15. Leakage needs groups (a photo and
its copies always land in the same split) and the card needs exact fractions, so:

1. Group files: byte-identical files (same sha256) and near duplicates are unioned.
2. Per class (a group's class is the class of its first file in path order), the class's file
   count is divided by largest remainders into per-split targets, each split getting at least
   one file when its fraction is above zero.
3. The class's groups are shuffled with `numpy.random.default_rng(seed)` (classes in sorted
   order), then, largest group first, each goes to the split furthest below its target
   (ties: train, val, test). With no duplicates this hits the targets exactly.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from modelcard.errors import UserError

SPLITS = ("train", "val", "test")
#: A class moved off a plain stratified split is warned about when, in some split, the move is
#: more than `BALANCE_TOLERANCE` images and more than `BALANCE_POINTS` percentage points of the
#: class's images: a fixed count of images alone would flag every class of a large data set.
BALANCE_TOLERANCE = 3
BALANCE_POINTS = 2.0


class UnsplittableClass(UserError):
    """A class has fewer distinct groups than splits to fill; `class_name` says which."""

    def __init__(self, message: str, class_name: str) -> None:
        super().__init__(message)
        self.class_name = class_name


class UnionFind:
    """Disjoint sets over 0..n-1; the representative of a set is its smallest member."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[int]:
        """Group id per element: ids are 0.. in order of each group's first element."""
        ids: dict[int, int] = {}
        return [ids.setdefault(self.find(x), len(ids)) for x in range(len(self.parent))]


def validate_fractions(fractions: dict[str, float]) -> dict[str, float]:
    """Check train/val/test fractions (train and test > 0, val >= 0, sum 1) and return them in order."""
    if set(fractions) != set(SPLITS):
        raise UserError(f"split fractions need exactly the keys train, val and test (got {', '.join(sorted(fractions))}); e.g. 0.7/0.15/0.15")
    values = {name: float(fractions[name]) for name in SPLITS}
    if values["train"] <= 0 or values["test"] <= 0 or values["val"] < 0 or not math.isclose(sum(values.values()), 1.0, abs_tol=1e-9):
        shown = "/".join(f"{values[n]:g}" for n in SPLITS)
        raise UserError(f"split fractions {shown} (train/val/test) must be non-negative, train and test above 0, and sum to 1; e.g. 0.7/0.15/0.15")
    return values


def split_targets(n: int, fractions: dict[str, float]) -> dict[str, int]:
    """Integer file counts per split summing to n: largest remainders, at least 1 where fraction > 0."""
    raw = {name: n * fractions[name] for name in SPLITS}
    counts = {name: math.floor(raw[name]) for name in SPLITS}
    by_remainder = sorted(SPLITS, key=lambda s: (-(raw[s] - counts[s]), SPLITS.index(s)))
    for name in by_remainder[: n - sum(counts.values())]:
        counts[name] += 1
    for name in SPLITS:
        if fractions[name] > 0 and counts[name] == 0:
            donor = max(SPLITS, key=lambda s: (counts[s], -SPLITS.index(s)))
            counts[donor] -= 1
            counts[name] += 1
    return counts


def stratified_group_split(
    labels: list[int], groups: list[int], class_names: list[str], fractions: dict[str, float], seed: int
) -> list[str]:
    """Split name for each file: stratified by label, whole groups together, seeded."""
    members: dict[int, list[int]] = defaultdict(list)
    for index, group in enumerate(groups):
        members[group].append(index)
    by_class: dict[int, list[int]] = defaultdict(list)
    for group in sorted(members):
        by_class[labels[members[group][0]]].append(group)
    needed = sum(1 for s in SPLITS if fractions[s] > 0)
    rng = np.random.default_rng(seed)
    assignment = [""] * len(labels)
    for label, name in enumerate(class_names):
        class_groups = by_class.get(label, [])
        if len(class_groups) < needed:
            n_files = sum(len(members[g]) for g in class_groups)
            raise UnsplittableClass(
                f"class '{name}' has {n_files} image(s) in {len(class_groups)} distinct group(s), too few to put one in each of "
                f"{needed} splits; add images to '{name}', remove the class, or provide train/val/test folders",
                name,
            )
        targets = split_targets(sum(len(members[g]) for g in class_groups), fractions)
        order = [class_groups[k] for k in rng.permutation(len(class_groups))]
        order.sort(key=lambda g: -len(members[g]))  # stable: shuffled order kept among equal sizes
        filled = dict.fromkeys(SPLITS, 0)
        active = [s for s in SPLITS if fractions[s] > 0]
        empty = list(active)
        for position, group in enumerate(order):
            # Splits still empty must each get one of the remaining groups.
            if len(order) - position <= len(empty):
                chosen = empty[0]
            else:
                chosen = max(active, key=lambda s: (targets[s] - filled[s], -SPLITS.index(s)))
            filled[chosen] += len(members[group])
            if chosen in empty:
                empty.remove(chosen)
            for index in members[group]:
                assignment[index] = chosen
    return assignment


def split_deviation(labels: list[int], assignment: list[str], class_names: list[str],
                    fractions: dict[str, float]) -> dict[str, dict[str, int]]:
    """Per class and split: images assigned minus what a plain stratified split (no groups) gives.

    All zeros when no duplicate group forced a class off its targets (`split_targets`).
    """
    out: dict[str, dict[str, int]] = {}
    for label, name in enumerate(class_names):
        mine = [split for split, y in zip(assignment, labels) if y == label]
        targets = split_targets(len(mine), fractions) if mine else dict.fromkeys(SPLITS, 0)
        out[name] = {split: mine.count(split) - targets[split] for split in SPLITS}
    return out


def moved_classes(deviation: dict[str, dict[str, int]], sizes: dict[str, int], tolerance: int = BALANCE_TOLERANCE,
                  points: float = BALANCE_POINTS) -> list[str]:
    """Classes (in `deviation` order) off a plain stratified split by more than `tolerance` images
    and more than `points` percentage points of the class's `sizes` images, in some split."""
    return [name for name, by_split in deviation.items()
            if any(abs(d) > tolerance and 100 * abs(d) > points * sizes[name] for d in by_split.values())]


def balance_warnings(deviation: dict[str, dict[str, int]], counts: dict[str, dict[str, int]],
                     tolerance: int = BALANCE_TOLERANCE, points: float = BALANCE_POINTS) -> list[str]:
    """One warning per class that duplicate grouping moved off its stratified split (`moved_classes`)."""
    sizes = {name: sum(by_split.values()) for name, by_split in counts.items()}
    warnings = []
    for name in moved_classes(deviation, sizes, tolerance, points):
        shown = ", ".join(f"{split} {counts[name][split]} (stratified: {counts[name][split] - d})"
                          for split, d in deviation[name].items())
        warnings.append(f"duplicate grouping moved class '{name}' off a stratified split by more than {tolerance} images "
                        f"and {points:g} points of the class: {shown}; its split proportions differ from the other "
                        "classes' (check the near-duplicate pairs, or pass --near-duplicates report)")
    return warnings


def balance_line(warnings: list[str], moved: list[str], tolerance: int = BALANCE_TOLERANCE,
                 points: float = BALANCE_POINTS) -> str | None:
    """The one terminal line for the balance warnings: the warning itself when there is one, a
    count when there are more (the run record and the card list each)."""
    if len(warnings) <= 1:
        return warnings[0] if warnings else None
    named = ", ".join(f"'{name}'" for name in moved[:3])
    return (f"duplicate grouping moved {len(moved)} classes off a stratified split by more than {tolerance} images "
            f"and {points:g} points ({named}, ...); the run record and the card list each (check the "
            "near-duplicate pairs, or pass --near-duplicates report)")
