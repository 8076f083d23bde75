"""The steps of `train` that differ on a multi-worker cluster (`--strategy multiworker` with
TF_CONFIG), kept out of the orchestration: each is the plain single-worker step without one.

* `for_this_worker`: start the cluster (or fail in one line), give every worker but the chief a
  temporary runs folder (`training.distributed.cluster.runs_dir_for_worker`), and turn a worker lost
  mid-run into one line (the run is already marked failed).
* `shared_split_features`: each worker extracts the backbone features of its share of a
  split and the shares are gathered, so every worker holds the whole split's features for
  the head fit; the cache is used only when every worker has it (else they would wait on
  each other for ever).
* `cluster_emissions`: every worker measures its own energy; the chief's record adds the
  cluster's sum and each worker's figures (`emissions.cluster`), or says which were not measured.
* `cluster_hardware`: the chief's hardware, with the number of workers.
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import Iterator

import numpy as np

from modelcard.errors import UserError
from modelcard.record.model import Emissions, Hardware
from modelcard.record.phase_costs import COST_KEYS
from modelcard.record.typed import with_fields

from ..distributed import cluster as clusters
from ..distributed.strategy import active_cluster, active_strategy, make_strategy
from ..model.features import FeatureKey, extract, split_features
from ..progress import log

@contextlib.contextmanager
def for_this_worker(strategy_name: str, runs_dir: Path) -> Iterator[tuple[Path, bool]]:
    """(runs folder, keep): make the strategy first (a cluster starts here, before any data is
    read), then the folder this worker writes to and whether its runs are kept (the chief's)."""
    cluster = clusters.current() if strategy_name == "multiworker" else None  # a bad TF_CONFIG: one line
    make_strategy(strategy_name)
    if cluster is None:
        yield runs_dir, True
        return
    import tensorflow as tf

    with clusters.runs_dir_for_worker(runs_dir, cluster) as folder:
        try:
            yield folder, cluster.is_chief
        except (tf.errors.UnavailableError, tf.errors.CancelledError, tf.errors.DeadlineExceededError) as exc:
            # a worker stopped answering mid-run: its run is already marked failed (open_run)
            raise UserError(clusters.lost_peer_line(cluster, type(exc).__name__)) from None


def extract_shared(extractor, paths: list[str], input_size: int, batch_size: int, desc: str) -> np.ndarray:
    """`features.extract` over all `paths`; on a cluster each worker extracts its contiguous share
    and the shares are gathered (every row is exactly what its worker computed)."""
    cluster = active_cluster()
    if cluster is None:
        return extract(extractor, paths, input_size, batch_size, desc)
    start, stop = clusters.shard_bounds(len(paths), cluster)
    mine = extract(extractor, paths[start:stop], input_size, batch_size, f"{desc} (worker {cluster.index}: {stop - start})")
    return clusters.gather_rows(active_strategy(), mine, len(paths), cluster)


def shared_split_features(key: FeatureKey, extractor, paths: list[str], input_size: int, batch_size: int, desc: str,
                          root: Path | None) -> tuple[np.ndarray, bool]:
    """`features.split_features` with `extract_shared`; on a cluster the cache counts only when
    every worker has it."""
    cluster = active_cluster()
    agree = None if cluster is None else (lambda ok: clusters.all_true(active_strategy(), ok, cluster.size))
    return split_features(key, lambda: extract_shared(extractor, paths, input_size, batch_size, desc), len(paths), root,
                          all_agree=agree)


def cluster_hardware(hardware: Hardware | None) -> Hardware | None:
    """The chief's hardware, plus `workers` (the number of workers) on a cluster."""
    cluster = active_cluster()
    if cluster is None or hardware is None:
        return hardware
    return with_fields(hardware, workers=cluster.size)


def _row(result: Emissions | None) -> np.ndarray:
    """[measured, figures...] of one worker (NaN for a figure it has not)."""
    if result is None:
        row = np.full(1 + len(COST_KEYS), np.nan)
        row[0] = 0.0
        return row
    values = [getattr(result, k) for k in COST_KEYS]
    return np.asarray([1.0, *(np.nan if v is None else float(v) for v in values)], dtype=np.float64)


def _number(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)


def summarize(rows: np.ndarray) -> dict:
    """`emissions.cluster` from one row per worker (see `_row`): sums over the measured workers."""
    workers = []
    for index, row in enumerate(rows):
        measured = bool(row[0] > 0.5)
        workers.append({"worker": index, "measured": measured,
                        **{k: _number(v) if measured else None for k, v in zip(COST_KEYS, row[1:])}})
    measured = [w for w in workers if w["measured"]]
    sums = {}
    for key in COST_KEYS:
        values = [w[key] for w in measured if w[key] is not None]
        sums[key] = (max(values) if key == "duration_s" else sum(values)) if values else None
    return {"workers": len(workers), "workers_measured": len(measured), **sums, "per_worker": workers}


def cluster_emissions(result: Emissions | None) -> Emissions | None:
    """The chief's `emissions` with `cluster` added (on a cluster; unchanged without one).

    Every worker must call it (it all-gathers each worker's figures). `cluster.per_worker` says
    whose energy was measured and `cluster.workers_measured` how many workers the sums cover (a
    gather that failed leaves only the chief's); the card words the workers not measured."""
    cluster = active_cluster()
    if cluster is None:
        return result
    try:
        rows = clusters.gather_rows(active_strategy(), _row(result)[None, :], cluster.size, cluster)
        section = summarize(rows)
    except Exception as exc:  # never lose the run over the bookkeeping: the chief's own figures stay
        log(f"warning: could not gather the other workers' emissions ({type(exc).__name__}: {exc})")
        section = summarize(np.stack([_row(result)] + [_row(None)] * (cluster.size - 1)))
    if result is None:
        return None
    return with_fields(result, cluster=section)
