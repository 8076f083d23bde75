"""The multi-worker cluster named by TF_CONFIG: who this worker is, whether it can reach the
others, and the few collective steps `train` needs beyond the fit.

Why it is built this way:
* TF_CONFIG is read once, here, into a typed `Cluster`; a malformed one is a user mistake (one
  line, exit 2) found before any data is read.
* Only the chief (worker 0, or the task of type `chief`) keeps anything: every other worker
  trains into a temporary runs folder that is deleted when it finishes (as TensorFlow's
  multi-worker guide does with its temporary checkpoint folders), and `train` returns no run
  for it.
* TensorFlow waits for ever (in C++, holding the GIL, so no Python timer can step in) for a
  worker that never starts. `wait_for_peers` checks first, with plain sockets, that every other
  worker's port answers within $MODELCARD_CLUSTER_TIMEOUT (default 120 s); past it the worker
  names the addresses it cannot reach and exits 2. No run folder exists yet at that point, so
  a half-started cluster leaves no run behind.
* The collective helpers (`all_sum`, `all_true`, `gather_rows`) all-reduce through the
  strategy, so every worker must call them in the same order: `train` runs the same steps on
  every worker, and the chief alone differs only in where it writes.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from modelcard.errors import UserError

from ..progress import log

TIMEOUT_ENV = "MODELCARD_CLUSTER_TIMEOUT"
DEFAULT_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Cluster:
    """This worker's place in the TF_CONFIG cluster."""

    workers: tuple[str, ...]  # every address, chief first ("127.0.0.1:12345")
    index: int                # this worker's position in `workers`

    @property
    def is_chief(self) -> bool:
        return self.index == 0

    @property
    def size(self) -> int:
        return len(self.workers)

    @property
    def peers(self) -> list[tuple[int, str]]:
        """(position, address) of every other worker."""
        return [(i, a) for i, a in enumerate(self.workers) if i != self.index]


def parse_tf_config(text: str | None) -> Cluster | None:
    """The cluster TF_CONFIG describes, None without one; a one-line UserError when malformed."""
    if not text:
        return None
    example = ('e.g. TF_CONFIG=\'{"cluster": {"worker": ["host0:12345", "host1:12345"]}, '
               '"task": {"type": "worker", "index": 0}}\'')
    try:
        config = json.loads(text)
        cluster, task = config["cluster"], config["task"]
        chief = list(cluster.get("chief", []))
        workers = chief + list(cluster.get("worker", []))
        kind, index = task["type"], int(task["index"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UserError(f"TF_CONFIG is not a cluster description ({text[:80]!r}); {example}") from None
    if len(chief) > 1 or kind not in ("chief", "worker") or not workers:
        raise UserError(f"TF_CONFIG must list the workers under cluster.worker (at most one cluster.chief) "
                        f"and name this task as a worker or the chief; {example}")
    position = index if kind == "chief" else len(chief) + index
    if not 0 <= position < len(workers) or (kind == "chief" and index != 0):
        raise UserError(f"TF_CONFIG task {kind} {index} is not in its cluster ({len(workers)} workers); {example}")
    for address in workers:
        _host_port(address)
    return Cluster(tuple(str(a) for a in workers), position)


def _host_port(address: str) -> tuple[str, int]:
    host, _, port = str(address).rpartition(":")
    if not host or not port.isdigit():
        raise UserError(f"TF_CONFIG names worker address {address!r}; give HOST:PORT, e.g. 127.0.0.1:12345")
    return host.strip("[]"), int(port)


def current() -> Cluster | None:
    """The cluster of this process's TF_CONFIG (None without one)."""
    return parse_tf_config(os.environ.get("TF_CONFIG"))


def reachable(address: str, timeout_s: float = 1.0) -> bool:
    """True when something accepts TCP connections at `address`."""
    host, port = _host_port(address)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def startup_timeout() -> float:
    value = os.environ.get(TIMEOUT_ENV, "")
    try:
        return float(value) if value else DEFAULT_TIMEOUT_S
    except ValueError:
        raise UserError(f"{TIMEOUT_ENV}={value!r} is not a number of seconds; e.g. {TIMEOUT_ENV}=120") from None


def unreachable_line(cluster: Cluster, timeout_s: float, missing: list[tuple[int, str]]) -> str:
    """The one line a worker prints when the cluster did not come up in time."""
    names = ", ".join(f"worker {i} at {a}" for i, a in missing)
    return (f"cannot reach {names} named in TF_CONFIG within {timeout_s:g} s; start every worker listed in "
            f"TF_CONFIG's cluster (each with its own task index), or fix the addresses ({TIMEOUT_ENV} sets the wait)")


def wait_for_peers(cluster: Cluster, timeout_s: float | None = None, poll_s: float = 0.2) -> None:
    """Return once every other worker accepts connections; a one-line UserError past `timeout_s`.

    TensorFlow would wait for ever, inside C++ and holding the GIL, so this runs before it
    starts: this worker listens on its own TF_CONFIG port meanwhile (so the others see it come
    up), then frees the port for TensorFlow's server. A peer seen through its listener or its
    server counts alike."""
    import time

    timeout_s = startup_timeout() if timeout_s is None else timeout_s
    own_host, own_port = _host_port(cluster.workers[cluster.index])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("", own_port))
        listener.listen(64)
    except OSError as exc:
        listener.close()
        raise UserError(f"this worker cannot listen on its TF_CONFIG address {own_host}:{own_port} "
                        f"(worker {cluster.index}): {exc.strerror or exc}; free the port or give this task another one") from None
    try:
        deadline = time.monotonic() + timeout_s
        waiting = list(cluster.peers)
        while waiting:
            waiting = [(i, a) for i, a in waiting if not reachable(a, timeout_s=poll_s)]
            if waiting and time.monotonic() >= deadline:
                raise UserError(unreachable_line(cluster, timeout_s, waiting))
            if waiting:
                time.sleep(poll_s)
    finally:
        listener.close()


def lost_peer_line(cluster: Cluster, error: str) -> str:
    """The one line a worker prints when another stopped answering during the run."""
    names = ", ".join(f"worker {i} at {a}" for i, a in cluster.peers)
    return (f"lost contact with the cluster during training ({error}; peers: {names}, from TF_CONFIG); "
            "the run is marked failed: restart every worker")


@contextlib.contextmanager
def runs_dir_for_worker(runs_dir: Path, cluster: Cluster | None) -> Iterator[Path]:
    """`runs_dir` for the chief (and a single worker); a temporary folder, deleted afterwards,
    for every other worker, so only the chief writes runs, models and predictions."""
    if cluster is None or cluster.is_chief:
        yield runs_dir
        return
    with tempfile.TemporaryDirectory(prefix=f"modelcard-worker{cluster.index}-") as tmp:
        log(f"worker {cluster.index} of {cluster.size}: the chief ({cluster.workers[0]}) writes the run; "
            "this worker keeps nothing")
        yield Path(tmp)
        log(f"worker {cluster.index}: done; its temporary run folder is deleted (the chief's run is the result)")


# -- collectives (every worker calls them, in the same order) --------------------------------

def _one_per_worker(strategy, array: np.ndarray):
    """A distributed value holding `array` on the first local replica and zeros elsewhere, so
    a SUM over replicas adds each worker's array once."""
    import tensorflow as tf

    per_worker = max(1, len(strategy.extended.worker_devices))
    value = tf.constant(array)
    zeros = tf.zeros_like(value)
    return strategy.experimental_distribute_values_from_function(
        lambda ctx: value if ctx.replica_id_in_sync_group % per_worker == 0 else zeros)


def all_sum(strategy, array) -> np.ndarray:
    """The element-wise sum of `array` (float32 or float64) over the workers."""
    import tensorflow as tf

    array = np.asarray(array)
    total = strategy.reduce(tf.distribute.ReduceOp.SUM, _one_per_worker(strategy, array), axis=None)
    return np.asarray(total.numpy())


def all_true(strategy, flag: bool, n_workers: int) -> bool:
    """True when every worker passed True (e.g. every one has the cached features)."""
    return int(round(float(all_sum(strategy, np.asarray([1.0 if flag else 0.0]))[0]))) == n_workers


def shard_bounds(n: int, cluster: Cluster) -> tuple[int, int]:
    """[start, stop) of the rows worker `cluster.index` handles: contiguous, sizes differing by one."""
    return n * cluster.index // cluster.size, n * (cluster.index + 1) // cluster.size


def gather_rows(strategy, rows: np.ndarray, n: int, cluster: Cluster) -> np.ndarray:
    """The full (n, d) matrix (of `rows`' dtype) from each worker's `shard_bounds` rows.

    Each worker places its rows in zeros and the matrices are summed: adding zeros is exact, so
    every row is bit for bit what its worker computed."""
    start, stop = shard_bounds(n, cluster)
    full = np.zeros((n, rows.shape[1]), dtype=rows.dtype)
    full[start:stop] = rows
    return all_sum(strategy, full).astype(rows.dtype, copy=False)
