"""Two work-arounds that let Keras 3's `fit` run under MultiWorkerMirroredStrategy with 2+ workers.

Keras 3 (3.15 here; keras-team/keras#20585, open) breaks `fit` on a real cluster in two places
of its TensorFlow trainer, both only when the strategy spans several workers:

1. `_maybe_symbolic_build` all-reduces the first (x, y) batch, a tuple, which the collective
   strategy cannot reduce ("Attempt to convert a value (PerReplica ...)"). `prepare_fit`
   builds the model's, loss's, metrics' and optimizer's state inside the scope from the
   dataset's element spec instead (no data is read), and then clears the model's remembered
   strategy, so that `fit`, called inside the scope, finds the strategy through
   `tf.distribute.get_strategy()` and skips the broken step.
2. `reduce_per_replica` averages each worker's scalar logs (loss, accuracy) with
   `reduce(MEAN, axis=0)`, which fails on a scalar. `install` wraps it to average across the
   replicas (`axis=None`), which is what the single-machine path computes.

Gradients are still all-reduced by Keras' optimizer and metrics by their synchronised
variables: only the bookkeeping above changes. `steps_per_execution` must stay 1 on a cluster
(Keras' multi-step loop fails to feed its placeholder there), see `training.model.fit`.
"""

from __future__ import annotations

_installed = False


def install() -> None:
    """Wrap Keras' `reduce_per_replica` (idempotent; single-worker paths are unchanged)."""
    global _installed
    if _installed:
        return
    from keras.src import tree
    from keras.src.backend.tensorflow import trainer

    original = trainer.reduce_per_replica

    def reduce_per_replica(values, strategy, reduction):
        if reduction in ("auto", "mean") and trainer._collective_all_reduce_multi_worker(strategy):
            return tree.map_structure(
                lambda v: strategy.reduce("MEAN", v, axis=None) if trainer._is_per_replica_instance(v) else v, values)
        return original(values, strategy, reduction)

    trainer.reduce_per_replica = reduce_per_replica
    _installed = True


def prepare_fit(model, dataset) -> None:
    """Build `model`'s training state from `dataset.element_spec` (call inside the scope) and
    let `fit` take the strategy from the scope; see the module doc, point 1."""
    model._symbolic_build(data_batch=dataset.element_spec)
    if model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    model._distribute_strategy = None
