"""Out-of-sample predicted probabilities for training data: K-fold cross-validated heads.

Why: cleanlab needs probabilities from a model that never saw the row. The training split's
own model has seen every training image, so each fold's head is fitted on the other folds'
cached backbone features and predicts the held-out fold. The head is a softmax classifier on
the pooled features (multinomial logistic regression, the same linear-softmax form as the
trained head, without dropout), so K fits take seconds and no image is decoded again.

K shrinks to the smallest class's image count when a class has fewer than K images (each fold
must hold every class once); with under 2 images in a class there is nothing to hold out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

DEFAULT_K = 5
C = 0.1          # L2 strength of the head: firm, since 1,280 features often outnumber the images
MAX_ITER = 300
HEAD_METHOD = "multinomial logistic regression (softmax head) on the backbone's pooled features"


class TooSmall(ValueError):
    """The data cannot be cross-validated; the message says why, for the card."""


@dataclass(frozen=True)
class CrossValidated:
    """Held-out probabilities for every row, the K used, and why K shrank (or None)."""

    probs: np.ndarray     # (n, n_classes), rows sum to 1
    k: int                # e.g. 5
    note: str | None      # e.g. "K shrank from 5 to 3: class 'space' has only 3 training images"


def choose_k(labels: np.ndarray, class_names: Sequence[str], k: int = DEFAULT_K) -> tuple[int, str | None]:
    """(K to use, note when it shrank); TooSmall when a present class has fewer than 2 images."""
    counts = np.bincount(labels, minlength=len(class_names))
    present = [(int(c), name) for c, name in zip(counts, class_names) if c > 0]
    if len(present) < 2:
        raise TooSmall("fewer than 2 classes have training images, so there is nothing to cross-validate")
    smallest, name = min(present)
    if smallest < 2:
        raise TooSmall(f"class '{name}' has {smallest} training image; cross-validation needs at least 2 per class")
    if smallest >= k:
        return k, None
    return smallest, f"K shrank from {k} to {smallest}: class '{name}' has only {smallest} training images"


def cross_validated_probs(features: np.ndarray, labels, class_names: Sequence[str], *, k: int = DEFAULT_K,
                          seed: int = 0) -> CrossValidated:
    """Held-out class probabilities for every row from K stratified folds (seeded)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    k_used, note = choose_k(y, class_names, k)
    probs = np.zeros((len(y), len(class_names)))
    folds = StratifiedKFold(n_splits=k_used, shuffle=True, random_state=seed)
    # One BLAS thread: on a busy machine, oversubscribed BLAS threads made each fit 20x slower.
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # an early stop still gives usable probabilities
        for fit_rows, held_out in folds.split(x, y):
            head = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=MAX_ITER))
            head.fit(x[fit_rows], y[fit_rows])
            probs[np.ix_(held_out, head.classes_)] = head.predict_proba(x[held_out])
    return CrossValidated(probs, k_used, note)
