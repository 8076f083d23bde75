"""Fitting a compiled Keras model with early stopping, returning what the record needs.

The same function fits the head on cached features (head mode) and the whole classifier on
images (finetune mode), so both modes get identical optimizers, stopping and history.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

from ..progress import current_label, fit_progress, fit_summary, log

# Test-only hook: raise KeyboardInterrupt after this many epochs, to test Ctrl-C handling
# deterministically (a real SIGINT would race a fit that lasts a fraction of a second).
INTERRUPT_ENV = "MODELCARD_TEST_INTERRUPT_AFTER_EPOCH"
LOSS = "sparse_categorical_crossentropy"


@dataclass
class FitResult:
    """The outcome of one fit; the model holds the best epoch's weights."""

    history: dict[str, list[float | None]]
    epochs_run: int
    best_epoch: int  # 1-based
    fit_s: float
    epochs_allowed: int | None = None  # the fit's `epochs` limit

    @property
    def stopped_too_early(self) -> bool | None:
        """See `may_have_stopped_too_early`; None without a validation-accuracy history or a limit."""
        if self.epochs_allowed is None:
            return None
        return may_have_stopped_too_early(self.history.get("val_accuracy"), self.best_epoch, self.epochs_run,
                                          self.epochs_allowed)

    @property
    def best(self) -> dict[str, float | None]:
        """Each history metric at the best epoch (the one whose weights were kept)."""
        return {k: v[self.best_epoch - 1] for k, v in self.history.items()}


def may_have_stopped_too_early(val_accuracy: list[float | None] | None, best_epoch: int, epochs_run: int,
                               epochs_allowed: int) -> bool | None:
    """True when the kept epoch is the last one allowed and validation accuracy rose into it.

    Such a fit was cut off by the epoch limit, not by early stopping, while still improving:
    more epochs might have helped. None when there are fewer than two finite accuracies to compare.
    """
    values = list(val_accuracy or [])
    if len(values) < 2 or values[-1] is None or values[-2] is None:
        return None
    return best_epoch == epochs_run == epochs_allowed and values[-1] > values[-2]


def make_optimizer(name: str, learning_rate: float, momentum: float = 0.9):
    """adam, adamw, sgd (with momentum) or rmsprop at `learning_rate`."""
    import keras

    if name == "adam":
        return keras.optimizers.Adam(learning_rate)
    if name == "adamw":
        return keras.optimizers.AdamW(learning_rate)
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate, momentum=momentum)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    raise ValueError(f"unknown optimizer {name!r}")


def compile_classifier(model, optimizer: str, learning_rate: float, momentum: float, steps_per_execution: int = 1) -> None:
    """Compile for integer labels, reporting accuracy (what the history and selection use).
    On a multi-worker cluster one step per execution (see `training.distributed.keras_multiworker`)."""
    from ..distributed.strategy import active_cluster

    if active_cluster() is not None:
        steps_per_execution = 1
    model.compile(optimizer=make_optimizer(optimizer, learning_rate, momentum), loss=LOSS,
                  metrics=["accuracy"], jit_compile=False, steps_per_execution=steps_per_execution)


def epoch_usage(n: int, batch_size: int | None, *, drop_remainder: bool = True) -> dict:
    """`training.images_per_epoch` and `training.drop_remainder` (record 1.2): the training images
    one epoch actually uses. Fixed-shape batches (head mode) drop the last partial batch when there
    is at least one full batch, e.g. 162 images at batch 32 -> 160 (128 at batch 64)."""
    drop = drop_remainder and batch_size is not None and n >= batch_size
    return {"images_per_epoch": (n // batch_size) * batch_size if drop else n, "drop_remainder": drop}


def feature_datasets(train_x, train_y, val_x, val_y, batch_size: int, seed: int):
    """(train, val, steps per epoch) for a head fit on in-memory features.

    Why not `fit(x, y)` on arrays: per-configuration overhead decides a sweep's cost, and most
    of it is tracing. Fixed-shape batches (the remainder is dropped, reshuffled each epoch, so
    every sample is still used) trace once, the validation set is one batch, and running a whole
    epoch per call (`steps_per_execution`) removes the per-step Python round trips.
    """
    import tensorflow as tf

    n = len(train_y)
    drop = epoch_usage(n, batch_size)["drop_remainder"]
    train = (tf.data.Dataset.from_tensor_slices((train_x, train_y))
             .shuffle(n, seed=seed, reshuffle_each_iteration=True)
             .batch(batch_size, drop_remainder=drop).prefetch(tf.data.AUTOTUNE))
    val = tf.data.Dataset.from_tensor_slices((val_x, val_y)).batch(max(1, len(val_y)))
    steps = n // batch_size if drop else 1
    return train, val, steps


def _test_interrupt_callbacks() -> list:
    """The test-only interrupt callback, when the environment asks for it."""
    after = os.environ.get(INTERRUPT_ENV)
    if not after:
        return []
    import keras

    class InterruptAfter(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 >= int(after):
                raise KeyboardInterrupt(f"{INTERRUPT_ENV}={after}")

    return [InterruptAfter()]


def _clean(values) -> list[float | None]:
    return [None if v is None or not math.isfinite(float(v)) else float(v) for v in values]


def _for_cluster(model, x, validation_data):
    """On a multi-worker cluster: datasets sharded by element (each worker takes its part of
    every global batch; they hold no files to shard) and the Keras work-around applied."""
    from ..distributed.strategy import active_cluster

    if active_cluster() is None:
        return x, validation_data
    import tensorflow as tf

    from ..distributed.keras_multiworker import prepare_fit

    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    x, validation_data = x.with_options(options), validation_data.with_options(options)
    prepare_fit(model, x)
    return x, validation_data


def fit(model, x, y=None, *, validation_data, batch_size: int | None, epochs: int, patience: int,
        label: str = "") -> FitResult:
    """`model.fit` with EarlyStopping on val_loss (best weights restored), a progress bar (a line per
    epoch with --verbose) and one summary line at the end.

    `x`/`y` are arrays (then `batch_size` applies) or `x` is a batched tf.data dataset.
    """
    import keras

    label = label or current_label()
    x, validation_data = _for_cluster(model, x, validation_data)
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    progress = fit_progress(label)
    callbacks = [stopper, progress, *_test_interrupt_callbacks()]
    start = time.perf_counter()
    arrays = y is not None
    try:
        hist = model.fit(x, y, validation_data=validation_data, batch_size=batch_size if arrays else None,
                         epochs=epochs, shuffle=arrays, verbose=0, callbacks=callbacks)
    finally:
        progress.close()
    fit_s = time.perf_counter() - start
    history = {k: _clean(v) for k, v in sorted(hist.history.items())}
    epochs_run = len(history.get("loss", []))
    result = FitResult(history=history, epochs_run=epochs_run, best_epoch=int(stopper.best_epoch) + 1, fit_s=fit_s,
                       epochs_allowed=epochs)
    log(fit_summary(label, epochs_run, epochs, result.best_epoch, result.best, fit_s,
                    too_early=bool(result.stopped_too_early)))
    return result


def fit_head(train_x, train_y, val_x, val_y, n_classes: int, cfg) -> tuple[object, FitResult]:
    """(head, FitResult): a fresh head fitted on in-memory features with `cfg` (seeded), early-stopped
    on val. Built and fitted in the strategy's scope; the head returned predicts outside it
    (`training.distributed.strategy.local_copy`)."""
    import keras

    from ..distributed.strategy import fit_scope, local_copy
    from .full_model import build_head

    keras.utils.set_random_seed(cfg.seed)
    train_ds, val_ds, steps = feature_datasets(train_x, train_y, val_x, val_y, cfg.batch_size, cfg.seed)
    with fit_scope():
        head = build_head(train_x.shape[1], n_classes, cfg.dropout)
        compile_classifier(head, cfg.optimizer, cfg.effective_learning_rate(), cfg.momentum, steps_per_execution=steps)
        result = fit(head, train_ds, validation_data=val_ds, batch_size=None, epochs=cfg.epochs, patience=cfg.patience)
    return local_copy(head, lambda: build_head(train_x.shape[1], n_classes, cfg.dropout)), result
