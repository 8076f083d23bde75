"""The `seeds` and `cv` sections (1.2): training-seed variance and K-fold cross-validation."""

from __future__ import annotations

from dataclasses import dataclass

from ..typed import Section
from .metric import Metric


@dataclass(frozen=True, kw_only=True)
class SeedResult(Section):
    seed: int  # e.g. 1
    accuracy: float  # point value on the test split, e.g. 0.84375
    f1_macro: float  # e.g. 0.759
    predictions: str  # e.g. "predictions/test.seed1.npz"


@dataclass(frozen=True, kw_only=True)
class Spread(Section):
    min: float  # e.g. 0.84375
    max: float  # e.g. 0.9375
    spread: float  # max - min, e.g. 0.09375
    mean: float  # e.g. 0.8854
    std: float | None  # sample standard deviation, e.g. 0.0477


@dataclass(frozen=True, kw_only=True)
class Seeds(Section):
    set: str  # e.g. "test"
    seeds: list[int]  # e.g. [0, 1, 2]
    shipped_seed: int  # the saved model's seed, e.g. 0
    n: int  # e.g. 3
    per_seed: list[SeedResult]
    spread: dict[str, Spread]  # score -> spread, e.g. {"accuracy": {...}, "f1_macro": {...}}
    std_method: str | None = None  # e.g. "sample standard deviation across seeds (ddof=1)"


@dataclass(frozen=True, kw_only=True)
class AccuracyInterval(Section):
    method: str | None = None  # e.g. "wilson_or_corrected_t"
    description: str | None = None  # e.g. "the wider of the Wilson score interval on n ..."
    confidence: float | None = None  # e.g. 0.95
    wilson_method: str | None = None  # e.g. "Wilson score interval"
    wilson: list[float] | None = None  # e.g. [0.71, 0.83]
    corrected_t: list[float] | None = None  # Nadeau-Bengio corrected t, e.g. [0.70, 0.85]


@dataclass(frozen=True, kw_only=True)
class CvIntervalParts(Section):
    pooled: list[float] | None = None  # bootstrap interval on the pooled out-of-fold predictions, e.g. [0.69, 0.82]
    corrected_t: list[float] | None = None  # Nadeau-Bengio over the fold scores, e.g. [0.68, 0.83]; None: < 2 folds
    fold_scores: list[float] | None = None  # each fold's score, e.g. [0.74, 0.8, 0.77, 0.71, 0.79]


@dataclass(frozen=True, kw_only=True)
class CvIntervals(Section):
    confidence: float | None = None  # nominal level of every interval, e.g. 0.95
    n_resamples: int | None = None  # bootstrap resamples of the pooled predictions, e.g. 1000
    seed: int | None = None  # the bootstrap's seed, e.g. 0
    methods: dict[str, str] | None = None  # method id -> description, e.g. {"bootstrap_or_corrected_t": "the wider of ..."}
    metrics: dict[str, str | None] | None = None  # score -> method id, e.g. {"f1_macro": "bootstrap_or_corrected_t"}
    per_class: dict[str, str | None] | None = None  # per-class score -> method id, e.g. {"recall": "wilson_or_corrected_t"}
    parts: dict[str, CvIntervalParts] | None = None  # score -> its two parts, e.g. {"f1_macro": {...}}


@dataclass(frozen=True, kw_only=True)
class CvClassResult(Section):
    class_name: str  # e.g. "birds"
    support: int  # e.g. 30
    recall: Metric  # e.g. {"value": 0.8333, "ci_low": None, "ci_high": None}
    recognised: int | None = None  # e.g. 25


@dataclass(frozen=True, kw_only=True)
class CrossValidation(Section):
    k: int  # folds used, e.g. 5
    n: int  # train+val images, e.g. 199
    n_train: int  # e.g. 162
    n_val: int  # e.g. 37
    seed: int  # the folds' seed, e.g. 0
    metrics: dict[str, Metric]  # pooled out-of-fold scores, e.g. {"accuracy": {"value": 0.7739, ...}}
    per_class: list[CvClassResult]
    fold_accuracy: list[float]  # e.g. [0.75, 0.8, 0.78, 0.76, 0.78]
    predictions: str  # e.g. "predictions/cv.npz"
    k_requested: int | None = None  # e.g. 5
    k_note: str | None = None  # why K shrank, e.g. None
    folds: str | None = None  # e.g. "stratified group K-fold over train+val ..."
    head: str | None = None  # e.g. "a fresh softmax head per fold ..."
    epochs: int | None = None  # e.g. 10
    accuracy_interval: AccuracyInterval | None = None  # how the accuracy interval was made
    fold_sizes: list[int] | None = None  # e.g. [40, 40, 40, 40, 39]
    fold_of: list[int] | None = None  # each image's fold, e.g. [0, 3, 1, ...]
    intervals: CvIntervals | None = None  # the method of every interval (1.3), e.g. {"metrics": {"f1_macro": ...}}
