"""The `efficiency` and `hardware` sections (collectors): speeds, sizes, latency, the machine."""

from __future__ import annotations

from dataclasses import dataclass

from ..typed import Section


@dataclass(frozen=True, kw_only=True)
class Latency(Section):
    median: float | None = None  # ms per batch-1 call after warm-up, e.g. 16.97
    p95: float | None = None  # e.g. 20.09
    n_runs: int | None = None  # calls timed, e.g. 50


@dataclass(frozen=True, kw_only=True)
class Efficiency(Section):
    train_images_per_s: float | None = None  # e.g. 1692.35
    extract_images_per_s: float | None = None  # feature extraction, e.g. None
    predict_images_per_s: float | None = None  # kept for older readers, e.g. 178.1
    latency_ms_per_image: float | None = None  # = latency_ms_batch1.median, e.g. 16.97
    peak_rss_mb: float | None = None  # peak resident memory of the process, e.g. 2013.93
    model_file_bytes: int | None = None  # e.g. 9762877
    batch_size: int | None = None  # e.g. 32
    input_size: int | None = None  # e.g. 160
    latency_ms_batch1: Latency | None = None  # batch-1 latency (1.1)
    throughput_images_per_s_batch32: float | None = None  # median of 5 batches of 32 (1.1), e.g. 178.1
    weights_bytes_in_memory: int | None = None  # element count x item size (1.1), e.g. 9072928
    total_params: int | None = None  # e.g. 2268232
    trainable_params: int | None = None  # e.g. 10248
    measured_on_run: str | None = None  # the run whose model was timed, None: this one (1.1)
    shared: dict[str, str] | None = None  # key -> run id or "sweep" it was measured on (1.2), e.g. {"peak_rss_mb": "sweep"}


@dataclass(frozen=True, kw_only=True)
class Hardware(Section):
    cpu_model: str | None = None  # e.g. "Intel(R) Xeon(R) Processor"
    cpu_count: int | None = None  # physical cores, e.g. 2
    cpu_threads: int | None = None  # e.g. 2
    memory_gb: float | None = None  # e.g. 23.54
    gpu_models: list[str] | None = None  # e.g. []
    gpu_count: int | None = None  # e.g. 0
    accelerator: str | None = None  # "cpu" or "gpu", e.g. "cpu"
    platform: str | None = None  # e.g. "Linux-6.18.44-x86_64-with-glibc2.36"
    tf_devices: list[str] | None = None  # e.g. ["/physical_device:CPU:0"]
    workers: int | None = None  # workers of a multi-worker cluster; the hardware is the chief's (1.2), e.g. 2
