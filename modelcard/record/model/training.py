"""The `training` section: optimiser, history, timings (null when nothing was trained)."""

from __future__ import annotations

from dataclasses import dataclass

from ..typed import Section


@dataclass(frozen=True, kw_only=True)
class EarlyStopping(Section):
    monitor: str | None = None  # e.g. "val_loss"
    patience: int | None = None  # epochs without improvement before stopping, e.g. 3
    restore_best_weights: bool | None = None  # e.g. True


@dataclass(frozen=True, kw_only=True)
class Distribution(Section):
    strategy: str | None = None  # the --strategy, e.g. "multiworker"; "default" is one device
    replicas: int | None = None  # replicas in sync, e.g. 2
    workers: int | None = None  # multiworker: workers of the cluster (1.2), e.g. 2
    worker_index: int | None = None  # multiworker: this worker, 0 is the chief (1.2), e.g. 0
    devices: list[str] | None = None  # not "default": the strategy's worker devices, e.g. ["/job:worker/replica:0/task:0/device:CPU:0"]


@dataclass(frozen=True, kw_only=True)
class Training(Section):
    mode: str  # "head" (frozen backbone) or "finetune", e.g. "head"
    history: dict[str, list[float | None]]  # Keras metric -> per-epoch values, e.g. {"val_loss": [0.9, 0.77]}
    optimizer: str | None = None  # e.g. "adam"
    learning_rate: float | None = None  # e.g. 0.001
    batch_size: int | None = None  # e.g. 32
    epochs_requested: int | None = None  # e.g. 10
    epochs_run: int | None = None  # e.g. 10
    best_epoch: int | None = None  # the epoch kept, 1-based, e.g. 10
    may_have_stopped_too_early: bool | None = None  # the epoch limit ended a still-improving fit, e.g. True
    seed: int | None = None  # e.g. 0
    timings: dict[str, float | None] | None = None  # name -> seconds, e.g. {"fit_s": 0.9454}
    images_per_epoch: int | None = None  # training images one epoch used (1.2), e.g. 160
    drop_remainder: bool | None = None  # each epoch dropped its last partial batch (1.2), e.g. True
    early_stopping: EarlyStopping | None = None  # the early-stopping rule
    distribution: Distribution | None = None  # the tf.distribute strategy, replicas and workers
    features_from_cache: bool | None = None  # head mode: pooled features from the on-disk cache, e.g. True
    unfrozen_blocks: list[str] | None = None  # finetune mode: backbone blocks trained, e.g. ["block_16", "Conv_1"]
    batchnorm_frozen: bool | None = None  # finetune mode: BatchNorm layers kept frozen (1.2), e.g. True
    augmentation: str | None = None  # finetune mode: training-time augmentation (1.2), e.g. "random horizontal flips, ..."
