"""Tiny synthetic prediction sets shared by the analysis tests (plus a check of the generator)."""

from __future__ import annotations

import numpy as np


def random_predictions(n: int = 240, k: int = 8, seed: int = 0, *, starve: int | None = None,
                       absent: int | None = None, uniform_rows: int = 0):
    """`(y_true, y_prob)` from a noisy, overconfident softmax model.

    `starve`: a class kept in y_true but never predicted; `absent`: a class neither true nor
    predicted; `uniform_rows`: rows of exactly tied probabilities (tie-order checks).
    """
    rng = np.random.default_rng(seed)
    labels = [c for c in range(k) if c != absent]
    y_true = rng.choice(labels, size=n)
    logits = rng.normal(size=(n, k)) * 2.0
    logits[np.arange(n), y_true] += 2.5
    for c in (starve, absent):
        if c is not None:
            logits[:, c] = -30.0
    y_prob = np.exp(logits - logits.max(axis=1, keepdims=True))
    y_prob[:uniform_rows] = 1.0
    y_prob /= y_prob.sum(axis=1, keepdims=True)
    return y_true, y_prob


def names(k: int) -> list[str]:
    return [f"class_{c:02d}" for c in range(k)]


def test_generator_gives_valid_probabilities_and_requested_gaps():
    y_true, y_prob = random_predictions(300, 7, starve=2, absent=5, uniform_rows=3)
    np.testing.assert_allclose(y_prob.sum(axis=1), 1.0)
    y_pred = y_prob.argmax(axis=1)
    assert 2 in y_true and 2 not in y_pred
    assert 5 not in y_true and 5 not in y_pred
    assert (y_prob[:3] == 1 / 7).all()
