"""Label conflicts that are certain: the same image under two or more class labels (issue 25).

Apart from cleanlab's estimates, some label problems are facts: byte-identical files (same sha256)
filed under different classes, or a pair a second check confirmed as near-duplicates filed so. A
group of identical images gets one prediction (the model sees the same pixels), so in an evaluation
split it can be right for at most the files of one of its labels: `k` copies under labels counted
`c_1..c_m` in one split force at least `k - max(c)` errors there, whatever the model (copies that
fall in different splits are counted per split). Their sum over the test split caps test accuracy at
`1 - forced / n` (the ceiling). Near-duplicate pairs are listed as conflicts
too, but force no error (their pixels differ).

>>> rows = [("a/x.png", "cat", "test", "s1"), ("b/x.png", "dog", "test", "s1"), ("c/x.png", "owl", "test", "s1"),
...         ("a/y.png", "cat", "train", "s2"), ("b/y.png", "dog", "train", "s2"), ("a/z.png", "cat", "test", "s3")]
>>> found = identical_conflicts(rows)
>>> [(c.classes, c.splits, c.forced) for c in found]
[(('cat', 'dog', 'owl'), ('test',), (('test', 2),)), (('cat', 'dog'), ('train',), (('train', 1),))]
>>> ceiling(found, "test", 4)
0.5
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class LabelConflict:
    """Files that are the same image (identical bytes, or a confirmed near-duplicate pair) under different labels."""

    kind: str                        # "identical" (same sha256) or "near-duplicate" (confirmed pair)
    files: tuple[str, ...]           # their paths, sorted, e.g. ("animals/birds/x.png", "animals/mammals/x.png")
    classes: tuple[str, ...]         # the distinct labels, sorted, e.g. ("birds", "mammals")
    splits: tuple[str, ...]          # the splits they fall in, e.g. ("test",)
    forced: tuple[tuple[str, int], ...] = ()  # errors any model makes on them, by split (identical only), e.g. (("test", 1),)

    @property
    def forced_errors(self) -> int:
        """The errors they force in all splits together, e.g. 1."""
        return sum(n for _, n in self.forced)

    def forced_in(self, split: str) -> int:
        """The errors they force in one split: its copies less those of the label most of them carry there."""
        return dict(self.forced).get(split, 0)


def identical_conflicts(rows: Iterable[tuple[str, str, str, str]]) -> list[LabelConflict]:
    """Groups of identical files (path, class, split, sha256) with more than one class, in path order.

    >>> [conflict] = identical_conflicts([("a/x.png", "cat", "test", "s1"), ("b/x.png", "dog", "test", "s1"),
    ...                                   ("a/y.png", "cat", "test", "s2")])
    >>> conflict.files, conflict.classes, conflict.forced
    (('a/x.png', 'b/x.png'), ('cat', 'dog'), (('test', 1),))
    """
    groups: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for path, label, split, sha in rows:
        groups[sha].append((path, label, split))
    found = []
    for members in groups.values():
        labels = Counter(label for _, label, _ in members)
        if len(labels) < 2:
            continue
        splits = sorted({s for _, _, s in members})
        forced = []
        for split in splits:
            here = Counter(label for _, label, s in members if s == split)
            if sum(here.values()) - max(here.values()):
                forced.append((split, sum(here.values()) - max(here.values())))
        found.append(LabelConflict("identical", tuple(sorted(p for p, _, _ in members)), tuple(sorted(labels)),
                                   tuple(splits), tuple(forced)))
    return sorted(found, key=lambda c: c.files)


def near_conflicts(pairs: Iterable[tuple[str, str]], labels: dict[str, tuple[str, str]]) -> list[LabelConflict]:
    """Confirmed near-duplicate pairs (a, b) whose files carry different labels; `labels`: path -> (class, split).

    >>> [conflict] = near_conflicts([("b/y.png", "a/x.png")], {"a/x.png": ("cat", "test"), "b/y.png": ("dog", "train")})
    >>> conflict.kind, conflict.files, conflict.splits, conflict.forced_errors  # different pixels: no forced error
    ('near-duplicate', ('a/x.png', 'b/y.png'), ('test', 'train'), 0)
    """
    found = []
    for a, b in pairs:
        if a in labels and b in labels and labels[a][0] != labels[b][0]:
            found.append(LabelConflict("near-duplicate", tuple(sorted((a, b))), tuple(sorted({labels[a][0], labels[b][0]})),
                                       tuple(sorted({labels[a][1], labels[b][1]}))))
    return sorted(found, key=lambda c: c.files)


def ceiling(conflicts: Iterable[LabelConflict], split: str, n: int) -> float | None:
    """The highest accuracy any model can reach on `split` of `n` images, given the forced errors; None when
    none is forced (or the split is empty).

    >>> conflict = LabelConflict("identical", ("a/x.png", "b/x.png"), ("cat", "dog"), ("test",), (("test", 1),))
    >>> ceiling([conflict], "test", 10), ceiling([conflict], "train", 10)
    (0.9, None)
    """
    forced = sum(c.forced_in(split) for c in conflicts)
    return None if not forced or n <= 0 else 1.0 - forced / n
