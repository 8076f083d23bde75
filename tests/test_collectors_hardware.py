"""Hardware facts, checked against the OS's own reports (/proc, os, TensorFlow)."""

import json
import subprocess
import sys
import os
import re
from pathlib import Path

import pytest

from modelcard.record.model import Hardware
from modelcard.record.typed import field_names
from training.collectors import collect_hardware
from training.collectors.hardware import cpu_model, cpu_model_from_cpuinfo

X86 = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz
flags\t\t: fpu vme

processor\t: 1
model name\t: Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz
"""
RASPBERRY_PI = """processor\t: 0
BogoMIPS\t: 108.00
Features\t: fp asimd

Hardware\t: BCM2835
Revision\t: c03114
Model\t\t: Raspberry Pi 4 Model B Rev 1.4
"""


def test_cpu_model_from_cpuinfo_texts():
    assert cpu_model_from_cpuinfo(X86) == "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"
    assert cpu_model_from_cpuinfo(RASPBERRY_PI) == "Raspberry Pi 4 Model B Rev 1.4"
    assert cpu_model_from_cpuinfo("processor\t: 0\nmodel name\t:\n") is None
    assert cpu_model_from_cpuinfo("") is None


@pytest.mark.skipif(not Path("/proc/cpuinfo").exists(), reason="needs /proc/cpuinfo")
def test_cpu_model_matches_proc_cpuinfo():
    names = re.findall(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    if names:
        assert cpu_model() == names[0].strip()
    else:
        assert cpu_model()


@pytest.mark.tf
def test_collect_hardware_matches_the_os_and_tensorflow():
    import tensorflow as tf

    hardware = collect_hardware().to_dict()
    assert set(hardware) == set(field_names(Hardware)) - {"workers"}  # workers: a cluster's, written later
    assert json.loads(json.dumps(hardware)) == hardware

    assert hardware["cpu_count"] == os.cpu_count()
    assert 1 <= hardware["cpu_threads"] <= hardware["cpu_count"]
    if Path("/proc/meminfo").exists():
        kib = int(re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M).group(1))
        assert hardware["memory_gb"] == pytest.approx(kib / 2**20, abs=0.01)
    gpus = tf.config.list_physical_devices("GPU")
    assert hardware["gpu_count"] == len(gpus) == len(hardware["gpu_models"])
    assert hardware["accelerator"] == ("gpu" if gpus else "cpu")
    assert hardware["tf_devices"] == [d.name for d in tf.config.list_physical_devices()]
    assert any(name.endswith("CPU:0") for name in hardware["tf_devices"])
    assert hardware["platform"] and hardware["cpu_model"]


def test_importing_the_collectors_loads_neither_tensorflow_nor_codecarbon():
    code = ("import sys, training.collectors; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'codecarbon') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
