"""How numbers look on a card, in one place so Markdown, HTML and JSON always agree.

Scores in [0, 1] are shown with 3 decimals (0.912), intervals as "[0.871, 0.948]"; counts with
thousands separators; undefined values as an en dash, or "too few images" when the record
says why a score has no value (e.g. precision of a class never predicted). Machine formats (front matter, MCT JSON
values) use the record's full-precision numbers instead.
"""

from __future__ import annotations

MISSING = "–"
TOO_FEW = "too few images"


def num(value, digits: int = 3) -> str:
    """A score or other real number with fixed decimals, e.g. 0.912."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def sig(value, digits: int = 3) -> str:
    """A physical quantity with significant digits (emissions span many magnitudes), e.g. 3.91e-04."""
    if value is None:
        return MISSING
    return f"{value:.{digits}g}"


def count(value) -> str:
    """A whole number with thousands separators, e.g. 2,268,232."""
    return MISSING if value is None else f"{int(value):,}"


def ci(metric) -> str:
    """The interval of a metric object, e.g. "[0.871, 0.948]" (or a dash without bootstrap)."""
    low, high = _get(metric, "ci_low"), _get(metric, "ci_high")
    if low is None or high is None:
        return MISSING
    return f"[{num(low)}, {num(high)}]"


def metric(metric) -> str:
    """Value and interval in one string, e.g. "0.912 [0.871, 0.948]" (or "too few images")."""
    if _get(metric, "value") is None and _get(metric, "reason"):
        return TOO_FEW
    interval = ci(metric)
    value = num(_get(metric, "value"))
    return value if interval == MISSING else f"{value} {interval}"


def seconds(value) -> str:
    """A duration, e.g. "41.2 s" or "1.2 h"."""
    if value is None:
        return MISSING
    if value >= 3600:
        return f"{value / 3600:.2f} h"
    if value >= 120:
        return f"{value / 60:.1f} min"
    return f"{value:.1f} s"


def size(n_bytes) -> str:
    """A size in MB (10^6 bytes, the card's one unit for sizes) with the exact byte count, e.g. "9.61 MB
    (9,605,431 bytes)"."""
    if n_bytes is None:
        return MISSING
    return f"{n_bytes / 1e6:.2f} MB ({int(round(n_bytes)):,} bytes)"


def plain(item) -> str:
    """Any record value (config entries, parameters) as short text, e.g. "adam" or "0.001"."""
    if item is None:
        return MISSING
    if isinstance(item, bool):
        return str(item).lower()
    if isinstance(item, float):
        return f"{item:g}"
    if isinstance(item, (list, tuple)):
        return ", ".join(plain(v) for v in item)
    if isinstance(item, dict):
        return ", ".join(f"{k}={plain(v)}" for k, v in sorted(item.items()))
    return str(item)


# Record keys of `training.timings` and `efficiency` -> (label, formatter) for the Speeds table.
QUANTITIES = {
    "feature_extraction_s": ("feature extraction (0 s when read from the feature cache)", seconds),
    "fit_s": ("training: the Keras fit call (model.fit)", seconds),
    "evaluation_s": ("evaluation", seconds),
    "total_s": ("total", seconds),
    "train_images_per_s": ("training speed (images/s)", lambda v: sig(v, 4)),
    "images_per_epoch": ("training images per epoch (what the training speed counts)", plain),
    "shared": ("figures not measured for this run alone", plain),
    "extract_images_per_s": ("feature extraction speed (images/s)", lambda v: sig(v, 4)),
    "predict_images_per_s": ("batched prediction speed, full model (images/s)", lambda v: sig(v, 4)),
    "latency_ms_per_image": ("single-image latency, full model (ms, median)", lambda v: sig(v, 3)),
    "latency_ms_p90": ("single-image latency, full model (ms, 90th percentile)", lambda v: sig(v, 3)),
    "peak_rss_mb": ("peak memory of the process", lambda v: size(v * 2**20)),  # recorded in MiB
    "model_file_bytes": ("model file size", size),
    "latency_ms_batch1": ("latency per image at batch 1, full model (ms)",
                          lambda v: f"median {sig(v.get('median'))}, p95 {sig(v.get('p95'))} over {count(v.get('n_runs'))} runs"),
    "throughput_images_per_s_batch32": ("throughput at batch 32, full model (images/s)", lambda v: sig(v, 4)),
    "weights_bytes_in_memory": ("weights in memory", size),
    "measured_on_run": ("speeds measured on the saved model of run (same backbone and head shape)", plain),
    "batch_size": ("batch size of the speed measurements", plain),
    "input_size": ("input size (px)", plain),
}


def quantity_row(key: str, value) -> list[str]:
    """[label, formatted value] for a timing or efficiency entry; unknown keys shown as recorded."""
    label, formatter = QUANTITIES.get(key, (key.replace("_", " "), plain))
    return [label, formatter(value) if value is not None else MISSING]


def _get(metric, key):
    if metric is None:
        return None
    return metric.get(key) if isinstance(metric, dict) else getattr(metric, key, None)


def fit_cost_cells(member, with_gpu: bool = False) -> list[str]:
    """A sweep member's fit phase duration, energy (kWh), CO2eq (g), CPU and RAM (and GPU) power (W), e.g.
    ["1.0 s", "3.2e-05", "0.0118", "7.9", "20"]; dashes when the member has no recorded fit cost."""
    cost = _get(member, "fit_cost")
    grams = _get(cost, "emissions_kg")
    cells = [seconds(_get(cost, "duration_s")), sig(_get(cost, "energy_kwh")), sig(None if grams is None else grams * 1000),
             sig(_get(cost, "cpu_power_w")), sig(_get(cost, "ram_power_w"))]
    return cells + ([sig(_get(cost, "gpu_power_w"))] if with_gpu else [])


FILTERS = {"num": num, "sig": sig, "count": count, "ci": ci, "metric": metric, "seconds": seconds,
           "size": size, "plain": plain, "quantity_row": quantity_row, "fit_cost_cells": fit_cost_cells}
