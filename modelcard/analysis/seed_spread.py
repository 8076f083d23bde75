"""Training-seed variance: the record's `seeds` section from each seed's test predictions.

The same recipe, retrained with N seeds on the same data, scores differently on the same test
images; the spread across seeds (min, max, their difference, standard deviation) says how much
of a difference between two runs one retraining can produce. The shipped model is the run's own
seed (`config.seed`, the first of the list), never the best seed on test: picking on test would
make its score optimistic.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

SPREAD_METRICS = ("accuracy", "f1_macro")
STD_METHOD = "sample standard deviation across seeds (ddof=1)"


def seed_list(first: int, n: int) -> list[int]:
    """The seeds of `--seeds N`: the run's seed and the N - 1 after it, e.g. (0, 3) -> [0, 1, 2].

    >>> seed_list(0, 3), seed_list(7, 2)
    ([0, 1, 2], [7, 8])
    """
    return [int(first) + i for i in range(int(n))]


def spread(values: Sequence[float]) -> dict:
    """{min, max, spread (max - min), mean, std} of one metric over the seeds (std None for one seed)."""
    v = np.asarray([float(x) for x in values], dtype=float)
    return {"min": float(v.min()), "max": float(v.max()), "spread": float(v.max() - v.min()), "mean": float(v.mean()),
            "std": float(v.std(ddof=1)) if len(v) > 1 else None}


def seeds_section(rows: list[dict], shipped_seed: int, eval_set: str = "test") -> dict:
    """The record's `seeds`: `rows` are {seed, accuracy, f1_macro, predictions, ...} in seed order.

    >>> rows = [{"seed": 0, "accuracy": 0.8, "f1_macro": 0.75}, {"seed": 1, "accuracy": 0.9, "f1_macro": 0.85}]
    >>> section = seeds_section(rows, shipped_seed=0)
    >>> section["seeds"], {key: round(value, 4) for key, value in section["spread"]["accuracy"].items()}
    ([0, 1], {'min': 0.8, 'max': 0.9, 'spread': 0.1, 'mean': 0.85, 'std': 0.0707})
    """
    return {"set": eval_set, "seeds": [r["seed"] for r in rows], "shipped_seed": int(shipped_seed),
            "n": len(rows), "per_seed": rows, "std_method": STD_METHOD,
            "spread": {m: spread([r[m] for r in rows]) for m in SPREAD_METRICS}}


def seed_row(seed: int, y_true, y_prob, class_names: Sequence[str], predictions: str, **extra) -> dict:
    """One seed's test accuracy and macro F1 (point values, the same formulas as the evaluation).

    >>> row = seed_row(1, [0, 1, 1, 0], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]], ["cat", "dog"], "p.csv")
    >>> row["seed"], row["accuracy"], round(row["f1_macro"], 4), row["predictions"]
    (1, 0.75, 0.7333, 'p.csv')
    """
    from .point import point_metrics

    point = point_metrics(np.asarray(y_true), np.asarray(y_prob, dtype=np.float64), list(class_names))
    return {"seed": int(seed), "accuracy": point.scalars["accuracy"], "f1_macro": point.scalars["f1_macro"],
            "predictions": predictions, **extra}
