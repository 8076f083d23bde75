"""What a saved model costs to run: speed and size (`record["efficiency"]`) and the energy and
CO2 of predictions (`record["emissions"]["inference"]`).

Both are measured on the full saved model (raw pixels in, probabilities out) with real test
images, inside their own emissions phases (`efficiency`, `inference_cost`), so the card can
set them beside the training cost:

* `measure_model`: latency at batch 1 (median and p95 over `LATENCY_RUNS` timed calls after
  warm-up), throughput at batch 32, weights in memory, file size, parameters.
* `measure_inference_cost`: a timed loop of at least `n_predictions` predictions at batch 32
  and at batch 1 (test images repeated as needed), each in its own codecarbon task; energy and
  CO2 per 1,000 predictions come from that task alone.
* `breakeven_predictions`: after how many predictions inference has emitted what training did.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Sequence

import numpy as np

from modelcard.record.phase_costs import MEASUREMENT_KINDS

from ..collectors import emissions_phase
from ..collectors.emissions import measuring
from ..collectors.efficiency import (LATENCY_RUNS, THROUGHPUT_BATCH, latency_entry, materialize,
                                    measure_latency, weights_bytes)

INFERENCE_BATCHES = (32, 1)


def test_batch(paths: Sequence[str], input_size: int, size: int = THROUGHPUT_BATCH) -> np.ndarray:
    """`size` real test images at the model's input size, repeating the files when there are fewer."""
    from ..model.features import image_dataset

    repeated = [paths[i % len(paths)] for i in range(size)]
    return next(iter(image_dataset(repeated, input_size, size))).numpy()


def graph_predict(model) -> Callable:
    """`model` as one graph function for every batch size and image size.

    Keras' `predict_on_batch` traces the model again for each new input shape (batch 1, then
    batch 32), and a trace of a MobileNetV2 costs seconds here (6 s on 2 busy cores): one
    `tf.function` whose signature leaves the batch size open traces once. Per-call speed is
    the same (measured: 44 vs 46 ms at batch 1, 160 px)."""
    import tensorflow as tf

    input_shape = model.input_shape[0] if isinstance(model.input_shape, list) else model.input_shape
    shape = (None, *input_shape[1:])  # any batch size; image size as the model takes it
    return tf.function(lambda x: model(x, training=False), input_signature=[tf.TensorSpec(shape, tf.float32)])


def measure_model(model, batch: np.ndarray, *, model_file_bytes: int | None, run_id: str | None = None,
                  repeats: int = LATENCY_RUNS, predict: Callable | None = None) -> dict:
    """The efficiency figures of `model` (keys of `record["efficiency"]`), timed through
    `predict` (default: `graph_predict(model)`)."""
    from ..model.backbones import count_params

    predict = predict or graph_predict(model)
    with emissions_phase("efficiency", run_id=run_id):
        latency = measure_latency(predict, batch, repeats=repeats, warmup=3, batch_repeats=5)
    total, trainable = count_params(model)
    return {"latency_ms_batch1": latency_entry(latency), "latency_ms_per_image": latency["latency_ms_per_image"],
            "throughput_images_per_s_batch32": latency["batch_images_per_s"],
            "predict_images_per_s": latency["batch_images_per_s"], "weights_bytes_in_memory": weights_bytes(model),
            "model_file_bytes": model_file_bytes, "total_params": total, "trainable_params": trainable}


def _per_1000(value: float, n: int) -> float:
    return value * 1000.0 / n


def measure_inference_cost(predict: Callable, batch: np.ndarray, n_predictions: int,
                           run_id: str | None = None) -> dict | None:
    """`{batch_32: {...}, batch_1: {...}}`, each `{kwh_per_1000, kg_per_1000, n_predictions,
    duration_s, measured}`; None when `n_predictions` is 0 or no emissions collector is
    measuring (the loops would time nothing worth their cost)."""
    if n_predictions <= 0 or not measuring():
        return None
    materialize(predict(batch))  # warm: tracing is not inference cost
    materialize(predict(batch[:1]))
    out = {}
    for size in INFERENCE_BATCHES:
        calls = math.ceil(n_predictions / size)
        with emissions_phase("inference_cost", subject=f"batch_{size}", run_id=run_id) as phase:
            started = time.perf_counter()
            for i in range(calls):
                start = (i * size) % len(batch)  # batch 32: the whole batch; batch 1: image after image
                materialize(predict(batch[start:start + size]))
            duration = time.perf_counter() - started
        done = calls * size
        cost = phase.cost if phase.measured else None
        out[f"batch_{size}"] = {
            "n_predictions": done, "duration_s": duration,
            "kwh_per_1000": _per_1000(cost.energy_kwh, done) if cost else None,
            "kg_per_1000": _per_1000(cost.emissions_kg, done) if cost else None,
            "measured": bool(cost),
        }
    return out


def breakeven_predictions(training_kg: float | None, inference: dict | None) -> dict | None:
    """`{batch_32: n, batch_1: n}`: predictions whose emissions equal `training_kg`."""
    if not inference or not training_kg:
        return None
    out = {}
    for key, entry in sorted(inference.items()):
        if not key.startswith("batch_"):
            continue
        per_1000 = entry.get("kg_per_1000")
        out[key] = int(round(training_kg / per_1000 * 1000)) if per_1000 else None
    return out


def training_kg(emissions: dict | None) -> float | None:
    """What training cost, from `record["emissions"]`: every phase except the measurements of
    the finished model (efficiency, inference cost); the whole-run total without phases."""
    if not emissions:
        return None
    phases = emissions.get("phases")
    if not phases:
        return emissions.get("emissions_kg")
    return sum(p["emissions_kg"] or 0.0 for p in phases if p["kind"] not in MEASUREMENT_KINDS)


def inference_section(measured: dict | None, emissions: dict | None) -> dict | None:
    """`record["emissions"]["inference"]`: the per-batch figures plus the break-even counts."""
    if not measured:
        return None
    basis = training_kg(emissions)
    return {**measured, "training_emissions_kg": basis, "breakeven_predictions": breakeven_predictions(basis, measured)}


