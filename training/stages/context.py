"""What the stages of one run folder work on: `MemberContext` (a sweep member, or `evaluate`'s run).

The entry point that builds it decides how a model and its probabilities are had (head mode:
a head on cached features; finetune: a model trained end to end; evaluate: a loaded `.keras`);
the shared stages (`post_fit.py`) only call `predict`, `full_model` and `robust_model`.
Stages fill the measured fields below as they run (`evaluation_s`, `measured`, `inference`...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

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


@dataclass
class MemberContext:
    """One run folder's model, data and measurements, shared by its stages."""

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
    timings: dict[str, float] = field(default_factory=dict)  # the record's training.timings (train only)
    evaluation_s: float = 0.0                                # the evaluation stage, whole
    predict_s: float = 0.0                                   # of which predicting
    n_predicted: int = 0
    train_ips: float | None = None
    extract_ips: float | None = None
    measured: dict = field(default_factory=dict)             # efficiency figures of the saved model
    inference: dict | None = None                            # energy per 1,000 predictions (model_cost)
    filled: dict[str, str] = field(default_factory=dict)     # section -> the stage that filled it (runner)
