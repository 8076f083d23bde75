"""How codecarbon got each power figure: read from a meter, or estimated, and how.

A card must not present an estimate as a measurement. codecarbon decides this during its
hardware set-up and keeps the answer on its hardware objects (`tracker._hardware`), not in
its output, so we read it there:

* CPU: the `CPU` object's `_mode`. `intel_rapl`, `windows_emi` and `intel_power_gadget` read
  energy counters, as do Apple's powermetrics (`AppleSiliconChip`) and the Raspberry Pi PMIC
  (`Raspberry`): measured. `cpu_load` (power = TDP x (0.1 + 0.9 x load^3)) and `constant`
  (half the TDP) are estimates. The TDP itself is codecarbon's table value for a known CPU
  model, else 4 W per thread (`DEFAULT_POWER_PER_CORE`), else a generic 85 W.
* GPU: NVML / AMD SMI readings (`GPU` object): measured.
* RAM: codecarbon always models it from the installed memory (per-DIMM watts), except on a
  Raspberry Pi; it never makes a run count as unmeasured on its own, but the method says so.

`measured` is therefore True only when the CPU figure (and the GPU figure, if any) came
from a meter. These are private codecarbon attributes (3.3.2): anything unexpected reads as
"estimated, method unknown", never as measured.
"""

from __future__ import annotations

from dataclasses import dataclass

_CPU_METERS = {
    "intel_rapl": "read from RAPL energy counters",
    "windows_emi": "read from the Windows Energy Meter Interface",
    "intel_power_gadget": "read from Intel Power Gadget",
}


@dataclass(frozen=True)
class PowerSources:
    """For each component, whether its power was metered and a phrase saying how."""

    measured: bool
    cpu: str
    ram: str
    gpu: str | None  # None: codecarbon tracked no GPU
    cpu_measured: bool = False
    ram_measured: bool = False

    def power_measured(self) -> dict:
        """`{"cpu": bool, "ram": bool, "gpu": bool | None}`: which power figures came from a meter
        (None: no GPU tracked). GPU figures are always read from the driver when present."""
        return {"cpu": self.cpu_measured, "ram": self.ram_measured,
                "gpu": None if self.gpu is None else True}


def _tdp_basis(cpu) -> str:
    """Where the TDP of an estimating CPU object came from, in words."""
    tdp = getattr(cpu, "_tdp", None)
    if getattr(cpu, "_is_generic_tdp", False):
        return f"a generic {tdp:g} W (CPU model unknown to codecarbon)"
    try:
        from codecarbon.core import cpu as cc_cpu
        from codecarbon.core.hardware_cache import get_cached_tdp

        in_table = get_cached_tdp(cc_cpu)._get_cpu_power_from_registry(cpu._model) is not None
    except Exception:
        return f"{tdp:g} W"
    if in_table:
        return f"{tdp:g} W, codecarbon's table value for {cpu._model}"
    return (f"{tdp:g} W = {cc_cpu.DEFAULT_POWER_PER_CORE} W per thread (no RAPL, CPU model "
            f"{cpu._model!r} not in codecarbon's table)")


def _describe_cpu(cpu) -> tuple[bool, str]:
    kind = type(cpu).__name__
    if kind == "AppleSiliconChip":
        return True, "read from Apple powermetrics"
    if kind == "Raspberry":
        return True, "read from the Raspberry Pi power management chip"
    mode = getattr(cpu, "_mode", None)
    if mode in _CPU_METERS:
        return True, _CPU_METERS[mode]
    if mode == "cpu_load":
        return False, f"estimated from CPU load as TDP x (0.1 + 0.9 x load^3), TDP {_tdp_basis(cpu)}"
    if mode == "constant":
        return False, f"estimated as a constant half of the TDP, TDP {_tdp_basis(cpu)}"
    return False, f"estimated (codecarbon mode {mode!r})"


def describe_power_sources(hardware: list) -> PowerSources:
    """Classify codecarbon's hardware objects (`tracker._hardware` after start)."""
    by_kind: dict[str, list] = {}
    for item in hardware:
        by_kind.setdefault(type(item).__name__, []).append(item)
    cpus = [h for kind in ("CPU", "AppleSiliconChip", "Raspberry") for h in by_kind.get(kind, [])
            if getattr(h, "chip_part", "CPU") == "CPU"]
    if cpus:
        cpu_measured, cpu_text = _describe_cpu(cpus[0])
    else:
        cpu_measured, cpu_text = False, "not tracked"
    ram_items = by_kind.get("RAM", [])
    ram_measured = any(getattr(h, "chip_part", None) == "RAM" for h in by_kind.get("Raspberry", []))
    if ram_measured:
        ram_text = "read from the Raspberry Pi power management chip"
    elif ram_items and getattr(ram_items[0], "_force_ram_power", None) is not None:
        ram_text = f"set to a constant {ram_items[0]._force_ram_power:g} W"
    elif ram_items:
        ram_text = "estimated from the installed memory size (codecarbon's per-DIMM model)"
    else:
        ram_text = "not tracked"
    gpus = by_kind.get("GPU", []) + [h for h in by_kind.get("AppleSiliconChip", [])
                                      if getattr(h, "chip_part", None) == "GPU"]
    gpu_text = "read from the GPU driver (NVML / AMD SMI / powermetrics)" if gpus else None
    return PowerSources(measured=cpu_measured, cpu=cpu_text, ram=ram_text, gpu=gpu_text,
                        cpu_measured=cpu_measured, ram_measured=ram_measured)
