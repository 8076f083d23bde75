"""What a run ran on (`record["hardware"]`), so a card can say which machine made its numbers.

Speeds and energy figures mean little without the machine behind them. Everything here is
cheap: the CPU model comes from /proc/cpuinfo (py-cpuinfo, about 1 s, only where that file
is missing), counts and memory from os/psutil, GPUs from TensorFlow's own device list (what
the run could really use), with NVML only to name a GPU that TensorFlow leaves unnamed.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

import psutil

from modelcard.record.model import Hardware

# /proc/cpuinfo fields that name the processor: x86 first, then ARM/RISC-V spellings.
_CPUINFO_MODEL_FIELDS = ("model name", "Model", "Hardware", "cpu model", "uarch")


def cpu_model_from_cpuinfo(text: str) -> str | None:
    """The processor name in a /proc/cpuinfo text, or None when it names none."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and value.strip():
            fields.setdefault(key.strip(), value.strip())
    return next((fields[name] for name in _CPUINFO_MODEL_FIELDS if name in fields), None)


def cpu_model() -> str | None:
    """The CPU's marketing name: /proc/cpuinfo when it exists, else py-cpuinfo (slower)."""
    try:
        found = cpu_model_from_cpuinfo(Path("/proc/cpuinfo").read_text(errors="replace"))
    except OSError:
        found = None
    if found:
        return found
    try:
        import cpuinfo  # py-cpuinfo: portable but spawns work for about a second

        return cpuinfo.get_cpu_info().get("brand_raw") or platform.processor() or None
    except Exception:  # an odd platform must not stop a run; the card shows "unknown"
        return platform.processor() or None


def usable_cpu_threads() -> int | None:
    """Logical CPUs this process may run on (affinity / container limits), not the machine's."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


def _nvml_gpu_names() -> list[str]:
    """GPU names from NVML (nvidia-ml-py), empty when there is no NVIDIA driver."""
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception:
        return []
    try:
        names = []
        for index in range(pynvml.nvmlDeviceGetCount()):
            name = pynvml.nvmlDeviceGetName(pynvml.nvmlDeviceGetHandleByIndex(index))
            names.append(name.decode() if isinstance(name, bytes) else str(name))
        return names
    except Exception:
        return []
    finally:
        try:
            pynvml.nvmlShutdown()
        except Exception:
            pass


def tensorflow_devices() -> tuple[list[str], list[str]]:
    """(all physical device names, GPU names) as TensorFlow sees them; imports TF lazily."""
    import tensorflow as tf

    devices = [device.name for device in tf.config.list_physical_devices()]
    gpu_names = []
    gpus = tf.config.list_physical_devices("GPU")
    nvml_names = _nvml_gpu_names() if gpus else []
    for index, gpu in enumerate(gpus):
        try:
            name = tf.config.experimental.get_device_details(gpu).get("device_name")
        except Exception:
            name = None
        if not name and index < len(nvml_names):
            name = nvml_names[index]
        gpu_names.append(name or gpu.name)
    return devices, gpu_names


def collect_hardware() -> Hardware:
    """`record["hardware"]`: CPU, memory, the GPUs TensorFlow can use, and the platform.

    `cpu_count` is the machine's logical CPU count (`os.cpu_count()`), `cpu_threads` those
    this process may use; `memory_gb` is total RAM in GiB (2**30 bytes), to 0.01.
    """
    tf_devices, gpu_models = tensorflow_devices()
    return Hardware.build(
        cpu_model=cpu_model(),
        cpu_count=os.cpu_count(),
        cpu_threads=usable_cpu_threads(),
        memory_gb=round(psutil.virtual_memory().total / 2**30, 2),
        gpu_models=gpu_models,
        gpu_count=len(gpu_models),
        accelerator="gpu" if gpu_models else "cpu",
        platform=platform.platform(),
        tf_devices=tf_devices,
    )
