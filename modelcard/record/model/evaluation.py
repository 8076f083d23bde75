"""One `evaluations[<set>]` entry: scores with intervals, per-class results, calibration, slices."""

from __future__ import annotations

from dataclasses import dataclass

from .. import intervals as _intervals
from ..typed import Section, to_dict
from .metric import Metric, MetricFact

#: Scores that are another score by definition, so the card states them once, with one interval:
#: weighted recall is accuracy (support-weighted recall = right answers / images, always), and
#: macro recall is balanced accuracy when no class without images in the set was ever predicted
#: (both are then the mean recall over the same classes).
SAME_AS = {"recall_weighted": "accuracy", "recall_macro": "balanced_accuracy"}
#: `metrics` keys, in the order evaluation writes them; top-5 accuracy only exists with more than 5 classes.
SCALAR_METRICS = ("accuracy", "balanced_accuracy", "log_loss", "top5_accuracy", "precision_macro", "recall_macro",
                  "f1_macro", "precision_weighted", "recall_weighted", "f1_weighted", "ece")
#: `per_class` scores of each class, e.g. `per_class[0].recall`.
PER_CLASS_METRICS = ("precision", "recall", "f1")
#: Scores of each slice group, e.g. `slices[0].groups[0].accuracy`.
SLICE_METRICS = ("accuracy", "f1_macro")


@dataclass(frozen=True, kw_only=True)
class Bootstrap(Section):
    method: str  # "expanded percentile" since 1.1 ("percentile" before), e.g. "expanded percentile"
    n_resamples: int  # resamples, 0 for none, e.g. 1000
    confidence: float  # nominal level, e.g. 0.95
    seed: int  # e.g. 0


@dataclass(frozen=True, kw_only=True)
class Intervals(Section):
    confidence: float | None = None  # nominal level of every interval, e.g. 0.95
    methods: dict[str, str] | None = None  # method id -> description, e.g. {"wilson": "Wilson score interval ..."}
    metrics: dict[str, str | None] | None = None  # metric -> method id, e.g. {"accuracy": "wilson"}
    per_class: dict[str, str | None] | None = None  # score -> method id, e.g. {"f1": "smoothed_bootstrap"}
    slices: dict[str, str | None] | None = None  # score -> method id, e.g. {"difference": "smoothed_bootstrap"}


@dataclass(frozen=True, kw_only=True)
class ClassResult(Section):
    class_name: str  # e.g. "birds"
    support: int  # test images of the class, e.g. 5
    precision: Metric  # e.g. {"value": 1.0, "ci_low": 0.57, "ci_high": 1.0}
    recall: Metric  # e.g. {"value": 1.0, "ci_low": 0.57, "ci_high": 1.0}
    f1: Metric  # e.g. {"value": 1.0, "ci_low": 0.65, "ci_high": 1.0}


@dataclass(frozen=True, kw_only=True)
class ConfusionMatrix(Section):
    labels: list[str]  # class names of rows (true) and columns (predicted), e.g. ["birds", "fish"]
    counts: list[list[int]]  # e.g. [[5, 0], [1, 2]]


@dataclass(frozen=True, kw_only=True)
class Confusion(Section):
    true: str  # the true class, e.g. "vegetables"
    predicted: str  # what the model said, e.g. "fruit"
    count: int  # images, e.g. 1
    rate: float  # count / support of the true class, e.g. 0.3333


@dataclass(frozen=True, kw_only=True)
class Calibration(Section):
    n_bins: int  # equal-width bins of the top probability, e.g. 15
    ece: Metric  # expected calibration error, e.g. {"value": 0.157, ...}
    bins: list[dict]  # [{lower, upper, count, accuracy, confidence}], e.g. [{"lower": 0.0, "upper": 0.0667, "count": 0, ...}]


@dataclass(frozen=True, kw_only=True)
class SliceGroup(Section):
    group: str | None = None  # e.g. "near square (4:5 to 5:4)"
    count: int | None = None  # images in the group, e.g. 20
    unreliable: bool | None = None  # fewer than min_group_size images, e.g. True
    accuracy: Metric | None = None  # e.g. {"value": 0.9, ...}
    f1_macro: Metric | None = None  # e.g. {"value": 0.91, ...}


@dataclass(frozen=True, kw_only=True)
class Slice(Section):
    column: str  # the attribute, e.g. "aspect"
    groups: list[SliceGroup] | None  # one row per value of the attribute
    difference: dict[str, float | None] | None  # max - min per score, e.g. {"accuracy": 0.1}
    ratio: dict[str, float | None] | None  # min / max per score, e.g. {"accuracy": 0.9}
    worst_group: dict[str, str | None] | None  # score -> its worst group, e.g. {"accuracy": "near square (4:5 to 5:4)"}
    min_group_size: int | None = None  # smaller groups are unreliable, e.g. 30
    difference_ci: dict[str, Metric] | None = None  # the differences with intervals, e.g. {"accuracy": {...}}


@dataclass(frozen=True, kw_only=True)
class Evaluation(Section):
    n_samples: int  # images in the set, e.g. 32
    n_classes: int  # e.g. 8
    bootstrap: Bootstrap  # the shared resamples
    metrics: dict[str, Metric]  # name -> metric, e.g. {"accuracy": {"value": 0.9375, ...}}
    per_class: list[ClassResult]  # in class order
    confusion_matrix: ConfusionMatrix
    top_confusions: list[Confusion]  # most frequent off-diagonal cells
    calibration: Calibration
    slices: list[Slice]  # fairlearn MetricFrame per attribute column
    source: str | None = None  # where the set came from, e.g. "test split"
    intervals: Intervals | None = None  # the method of every interval (1.1)
    slice_cut_points: dict[str, list[float]] | None = None  # e.g. {"brightness": [120.5, 160.2]}
    slice_definitions: dict[str, str] | None = None  # column -> meaning, e.g. {"orientation": "original width against height ..."}
    metadata_columns: list[str] | None = None  # slice columns from --metadata, e.g. ["camera"]

    def _interval_view(self) -> dict:
        """What modelcard.record.intervals reads, as the record holds it."""
        bootstrap = to_dict(self.bootstrap) if self.bootstrap is not None else {}  # a partial record (tests, diff)
        view = {"bootstrap": bootstrap, "metrics": self.metrics}
        if self.intervals is not None:
            view["intervals"] = to_dict(self.intervals)
        return view

    def same_as(self, name: str) -> str | None:
        """The metric `name` is by definition on this set (see SAME_AS), e.g. "accuracy" for
        "recall_weighted"; None when it is a quantity of its own here."""
        target = SAME_AS.get(name)
        if target is None or name not in self.metrics or not isinstance(self.metrics.get(target), Metric):
            return None
        if name == "recall_macro":
            counts = self.confusion_matrix.counts if self.confusion_matrix is not None else None
            if not counts:
                return None
            predicted = [sum(col) for col in zip(*counts)]
            if any(sum(row) == 0 and predicted[c] > 0 for c, row in enumerate(counts)):
                return None  # a class predicted but absent: macro recall counts it as 0, balanced accuracy skips it
        return target

    def metric(self, name: str) -> MetricFact | None:
        """One metric with its interval method id (records before 1.1: the bootstrap's), e.g.
        MetricFact(0.9375, 0.7985, 0.9827, "wilson"); None when the set has no such metric. A
        metric that is another by definition (`same_as`) is that metric, value and interval."""
        name = self.same_as(name) or name
        m = self.metrics.get(name)
        if not isinstance(m, Metric):
            return None
        method = _intervals.metric_interval_method(self._interval_view(), name)
        return MetricFact(m.value, m.ci_low, m.ci_high, method, m.reason)

    def interval_methods(self) -> tuple[dict, dict, dict, bool]:
        """(metrics, per_class, slices, recorded) method ids, as intervals.interval_method_ids."""
        return _intervals.interval_method_ids(self._interval_view())

    def method_descriptions(self) -> dict[str, str]:
        return _intervals.method_descriptions(self._interval_view())
