"""Efficiency helpers on plain numpy work; memory checked against the kernel's own VmHWM."""

import math
import re
import time
from pathlib import Path

import numpy as np
import psutil
import pytest

from modelcard.record.model import Efficiency
from modelcard.record.typed import field_names
from training.collectors import (Throughput, efficiency_section, file_size_bytes,
                                 measure_latency, peak_rss_mb)


def test_measure_latency_on_a_numpy_model():
    weights = np.random.default_rng(0).random((64, 10))
    calls = []

    def predict(x):
        calls.append(len(x))
        return np.tanh(x @ weights)

    batch = np.random.default_rng(1).random((16, 64))
    result = measure_latency(predict, batch, repeats=7, warmup=2, batch_repeats=3)
    # warm-up and timed single-image calls, then one warm-up and the timed batch calls
    assert calls == [1] * (2 + 7) + [16] * (1 + 3)
    assert result["batch_size"] == 16 and result["repeats"] == 7
    assert 0 < result["latency_ms_per_image"] <= result["latency_ms_p90"]
    assert math.isfinite(result["latency_ms_p90"])
    assert result["batch_images_per_s"] > 0


def test_latency_covers_the_work_of_a_call():
    result = measure_latency(lambda x: time.sleep(0.004), np.zeros((2, 3)), repeats=3, warmup=0,
                             batch_repeats=1)
    assert result["latency_ms_per_image"] >= 4.0  # sleep never returns early
    assert result["batch_images_per_s"] <= 2 / 0.004


def test_measure_latency_refuses_empty_batches_and_bad_counts():
    with pytest.raises(ValueError):
        measure_latency(lambda x: x, np.zeros((0, 3)))
    with pytest.raises(ValueError):
        measure_latency(lambda x: x, np.zeros((1, 3)), repeats=0)


def test_throughput_counts_images_per_second():
    with Throughput(n_images=50) as stage:
        time.sleep(0.02)
    assert stage.seconds >= 0.02
    assert stage.images_per_s == pytest.approx(50 / stage.seconds)
    with Throughput() as later:
        later.n_images = 8  # known only once the stage ran
    assert later.images_per_s == pytest.approx(8 / later.seconds)
    unknown = Throughput()
    assert unknown.images_per_s is None  # never ran


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc only")
def test_peak_rss_matches_the_kernels_high_water_mark():
    block = np.ones(40 * 2**20 // 8)  # touch 40 MiB so the peak is at least the current RSS
    vm_hwm_kib = int(re.search(r"^VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1))
    peak = peak_rss_mb()
    assert peak == pytest.approx(vm_hwm_kib / 1024, abs=2.0)
    assert peak >= psutil.Process().memory_info().rss / 2**20 - 2.0
    del block


def test_file_size_bytes(tmp_path):
    model = tmp_path / "model.keras"
    model.write_bytes(b"x" * 1234)
    assert file_size_bytes(model) == 1234
    assert file_size_bytes(tmp_path / "missing.keras") is None
    assert file_size_bytes(None) is None


def test_efficiency_section_has_every_key_and_no_nan():
    section = efficiency_section(predict_images_per_s=120.5, latency_ms_per_image=float("nan"),
                                 model_file_bytes=9605431.0, batch_size=np.int64(32))
    assert isinstance(section, Efficiency)
    section = section.to_dict()
    assert list(section) == [k for k in field_names(Efficiency) if k != "shared"]  # shared: written when a sweep ends
    assert section["predict_images_per_s"] == 120.5
    assert section["latency_ms_per_image"] is None
    assert section["model_file_bytes"] == 9605431 and isinstance(section["model_file_bytes"], int)
    assert section["batch_size"] == 32 and type(section["batch_size"]) is int
    assert section["train_images_per_s"] is None and section["input_size"] is None
    with pytest.raises(TypeError):
        efficiency_section(imgs_per_s=1.0)
