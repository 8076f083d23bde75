"""Small, deterministic prediction sets written as CSV/NPZ, for tests that need a real run."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def synthetic_predictions(n: int = 240, classes=("cat", "dog", "bird"), seed: int = 0, skill: float = 2.5):
    """(y_true, y_prob, groups) from a softmax over noisy logits that favour the true class."""
    rng = np.random.default_rng(seed)
    k = len(classes)
    y_true = rng.integers(0, k, size=n)
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), y_true] += skill
    prob = np.exp(logits - logits.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    groups = np.where(rng.random(n) < 0.6, "indoor", "outdoor")
    return y_true, prob, groups


def write_csv(path: Path, classes=("cat", "dog", "bird"), n: int = 240, seed: int = 0, slice_name="setting") -> Path:
    y_true, prob, groups = synthetic_predictions(n, classes, seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "label", slice_name, *classes])
        for i in range(n):
            writer.writerow([f"img-{i:04d}", classes[y_true[i]], groups[i], *[repr(float(p)) for p in prob[i]]])
    return path
