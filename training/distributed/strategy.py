"""`--strategy`: run on TensorFlow's own distribution engine instead of a hand-rolled one.

Only the fits run inside `strategy.scope()` (`fit_scope`): the models fitted there are built
there, and everything after a fit (evaluation, robustness, examples, the saved model) uses a
plain copy of the fitted model built outside it (`local_copy`). Why: Keras runs `predict` of
a model built in a scope on every replica and concatenates the replicas' outputs, so under
`mirrored` on several GPUs or `multiworker` a batch of 32 came back as 64 rows.

The strategy is made once per process (`make_strategy`; MultiWorkerMirroredStrategy configures
TensorFlow's runtime and can only be made once) and remembered, so `fit_scope` and the cluster
steps (`training.distributed.cluster`) find it.
"""

from __future__ import annotations

import contextlib
from typing import Callable, Iterator

from ..progress import log
from . import cluster as clusters

_active: dict = {}  # {"name": ..., "strategy": ..., "cluster": Cluster | None}


def make_strategy(name: str):
    """The `tf.distribute.Strategy` for `default`, `mirrored` or `multiworker` (made once)."""
    if _active.get("name") == name:
        return _active["strategy"]
    cluster = clusters.current() if name == "multiworker" else None
    if cluster is not None:
        clusters.wait_for_peers(cluster)  # before TensorFlow, which would wait for ever
    import tensorflow as tf

    if name == "default":
        strategy = tf.distribute.get_strategy()
    elif name == "mirrored":
        strategy = tf.distribute.MirroredStrategy()
    elif name == "multiworker":
        if cluster is None:
            log("warning: --strategy multiworker without TF_CONFIG runs as a single worker")
            strategy = tf.distribute.MultiWorkerMirroredStrategy()
        else:
            from .keras_multiworker import install

            install()
            strategy = tf.distribute.MultiWorkerMirroredStrategy()
            log(f"cluster: worker {cluster.index} of {cluster.size} ({'chief' if cluster.is_chief else 'not the chief'}), "
                f"{strategy.num_replicas_in_sync} replicas in sync")
    else:
        raise ValueError(f"unknown strategy {name!r}")
    _active.update(name=name, strategy=strategy, cluster=cluster)
    return strategy


def active_cluster() -> clusters.Cluster | None:
    """The multi-worker cluster this process trains in (None: a single worker)."""
    return _active.get("cluster")


def active_strategy():
    """The strategy `make_strategy` made (None before)."""
    return _active.get("strategy")


def distributed() -> bool:
    """True when fits run under a strategy other than the default one."""
    return _active.get("name") not in (None, "default")


@contextlib.contextmanager
def fit_scope() -> Iterator[None]:
    """Build, compile and fit a model inside this block (the strategy's scope; no-op by default)."""
    if not distributed():
        yield
        return
    with _active["strategy"].scope():
        yield


def local_copy(model, build: Callable[[], object]):
    """`model` itself under the default strategy; otherwise `build()` (outside every scope)
    with `model`'s weights, so it predicts exactly the rows it is given."""
    if not distributed():
        return model
    twin = build()
    twin.set_weights(model.get_weights())
    return twin


def describe(name: str, strategy) -> dict:
    """What the record says about distribution: the strategy, its replicas and devices, and
    (multiworker with TF_CONFIG) the number of workers and this one's index (0: the chief)."""
    info = {"strategy": name, "replicas": int(strategy.num_replicas_in_sync)}
    if name != "default":
        info["devices"] = [str(d) for d in strategy.extended.worker_devices]
    cluster = _active.get("cluster") if _active.get("strategy") is strategy else None
    if name == "multiworker":
        info["workers"] = cluster.size if cluster else 1
        info["worker_index"] = cluster.index if cluster else 0
    return info
