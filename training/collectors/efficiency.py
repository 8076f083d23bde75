"""Speeds, latency, memory and size of a run (`record["efficiency"]`).

A card states what a model costs to run, not only how accurate it is. These helpers time
real work with `time.perf_counter`; they never invent a figure: what was not measured is
`None` (null in the record). Timings swing between runs on shared machines, so the card
should compare figures from one run, and the latency is a median after warm-up.
"""

from __future__ import annotations

import math
import os
import resource
import statistics
import sys
import time
import typing
from typing import Any, Callable

from modelcard.record.model import Efficiency, Latency
from modelcard.record.typed import field_names, public_fields

#: What this collector measures: every `Efficiency` field but `shared` (written when a sweep ends).
MEASURED = tuple(name for name in field_names(Efficiency) if name != "shared")
LATENCY_RUNS = 50  # timed batch-1 calls after warm-up: enough for a stable median and p95
THROUGHPUT_BATCH = 32


class Throughput:
    """Time one stage and report images per second.

    >>> with Throughput(n_images=len(x)) as stage:
    ...     model.predict(x)
    >>> stage.images_per_s

    `n_images` may also be set inside the block, once it is known (e.g. epochs x samples).
    """

    def __init__(self, n_images: int | None = None):
        self.n_images = n_images
        self.seconds: float | None = None
        self._started: float | None = None

    def __enter__(self) -> "Throughput":
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc_info) -> None:
        self.seconds = time.perf_counter() - self._started

    @property
    def images_per_s(self) -> float | None:
        """Images per second, or None if the stage has not finished or n_images is unknown."""
        if self.seconds is None or not self.n_images or self.seconds <= 0:
            return None
        return self.n_images / self.seconds


def materialize(output: Any) -> None:
    """Wait for an asynchronous result (a TF tensor on a GPU) so the timing covers the work."""
    if hasattr(output, "numpy"):
        output.numpy()


def _call_times_s(fn: Callable[[Any], Any], batch: Any, repeats: int, warmup: int) -> list[float]:
    """Seconds per call of `fn(batch)`, `repeats` times after `warmup` untimed calls."""
    for _ in range(warmup):
        materialize(fn(batch))
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        materialize(fn(batch))
        times.append(time.perf_counter() - started)
    return times


def _percentile(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method, as numpy's default 'linear')."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure_latency(predict_fn: Callable[[Any], Any], batch: Any, *, repeats: int = LATENCY_RUNS,
                    warmup: int = 3, batch_repeats: int = 5) -> dict:
    """Single-image latency and batched throughput of `predict_fn`.

    `predict_fn` takes an array of images (`batch`, first axis = images) and returns the
    predictions, e.g. `model.predict_on_batch`. Latency is timed on `batch[:1]`: median, 90th
    and 95th percentile over `repeats` calls after `warmup` calls (the first calls pay for
    tracing and memory allocation). Throughput is the whole batch, median of
    `batch_repeats` calls. Returns `{latency_ms_per_image, latency_ms_p90, latency_ms_p95,
    batch_size, batch_images_per_s, repeats}`.
    """
    if repeats < 1 or batch_repeats < 1 or warmup < 0:
        raise ValueError("repeats and batch_repeats must be >= 1 and warmup >= 0")
    batch_size = len(batch)
    if batch_size < 1:
        raise ValueError("measure_latency needs a batch with at least one image")
    single_ms = [1000.0 * s for s in _call_times_s(predict_fn, batch[:1], repeats, warmup)]
    batch_s = statistics.median(_call_times_s(predict_fn, batch, batch_repeats, min(warmup, 1)))
    return {
        "latency_ms_per_image": statistics.median(single_ms),
        "latency_ms_p90": _percentile(single_ms, 90),
        "latency_ms_p95": _percentile(single_ms, 95),
        "batch_size": batch_size,
        "batch_images_per_s": batch_size / batch_s if batch_s > 0 else None,
        "repeats": repeats,
    }


def latency_entry(latency: dict) -> Latency:
    """`efficiency.latency_ms_batch1` from `measure_latency`'s result: median, p95, n_runs."""
    return Latency.build(median=latency["latency_ms_per_image"], p95=latency["latency_ms_p95"],
                         n_runs=latency["repeats"])


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def file_size_bytes(path: str | os.PathLike | None) -> int | None:
    """Size of a saved model file, or None when there is no such file."""
    if path is None or not os.path.isfile(path):
        return None
    return os.path.getsize(path)


def _integer(cls: type, name: str) -> bool:
    """True when field `name` of section `cls` holds an int (e.g. `batch_size`), not a float."""
    return int in typing.get_args(dict((f.name, tp) for f, tp in public_fields(cls))[name])


def _clean_number(value: Any, integer: bool = False) -> float | int | None:
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    return int(value) if integer else value


def _clean_latency(value: Latency | dict) -> Latency:
    value = value.to_dict() if isinstance(value, Latency) else value
    return Latency.build(**{k: _clean_number(value.get(k), integer=_integer(Latency, k)) for k in field_names(Latency)})


def efficiency_section(**measurements: Any) -> Efficiency:
    """`record["efficiency"]` with every measured field written: null where nothing was measured.

    Keyword names are the fields of `Efficiency` (`MEASURED`); an unknown name is a programming
    error (TypeError). NaN or infinite values become None: the record has no NaN.
    """
    unknown = sorted(set(measurements) - set(MEASURED))
    if unknown:
        raise TypeError(f"efficiency_section() got unknown keys {unknown}; expected {MEASURED}")
    values = {}
    for key in MEASURED:
        value = measurements.get(key)
        if key == "latency_ms_batch1" and value is not None:
            value = _clean_latency(value)
        elif key == "measured_on_run":
            value = None if value is None else str(value)
        else:
            value = _clean_number(value, integer=_integer(Efficiency, key))
        values[key] = value
    return Efficiency.build(**values)


def weights_bytes(model: Any) -> int:
    """Bytes the model's weights take in memory: sum over its variables of elements x item size."""
    import numpy as np

    return int(sum(int(np.prod(w.shape)) * np.dtype(str(getattr(w.dtype, "name", w.dtype))).itemsize
                   for w in model.weights))
