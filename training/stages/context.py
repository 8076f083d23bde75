"""What the stages of one run folder work on: their inputs, `MemberContext` (a sweep member, or
`evaluate`'s run), and the typed values they make for each other (`FitTimings`, `Pace`,
`EvaluationTiming`, `SavedModel`, `Measured`).

The entry point that builds the context decides how a model and its probabilities are had (head
mode: a head on cached features; finetune: a model trained end to end; evaluate: a loaded
`.keras`); the shared stages (`post_fit.py`) only call `predict`, `full_model` and `robust_model`.
The context is frozen: what a stage measures for a later one is a value it declares in
`makes` and returns, which the runner keeps in the member's `pipeline.Made` and hands to the
stages that declare it in `reads`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable, Mapping

import numpy as np

from modelcard.record import RunWriter

from ..data import Dataset, Sample
from ..data.metadata import Metadata
from ..measure.evaluation import SliceAttributes, slice_attributes


@dataclass(frozen=True)
class EvalSet:
    """One labelled set the model is evaluated on, e.g. the test split or an `--eval-set`."""

    dataset: Dataset
    split: str   # "test" or "eval"
    source: str  # e.g. "test split", "eval set /data/night"

    @property
    def samples(self) -> list[Sample]:
        return self.dataset.splits[self.split]


def metadata_attributes(metadata: Metadata | None) -> Callable[[str, EvalSet], SliceAttributes]:
    """Slice attributes read from the files (and `--metadata`) each time a set is evaluated."""
    return lambda name, eval_set: slice_attributes(eval_set.samples, metadata)


@dataclass(frozen=True)
class MemberContext:
    """One run folder's inputs, shared by its stages: the model's callables, the data, the settings."""

    writer: RunWriter
    class_names: list[str]
    sets: dict[str, EvalSet]                                 # `test` first, then the extra sets
    predict: Callable[[str, EvalSet], np.ndarray]            # probabilities of one set
    full_model: Callable[[], Any]                            # pixels -> probabilities (examples, saving, timing)
    attributes: Callable[[str, EvalSet], SliceAttributes]    # slice columns of one set
    test_paths: list[str]                                    # the test images, as the model reads them
    test_labels: np.ndarray
    input_size: int
    batch_size: int                                          # the record's efficiency.batch_size
    robustness_suite: str
    robustness_batch: int
    inference_predictions: int
    seed: int = 0
    phase_run_id: str | None = None                          # emissions phases of this member (None: the run's)
    label: str = ""                                          # progress-line label of a sweep member
    robust_model: Callable[[], Any] | None = None            # the model robustness feeds (default: full_model)
    shared_robustness: Callable[[], Any] | None = None       # a RobustnessResult computed for several members
    data_card: Any = None                                    # the run's DataCardCollector, collected once


# -- the values stages make for later stages (`@stage(makes=..., reads=...)`) --

@dataclass(frozen=True)
class FitTimings:
    """A fit stage's seconds per step so far, e.g. {"fit_s": 12.3} (the record's `training.timings`)."""

    timings: Mapping[str, float]


@dataclass(frozen=True)
class Pace:
    """Images per second of the run's own passes, for `efficiency`; None: not this run's to say
    (then the saved model's figure, if any, stands). A fit makes the training and extraction
    pace; `evaluate` its prediction pace over every set."""

    train_images_per_s: float | None = None
    extract_images_per_s: float | None = None
    predict_images_per_s: float | None = None

    def given(self) -> dict[str, float]:
        """The paces this run measured, by their `efficiency` key."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


@dataclass(frozen=True)
class EvaluationTiming:
    """The evaluation stage's time: whole, of which predicting, and the images predicted."""

    evaluation_s: float
    predict_s: float
    n_predicted: int


@dataclass(frozen=True)
class TestPredictions:
    """The headline evaluation's class probabilities of the first set (`test`), as the model gave them,
    in `test_paths` order: robustness restricts them to its images, so its clean accuracy is the
    headline's on those images, exactly."""

    probs: Any  # (n, k) array, e.g. float32 softmax rows


@dataclass(frozen=True)
class SavedModel:
    """The model file's size (None: no file of its own) and the model's parameter counts."""

    file_bytes: int | None
    total_params: int
    trainable_params: int

    def figures(self) -> dict[str, Any]:
        """Its `efficiency` keys."""
        return {"model_file_bytes": self.file_bytes, "total_params": self.total_params,
                "trainable_params": self.trainable_params}


@dataclass(frozen=True)
class Measured:
    """The model's `efficiency` figures (latency, throughput, size...; the saved model's alone when
    the collectors are off) and its inference cost per 1,000 predictions (None: not measured)."""

    figures: Mapping[str, Any]
    inference: Mapping[str, Any] | None = None
