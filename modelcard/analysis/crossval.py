"""Out-of-sample predicted probabilities for training data: K-fold cross-validated heads.

Why: cleanlab needs probabilities from a model that never saw the row. The training split's
own model has seen every training image, so each fold's head is fitted on the other folds'
cached backbone features and predicts the held-out fold. The head is a softmax classifier on
the pooled features (multinomial logistic regression, the same linear-softmax form as the
trained head, without dropout), so K fits take seconds and no image is decoded again.

Its cost stays a bounded share of a run at scale (20,000 images in 120 classes: see
bench/label_issues_scale.py): each fit works in float32 on the cached float32 features (one
standardized copy of its fit rows, no float64 copy of the matrix), stops after at most
`MAX_ITER` L-BFGS iterations, and the K folds run in parallel threads (`n_jobs`, one BLAS
thread each), so a fold costs at most about MAX_ITER passes over its rows.

K shrinks to the smallest class's image count when a class has fewer than K images (each fold
must hold every class once); with under 2 images in a class there is nothing to hold out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

DEFAULT_K = 5
C = 0.1          # L2 strength of the head: firm, since 1,280 features often outnumber the images
MAX_ITER = 100   # L-BFGS iterations per fold at most: the demo's folds converge in under 50
HEAD_METHOD = "multinomial logistic regression (softmax head) on the backbone's pooled features"


class TooSmall(ValueError):
    """The data cannot be cross-validated; the message says why, for the card."""


@dataclass(frozen=True)
class CrossValidated:
    """Held-out probabilities for every row, the K used, and why K shrank (or None)."""

    probs: np.ndarray     # (n, n_classes), rows sum to 1
    k: int                # e.g. 5
    note: str | None      # e.g. "K shrank from 5 to 3: class 'space' has only 3 training images"


def choose_k(labels: np.ndarray, class_names: Sequence[str], k: int = DEFAULT_K,
             groups: np.ndarray | None = None) -> tuple[int, str | None]:
    """(K to use, note when it shrank); TooSmall when a present class has fewer than 2 images.

    With `groups` (duplicate group ids), a class counts its distinct groups, not its images:
    a group never splits across folds, so a class needs K groups to appear in every fold.

    >>> choose_k(np.array([0, 0, 0, 1, 1, 1, 1]), ["cat", "dog"])
    (3, "K shrank from 5 to 3: class 'cat' has only 3 training images")
    >>> choose_k(np.array([0, 0, 1, 1]), ["cat", "dog"], k=2)
    (2, None)
    >>> choose_k(np.array([0, 1, 1]), ["cat", "dog"])
    Traceback (most recent call last):
    modelcard.analysis.crossval.TooSmall: class 'cat' has 1 training image; cross-validation needs at least 2 per class
    """
    labels = np.asarray(labels, dtype=np.int64)
    if groups is None:
        counts = np.bincount(labels, minlength=len(class_names))
        unit, units = "training image", "training images"
    else:
        pairs = set(zip(labels.tolist(), np.asarray(groups).tolist()))
        counts = np.bincount([c for c, _ in pairs], minlength=len(class_names))
        unit, units = "distinct image (duplicates count once)", "distinct images (duplicates count once)"
    present = [(int(c), name) for c, name in zip(counts, class_names) if c > 0]
    if len(present) < 2:
        raise TooSmall("fewer than 2 classes have training images, so there is nothing to cross-validate")
    smallest, name = min(present)
    if smallest < 2:
        raise TooSmall(f"class '{name}' has {smallest} {unit}; cross-validation needs at least 2 per class")
    if smallest >= k:
        return k, None
    return smallest, f"K shrank from {k} to {smallest}: class '{name}' has only {smallest} {units}"


def folds(labels, k: int, seed: int, groups=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(fit rows, held-out rows)] of K stratified folds, seeded; with `groups` (scikit-learn's
    `StratifiedGroupKFold`) every group stays inside one fold, so duplicates never straddle a fit
    and its held-out fold.

    >>> split = folds([0, 0, 1, 1, 0, 1], k=2, seed=0)
    >>> [(len(fit_rows), len(held_out)) for fit_rows, held_out in split]
    [(3, 3), (3, 3)]
    >>> sorted(np.concatenate([held_out for _, held_out in split]).tolist())  # each row held out once
    [0, 1, 2, 3, 4, 5]
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    y = np.asarray(labels, dtype=np.int64)
    if groups is None:
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)
    else:
        splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(
            np.zeros(len(y)), y, np.asarray(groups))
    return [(np.asarray(fit_rows), np.asarray(held_out)) for fit_rows, held_out in splitter]


def out_of_fold(n_classes: int, fold_list, fit_predict: Callable[[np.ndarray, np.ndarray], tuple],
                n_jobs: int = 1) -> np.ndarray:
    """(n, n_classes) held-out probabilities: `fit_predict(fit rows, held-out rows)` fits a head on
    the fit rows and returns (its class indices, probabilities of the held-out rows). With
    `n_jobs` > 1 the folds run in that many threads (`fit_predict` must then be thread-safe);
    the result does not depend on `n_jobs`.

    >>> split = [(np.array([1, 2]), np.array([0])), (np.array([0, 2]), np.array([1, 2]))]
    >>> def always_dog(fit_rows, held_out):  # a stand-in head that knows class 1 only
    ...     return np.array([1]), np.ones((len(held_out), 1))
    >>> out_of_fold(2, split, always_dog).tolist()
    [[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]]
    >>> out_of_fold(2, split, always_dog, n_jobs=2).tolist()
    [[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]]
    """
    n = sum(len(held) for _, held in fold_list)
    probs = np.zeros((n, n_classes))
    if n_jobs > 1 and len(fold_list) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(n_jobs, len(fold_list))) as pool:
            results = list(pool.map(lambda fold: fit_predict(*fold), fold_list))
    else:
        results = (fit_predict(fit_rows, held_out) for fit_rows, held_out in fold_list)
    for (_, held_out), (classes, held_probs) in zip(fold_list, results):
        probs[np.ix_(held_out, np.asarray(classes))] = held_probs
    return probs


def standardize(rows: np.ndarray, like: np.ndarray | None = None, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Standardize `rows` in place (StandardScaler's arithmetic: float64 moments, a constant
    feature keeps scale 1) and return (mean, scale); with `like` = (mean, scale), use those. The
    moments are summed block by block, so no float64 copy of `rows` is ever made.

    >>> rows = np.array([[1.0, 5.0], [3.0, 5.0]], dtype=np.float32)
    >>> [v.tolist() for v in standardize(rows)], rows.tolist()
    ([[2.0, 5.0], [1.0, 1.0]], [[-1.0, 0.0], [1.0, 0.0]])
    """
    if like is None:
        n = len(rows)
        total = sum(rows[i:i + block].sum(axis=0, dtype=np.float64) for i in range(0, n, block))
        mean = total / n
        moments = [_centred_sums(rows[i:i + block], mean) for i in range(0, n, block)]
        correction = sum(m[0] for m in moments)
        var = (sum(m[1] for m in moments) - correction ** 2 / n) / n
        eps = np.finfo(np.float64).eps
        constant = var <= n * eps * var + (n * mean * eps) ** 2
        scale = np.sqrt(var)
        scale[constant | (scale < 10 * eps)] = 1.0
        like = (mean, scale)
    rows -= like[0]
    rows /= like[1]
    return like


def _centred_sums(block: np.ndarray, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    diff = block - mean  # float64, one block only
    return diff.sum(axis=0), np.einsum("ij,ij->j", diff, diff)


def logistic_fit_predict(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray, np.ndarray], tuple]:
    """The softmax head of `HEAD_METHOD` as a `fit_predict` for `out_of_fold` (scikit-learn): it
    works in `x`'s own precision (float32 stays float32), standardizes one copy of the fit rows
    in place, stops after `MAX_ITER` iterations, and is thread-safe.

    >>> x, y = np.array([[0.0], [0.1], [0.2], [1.0], [1.1], [1.2]]), np.array([0, 0, 0, 1, 1, 1])
    >>> classes, probs = logistic_fit_predict(x, y)(np.array([0, 1, 3, 4]), np.array([2, 5]))
    >>> classes.tolist(), probs.shape, probs.argmax(axis=1).tolist()
    ([0, 1], (2, 2), [0, 1])
    """
    from sklearn.linear_model import LogisticRegression

    def fit_predict(fit_rows, held_out):
        rows = np.take(x, fit_rows, axis=0)  # the fold's one copy, standardized in place
        moments = standardize(rows)
        head = LogisticRegression(C=C, max_iter=MAX_ITER).fit(rows, y[fit_rows])
        del rows
        held = np.take(x, held_out, axis=0)
        standardize(held, like=moments)
        return head.classes_, head.predict_proba(held)

    return fit_predict


def default_jobs(k: int) -> int:
    """Threads for K folds: one per core this process may use, at most K.

    >>> 1 <= default_jobs(5) <= 5
    True
    """
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(k, cores))


def cross_validated_probs(features: np.ndarray, labels, class_names: Sequence[str], *, k: int = DEFAULT_K,
                          seed: int = 0, groups=None, n_jobs: int | None = None) -> CrossValidated:
    """Held-out class probabilities for every row from K stratified (group) folds (seeded); the
    folds run in `n_jobs` threads (default: one per core, at most K), with the same result.

    >>> x = np.array([[0.0], [0.1], [0.2], [0.3], [1.0], [1.1], [1.2], [1.3]])
    >>> cv = cross_validated_probs(x, [0, 0, 0, 0, 1, 1, 1, 1], ["cat", "dog"], k=2)
    >>> cv.k, cv.note, cv.probs.shape, cv.probs.argmax(axis=1).tolist()
    (2, None, (8, 2), [0, 0, 0, 0, 1, 1, 1, 1])
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    x = np.asarray(features, dtype=np.float32)  # the cache's own dtype: no copy
    y = np.asarray(labels, dtype=np.int64)
    k_used, note = choose_k(y, class_names, k, groups)
    fold_list = folds(y, k_used, seed, groups)
    jobs = default_jobs(k_used) if n_jobs is None else n_jobs
    # One BLAS thread per fold: on a busy machine, oversubscribed BLAS threads made each fit 20x
    # slower; the cores go to folds running side by side instead.
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # an early stop still gives usable probabilities
        probs = out_of_fold(len(class_names), fold_list, logistic_fit_predict(x, y), n_jobs=jobs)
    return CrossValidated(probs, k_used, note)
