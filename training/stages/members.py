"""The loaded data and the runs of the sweep members that `train` hands to its engines (head, finetune)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from modelcard.record import RunWriter

from ..config import TrainConfig
from ..data import Dataset
from ..data.metadata import Metadata
from ..model.backbones import BackboneSpec
from ..model.fit import FitResult
from .context import EvalSet, MemberContext
from .pipeline import Made

EXTRACT_BATCH = 32  # fixed, so cached features do not depend on the training batch size


@dataclass
class LoadedData:
    """The training data and the extra evaluation sets, loaded and checked."""

    dataset: Dataset
    eval_sets: dict[str, Dataset]
    data_cache: Path
    metadata: Metadata | None = None  # `--metadata` CSV, checked before any run folder exists

    def evaluation_sets(self) -> dict[str, EvalSet]:
        """{record set name: set}: `test` first, then the extras."""
        sets = {"test": EvalSet(self.dataset, "test", "test split")}
        for name, ds in sorted(self.eval_sets.items()):
            sets[name] = EvalSet(ds, "eval", f"eval set {ds.root}")
        return sets

    def inputs(self, dataset: Dataset, split: str) -> tuple[list[str], np.ndarray]:
        paths, labels = dataset.tf_inputs(split, self.data_cache)
        return paths, np.asarray(labels, dtype=np.int64)


@dataclass
class MemberRun:
    """The run of one configuration (a sweep has several; a plain run has one): its writer, its
    fit, its stages' inputs (`ctx`) and what they made (`made`). Its row in the record's sweep
    table is a `modelcard.record.model.Member`."""

    index: int
    parameters: dict
    config: TrainConfig
    writer: RunWriter
    spec: BackboneSpec  # its backbone, width, input size, weights (a sweep may vary them)
    result: FitResult | None = None
    head: object = None
    extractor: object = None
    ctx: MemberContext | None = None  # its stages' inputs (model callables, sets, settings)
    made: Made = field(default_factory=Made)  # what its stages made (timings, efficiency, inference cost)
    label: str = ""  # "[3/8] optimizer=sgd batch_size=32" in a sweep, "" alone: names its progress lines

    def metric(self, name: str) -> float | None:
        return None if self.result is None else self.result.best.get(name)


def member_context(member: MemberRun, data: LoadedData, predict, full_model, attributes, data_card,
                   robust_model=None) -> MemberContext:
    """The stages' context of a trained member (its model reached through `predict` and `full_model`)."""
    cfg = member.config
    test_paths, test_labels = data.inputs(data.dataset, "test")
    return MemberContext(
        writer=member.writer, class_names=data.dataset.class_names, sets=data.evaluation_sets(), predict=predict,
        full_model=full_model, attributes=attributes, test_paths=test_paths, test_labels=test_labels,
        input_size=member.spec.input_size, batch_size=cfg.batch_size, robustness_suite=cfg.robustness,
        robustness_batch=EXTRACT_BATCH, inference_predictions=cfg.inference_predictions, seed=cfg.seed,
        phase_run_id=member.writer.run_id, label=member.label, data_card=data_card, robust_model=robust_model)
