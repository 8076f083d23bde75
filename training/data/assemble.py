"""Turn inspected files into a `Dataset`: skip bad files, group duplicates, split, hash.

Why here and not in each source: a folder, the demo data, a tfds download and an evaluation set
must follow the same leakage and hashing rules, so they all end in `build_dataset`.

Content hash (exact definition): for every usable image, the line
`"<class name>\\t<relative POSIX path>\\t<sha256 hex of the file bytes>\\n"`; lines sorted,
concatenated, UTF-8 encoded, sha256'd, written `"sha256:<hex>"`. Skipped and ignored files do
not count; renaming, relabelling or changing any byte of an image changes it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from modelcard.errors import UserError
from modelcard.record.data_files import content_hash
from modelcard.record.model import IgnoredFiles, SkippedFile

from .dataset import Dataset, DuplicateReport, NearDuplicatePair, Sample
from .near_index import near_duplicates
from .phash import HASH_NAME, NEAR_THRESHOLD, NearMatch
from .scan import Inspected
from .similarity import CONFIRM_THRESHOLD, MAX_DIFFERENCE, METHOD as CONFIRM_METHOD, confirmed, difference, similarity
from ..progress import log
from .split import (BALANCE_POINTS, BALANCE_TOLERANCE, SPLITS, UnionFind, UnsplittableClass, balance_line, balance_warnings,
                    moved_classes, split_deviation, stratified_group_split)

#: `--near-duplicates` values: group confirmed near duplicates (default), only report them, or skip the search.
NEAR_MODES = ("group", "report", "off")


@dataclass(frozen=True)
class SplitPlan:
    """How to split: `predefined` maps relpath -> split name; otherwise stratified by fractions/seed."""

    names: tuple[str, ...]
    predefined: dict[str, str] | None = None
    fractions: dict[str, float] | None = None
    seed: int | None = None
    near_duplicates: str = "group"  # one of NEAR_MODES


@dataclass(frozen=True)
class SourceInfo:
    """Where the files came from, as the card will tell it."""

    source: str
    description: str | None
    license: str | None
    root: Path | None


def _exact_groups(shas: list[str]) -> tuple[int, int]:
    """(groups with more than one file, files in those groups)."""
    sizes: dict[str, int] = defaultdict(int)
    for sha in shas:
        sizes[sha] += 1
    big = [n for n in sizes.values() if n > 1]
    return len(big), sum(big)


def _check_no_train_test_copies(ok: list[Inspected], assignment: list[str]) -> None:
    """Predefined splits cannot be regrouped: a byte-identical train/test pair is a user error."""
    train = {item.sha256: item.candidate.relpath for item, split in zip(ok, assignment) if split == "train"}
    for item, split in zip(ok, assignment):
        if split == "test" and item.sha256 in train:
            raise UserError(
                f"'{item.candidate.relpath}' (test) is byte-identical to '{train[item.sha256]}' (train), which leaks test data "
                "into training; delete one copy, or drop the train/val/test folders to let modelcard split the data"
            )


def _exact_union(ok: list[Inspected]) -> UnionFind:
    """Groups of byte-identical files (same sha256): always kept together."""
    groups = UnionFind(len(ok))
    first_with_sha: dict[str, int] = {}
    for k, item in enumerate(ok):
        groups.union(first_with_sha.setdefault(item.sha256, k), k)
    return groups


def _near_candidates(ok: list[Inspected], mode: str) -> list[tuple[NearMatch, float | None, float | None, bool]]:
    """pHash candidates between different files, each with its correlation, pixel difference and verdict."""
    if mode == "off":
        return []
    found = []
    for m in near_duplicates([i.phashes for i in ok]):
        if ok[m.i].sha256 == ok[m.j].sha256:
            continue
        score = similarity(ok[m.i].thumb, ok[m.j].thumb, m.kind)
        diff = difference(ok[m.i].thumb, ok[m.j].thumb, m.kind)
        found.append((m, score, diff, confirmed(score, diff)))
    return found


def _split(ok: list[Inspected], labels: list[int], group_ids: list[int], exact_ids: list[int], class_names: list[str],
           plan: SplitPlan) -> list[str]:
    """The stratified group split; when only near-duplicate grouping makes a class unsplittable, say so."""
    try:
        return stratified_group_split(labels, group_ids, class_names, plan.fractions, plan.seed)
    except UnsplittableClass as err:
        label = class_names.index(err.class_name)
        if len({g for g, y in zip(exact_ids, labels) if y == label}) <= len({g for g, y in zip(group_ids, labels) if y == label}):
            raise
        sizes: dict[int, list[str]] = defaultdict(list)
        for item, group, y in zip(ok, group_ids, labels):
            if y == label:
                sizes[group].append(item.candidate.relpath)
        largest = max(sizes.values(), key=len)
        raise UserError(
            f"class '{err.class_name}' cannot be split into train/val/test because near-duplicate grouping joined its images "
            f"into {len(sizes)} group(s); the largest holds {len(largest)} image(s) (e.g. {', '.join(largest[:2])}); "
            "check whether they are really copies, or pass --near-duplicates report to list near duplicates without grouping them"
        ) from None


@dataclass(frozen=True)
class Balance:
    """How far duplicate grouping moved each class off a plain stratified split, and what the run says about it."""

    deviation: dict[str, dict[str, int]]  # class -> split -> images minus the stratified target
    moved: list[str]  # the classes warned about (`split.moved_classes`)
    warnings: list[str]  # one per moved class, for the run record and the card


def balance(labels: list[int], assignment: list[str], class_names: list[str], fractions: dict[str, float]) -> Balance:
    """The split's `Balance`; prints one terminal line for all its warnings (`split.balance_line`)."""
    deviation = split_deviation(labels, assignment, class_names, fractions)
    counts = {name: dict.fromkeys(SPLITS, 0) for name in class_names}
    for split, y in zip(assignment, labels):
        counts[class_names[y]][split] += 1
    moved = moved_classes(deviation, {name: sum(c.values()) for name, c in counts.items()})
    warnings = balance_warnings(deviation, counts)
    if line := balance_line(warnings, moved):
        log(f"warning: {line}")
    return Balance(deviation, moved, warnings)


def _assign_splits(ok: list[Inspected], labels: list[int], group_ids: list[int], exact: UnionFind,
                   class_names: list[str], plan: SplitPlan) -> tuple[list[str], Balance | None]:
    """(split of each image, how far it moved classes off their fractions): a stratified group
    split, or the predefined one (checked for train/test copies; no balance)."""
    found = None
    if plan.predefined is None:
        assignment = _split(ok, labels, group_ids, exact.groups(), class_names, plan)
        found = balance(labels, assignment, class_names, plan.fractions)
    else:
        assignment = [plan.predefined[i.candidate.relpath] for i in ok]
        _check_no_train_test_copies(ok, assignment)
    return assignment, found


def build_dataset(
    inspected: list[Inspected], class_names: list[str], info: SourceInfo, plan: SplitPlan, ignored: IgnoredFiles
) -> Dataset:
    """Build the checked, split `Dataset` from inspected candidates (any order)."""
    where = info.root or info.source
    if len(class_names) < 2:
        found = ", ".join(class_names) or "none"
        raise UserError(f"{where} has {len(class_names)} class folder(s) ({found}); a classifier needs at least 2: add one subfolder of images per class")
    ok = sorted((i for i in inspected if i.reason is None), key=lambda i: i.candidate.relpath)
    skipped = sorted((SkippedFile(path=i.candidate.relpath, reason=i.reason) for i in inspected if i.reason is not None), key=lambda s: s.path)
    if not ok:
        raise UserError(f"{where} holds no readable images (jpg, png, gif, bmp or webp); put them in one subfolder per class")
    index_of = {name: k for k, name in enumerate(class_names)}
    labels = [index_of[i.candidate.class_name] for i in ok]

    exact = _exact_union(ok)
    matches = _near_candidates(ok, plan.near_duplicates)
    groups = _exact_union(ok)
    if plan.near_duplicates == "group":
        for m, _, _, is_copy in matches:
            if is_copy:
                groups.union(m.i, m.j)
    group_ids = groups.groups()

    assignment, found = _assign_splits(ok, labels, group_ids, exact, class_names, plan)
    splits: dict[str, list[Sample]] = {name: [] for name in plan.names}
    for item, label, group, split in zip(ok, labels, group_ids, assignment):
        c = item.candidate
        splits[split].append(Sample(c.path, c.relpath, label, item.sha256, group, item.tf_ready, item.size_bytes))
    exact_groups, exact_files = _exact_groups([i.sha256 for i in ok])
    pairs = [
        NearDuplicatePair(ok[m.i].candidate.relpath, ok[m.j].candidate.relpath, m.kind, m.distance,
                          assignment[m.i] != assignment[m.j], score, is_copy, diff)
        for m, score, diff, is_copy in matches
    ]
    return Dataset(
        source=info.source,
        description=info.description,
        license=info.license,
        root=info.root,
        class_names=list(class_names),
        splits=splits,
        split_method="predefined" if plan.predefined is not None else "stratified",
        split_fractions=None if plan.predefined is not None else dict(plan.fractions),
        split_seed=None if plan.predefined is not None else plan.seed,
        skipped=skipped,
        ignored=ignored,
        duplicates=DuplicateReport(exact_groups, exact_files, sorted(pairs, key=lambda p: (p.a, p.b)), NEAR_THRESHOLD, HASH_NAME,
                                   plan.near_duplicates, CONFIRM_METHOD, CONFIRM_THRESHOLD, MAX_DIFFERENCE),
        content_hash=content_hash([(i.candidate.class_name, i.candidate.relpath, i.sha256) for i in ok]),
        split_deviation=None if found is None else found.deviation,
        split_tolerance=None if found is None else BALANCE_TOLERANCE,
        split_points=None if found is None else BALANCE_POINTS,
        split_moved=[] if found is None else found.moved,
        warnings=[] if found is None else found.warnings,
    )
