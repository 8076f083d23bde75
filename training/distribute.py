"""`--strategy`: run on TensorFlow's own distribution engine instead of a hand-rolled one.

Models are built and compiled inside `strategy.scope()`, so the same code trains on one CPU,
several GPUs (mirrored) or several hosts (multiworker, configured by the TF_CONFIG variable).
"""

from __future__ import annotations

import json
import os

from .progress import log


def make_strategy(name: str):
    """The `tf.distribute.Strategy` for `default`, `mirrored` or `multiworker`."""
    import tensorflow as tf

    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        if not os.environ.get("TF_CONFIG"):
            log("warning: --strategy multiworker without TF_CONFIG runs as a single worker")
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"unknown strategy {name!r}")


def describe(name: str, strategy) -> dict:
    """What the record says about distribution: strategy, replicas and (multiworker) the cluster."""
    info = {"strategy": name, "replicas": int(strategy.num_replicas_in_sync)}
    if name == "multiworker" and os.environ.get("TF_CONFIG"):
        try:
            cluster = json.loads(os.environ["TF_CONFIG"]).get("cluster", {})
            info["workers"] = len(cluster.get("worker", []))
        except (ValueError, AttributeError):
            info["workers"] = None
    return info
