"""Pseudo-counts that keep bootstrap intervals of count-based scores honest on small sets.

A resample can only repeat the images it was drawn from: when a class's 2 test images are
both right and nothing else is predicted as it, every resample gives F1 = 1 and the percentile
interval is the false certainty [1.000, 1.000]. Here each resample's confusion counts get
random pseudo-counts, drawn `Gamma(PSEUDO_COUNT * weight)`, added to its true positives, false
positives and false negatives. That is the Bayesian bootstrap's picture of the counts with a
Jeffreys-type prior (half an image on each side), so a set without errors still allows some.

How much prior weight goes where:
- per-class F1 treats each class as its own 2x2 table: half an image on each count (weight 1);
- overall scores (macro/weighted averages, balanced accuracy) spread half an image in total
  over the classes, by their share of the evaluation images (weight = support / n);
- per-group scores do the same inside each group (weight = the class's share of the group).
Classes with no weight (absent from the set or group) get none, so they stay undefined.
`bench/coverage.py` measures the resulting coverage.

Draws come from their own seeded streams (`default_rng([seed, stream])`), separate from the
resample indices, drawn row-major per resample so that chunking does not change them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .counts import ClassCounts
from .samples import PerSample

#: Prior weight, in images, on each of true positives, false positives and false negatives.
PSEUDO_COUNT = 0.5
OVERALL_STREAM, PER_CLASS_STREAM, GROUP_STREAM = 1, 2, 3


def with_pseudo(counts: ClassCounts, pseudo: np.ndarray) -> ClassCounts:
    """`counts` plus pseudo-counts; `pseudo[:, 0 | 1 | 2]` are the (tp, fp, fn) additions."""
    tp, fp, fn = pseudo[:, 0], pseudo[:, 1], pseudo[:, 2]
    return ClassCounts(tp=counts.tp + tp, support=counts.support + tp + fn, predicted=counts.predicted + tp + fp)


@dataclass
class PseudoCounts:
    """Seeded pseudo-count streams and their Gamma shapes, one per kind of score."""

    overall_shape: np.ndarray              # (k,) e.g. support / n * 0.5
    per_class_shape: np.ndarray            # (k,) 0.5 for classes in the set, else 0
    group_shapes: dict[str, np.ndarray]    # column -> (n_groups, k)
    streams: dict[object, np.random.Generator]

    @classmethod
    def for_samples(cls, samples: PerSample, groups: Mapping[str, tuple[list[str], np.ndarray]],
                    seed: int) -> "PseudoCounts":
        k = samples.n_classes
        pseudo = cls.for_counts(np.bincount(samples.y_true, minlength=k), np.bincount(samples.y_pred, minlength=k), seed)
        for i, (column, (names, codes)) in enumerate(sorted(groups.items())):
            cell = np.bincount(codes * k + samples.y_true, minlength=len(names) * k).reshape(len(names), k)
            pseudo.group_shapes[column] = PSEUDO_COUNT * cell / np.maximum(cell.sum(axis=1, keepdims=True), 1)
            pseudo.streams[column] = np.random.default_rng([seed, GROUP_STREAM, i])
        return pseudo

    @classmethod
    def for_counts(cls, support: np.ndarray, predicted: np.ndarray, seed: int) -> "PseudoCounts":
        """The overall and per-class streams from the set's `(k,)` true and predicted counts (no groups)."""
        support = np.asarray(support, dtype=np.float64)
        return cls(overall_shape=PSEUDO_COUNT * support / support.sum(),
                   per_class_shape=np.where(support + np.asarray(predicted) > 0, PSEUDO_COUNT, 0.0),
                   group_shapes={}, streams={"overall": np.random.default_rng([seed, OVERALL_STREAM]),
                                             "per_class": np.random.default_rng([seed, PER_CLASS_STREAM])})

    def _draw(self, stream, shape: np.ndarray, rows: int) -> np.ndarray:
        """`(rows, 3, *shape.shape)` draws: (tp, fp, fn) pseudo-counts for each resample.

        Only cells with weight are drawn (a group holds few of 1,000 classes); zero elsewhere.
        """
        weighted = shape > 0
        out = np.zeros((rows, 3) + shape.shape)
        out[:, :, weighted] = self.streams[stream].gamma(shape[weighted], size=(rows, 3, int(weighted.sum())))
        return out

    def overall(self, rows: int) -> np.ndarray:
        return self._draw("overall", self.overall_shape, rows)

    def per_class(self, rows: int) -> np.ndarray:
        return self._draw("per_class", self.per_class_shape, rows)

    def groups(self, column: str, rows: int) -> np.ndarray:
        return self._draw(column, self.group_shapes[column], rows)
