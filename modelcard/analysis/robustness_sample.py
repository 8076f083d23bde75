"""Which test images the corruption suite runs on: all of them, or a stratified, seeded sample sized
for the width of the accuracy-drop interval.

The rule. The suite reports, per corruption and severity, the paired accuracy drop (clean minus
corrupted accuracy on the same images) with Tango's score interval (`paired_difference.py`). That
interval's width depends on the number of images n and on how many images the corruption turns
wrong (b) or right (c). Before the corruptions run, b and c are unknown, so the plan takes the
worst case: `n_for_drop_half_width` is the smallest n at which Tango's interval is at most
+-`half_width` (5 points by default) for *every* b and c that a test set with the clean accuracy
`a` allows (b <= a n images right to lose, c <= (1 - a) n wrong ones to gain). The clean accuracy is
the headline's, on the whole test set (known before sampling); without it the plan takes a = 0.5,
the worst case of all (1,533 images at +-5 points). At a = 0.9 it is 692 images. The
test set is sampled only when it is larger than that n; a smaller one is used whole. The sample's
own clean accuracy differs from the whole set's by sampling, so the reached width can exceed the
target by a hair: the record keeps the target, and the widths are on the card.

The sample. `stratified_sample` allocates n over the classes in proportion to their test images by
largest remainders (each class gets floor(n N_c / N) or one more), then draws each class's images
with `numpy.random.default_rng(seed)`, classes in label order; the positions come back sorted, in
the test set's order.

>>> n_for_drop_half_width(0.05)
1533
>>> n_for_drop_half_width(0.05, clean_accuracy=0.9)
692
>>> stratified_sample([0, 0, 0, 0, 1, 1, 1, 1, 2, 2], 5, seed=0).tolist()
[2, 3, 4, 5, 8]
"""

from __future__ import annotations

import numpy as np

from .paired_difference import paired_difference_interval

#: The drop interval's target half width when nothing else is asked for: +-5 percentage points.
TARGET_HALF_WIDTH = 0.05
_NEAR = np.arange(-2, 3)  # integer counts tried around each real-valued worst case
_MAX_N = 1_000_000


def worst_drop_half_width(n, clean_accuracy: float | None = None, confidence: float = 0.95) -> np.ndarray:
    """The widest half width of the paired drop interval over every (lost, gained) count that `n` images
    with `clean_accuracy` of them right allow (vectorised over `n`).

    The score interval is widest where the per-image variance of the difference, x + y - (x - y)^2 for
    lost share x and gained share y, is largest; on the box x <= a, y <= 1 - a that maximum lies on its
    edge x = a (y = x - 1/2, clipped) or y = 1 - a (x = y + 1/2, clipped). Whole counts within 2 of
    both points are tried."""
    a = 0.5 if clean_accuracy is None else float(clean_accuracy)
    n = np.atleast_1d(np.asarray(n, dtype=np.int64))
    right = np.rint(a * n)
    wrong = n - right
    candidates = []
    for x, y in ((right, np.clip(right - n / 2, 0, wrong)), (np.clip(wrong + n / 2, 0, right), wrong)):
        for dx in _NEAR:
            for dy in _NEAR:
                b = np.clip(np.rint(x) + dx, 0, right)
                c = np.clip(np.rint(y) + dy, 0, wrong)
                candidates.append((b, c))
    b = np.stack([b for b, _ in candidates], axis=1)
    c = np.stack([c for _, c in candidates], axis=1)
    _, low, high = paired_difference_interval(b, c, n[:, None], confidence)
    return ((high - low) / 2).max(axis=1)


def n_for_drop_half_width(half_width: float = TARGET_HALF_WIDTH, clean_accuracy: float | None = None,
                          confidence: float = 0.95) -> int:
    """The smallest n whose worst-case drop interval is at most +-`half_width` (the module's rule).

    >>> n_for_drop_half_width(0.10)
    381
    """
    if not 0.0 < half_width < 1.0:
        raise ValueError(f"half width {half_width} must lie strictly between 0 and 1")
    if clean_accuracy is not None and not 0.0 <= clean_accuracy <= 1.0:
        raise ValueError(f"clean accuracy {clean_accuracy} must be a share")
    low, size = 1, 512
    while low <= _MAX_N:
        n = np.arange(low, min(low + size, _MAX_N + 1))
        hit = np.flatnonzero(worst_drop_half_width(n, clean_accuracy, confidence) <= half_width)
        if hit.size:
            return int(n[hit[0]])
        low, size = int(n[-1]) + 1, size * 2
    raise ValueError(f"no test set up to {_MAX_N} images reaches +-{half_width}")


def allocation(labels, n: int) -> np.ndarray:
    """Images per class (label 0..k-1) of a sample of `n`: largest remainders of n N_c / N, ties to the
    lower label. Every class gets floor(n N_c / N) or one more.

    >>> allocation([0, 0, 0, 1, 1, 2], 3).tolist()
    [2, 1, 0]
    """
    counts = np.bincount(np.asarray(labels, dtype=np.int64))
    total = int(counts.sum())
    n = min(int(n), total)
    quota = counts * n / total
    base = np.floor(quota).astype(np.int64)
    order = sorted(range(len(counts)), key=lambda k: (-(quota[k] - base[k]), k))
    base[order[:n - int(base.sum())]] += 1
    return base


def stratified_sample(labels, n: int, seed: int) -> np.ndarray:
    """Sorted positions of a sample of `n` of `labels`, stratified by class (`allocation`), drawn with
    `default_rng(seed)` class by class; every position when n covers them all."""
    labels = np.asarray(labels, dtype=np.int64)
    if n >= len(labels):
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    picked = [rng.choice(np.flatnonzero(labels == k), size=int(m), replace=False)
              for k, m in enumerate(allocation(labels, n)) if m]
    return np.sort(np.concatenate(picked)) if picked else np.empty(0, dtype=np.int64)


def sample_plan(labels, seed: int, *, clean_accuracy: float | None = None,
                half_width: float = TARGET_HALF_WIDTH, confidence: float = 0.95) -> tuple[np.ndarray, dict]:
    """(positions, the record's `robustness.sample`) for a test set with `labels`.

    >>> positions, sample = sample_plan([0, 1] * 5, seed=0)
    >>> len(positions), sample["n"], sample["of"], sample["method"]
    (10, 10, 10, 'all test images')
    """
    needed = n_for_drop_half_width(half_width, clean_accuracy, confidence)
    positions = stratified_sample(labels, needed, seed)
    whole = len(positions) == len(labels)
    sample = {"n": int(len(positions)), "of": int(len(labels)),
              "method": "all test images" if whole else f"stratified by class, seed {int(seed)}",
              "seed": int(seed), "target_half_width": float(half_width), "needed": int(needed),
              "planned_clean_accuracy": None if clean_accuracy is None else float(clean_accuracy)}
    if not whole:
        sample["indices"] = [int(i) for i in positions]
    return positions, sample
