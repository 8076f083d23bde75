"""`record["emissions"]` from codecarbon's final `EmissionsData`: the record section alone.

Pure functions over what the tracker reported (no tracker, no threads here): the totals
(summed over the phases when there are phases), the sentence on how they were made, and
codecarbon's version. `emissions.py` runs the tracker and calls `emissions_section` once.
"""

from __future__ import annotations

import math
from importlib import metadata

from modelcard.record.model import Emissions, PhaseCost, PowerMeasured
from modelcard.record.typed import as_section

from .phases import PhaseKey, PhaseTally, phase_entry, total_cost
from .power_sources import PowerSources


def codecarbon_tool() -> str:
    """`"codecarbon <version>"`, read from the installed distribution (no import needed)."""
    try:
        return f"codecarbon {metadata.version('codecarbon')}"
    except metadata.PackageNotFoundError:
        return "codecarbon (not installed)"


def _number(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _text(value) -> str | None:
    """codecarbon writes "" (and, in its CSV, "NaN") for unknown cloud fields: those are None."""
    if value is None:
        return None
    value = str(value).strip()
    return None if value.lower() in ("", "nan", "none", "null") else value


def describe_method(data, sources: PowerSources, tool: str, measure_power_secs: float) -> str:
    """One sentence on how the figures were made, for the card."""
    energy, emissions = _number(data.energy_consumed), _number(data.emissions)
    place = data.country_name or data.country_iso_code or "the selected"
    if _text(data.region):
        place = f"{place} ({data.region})"
    if energy and emissions is not None:
        grid = (f"carbon intensity {1000 * emissions / energy:.0f} g CO2eq/kWh, codecarbon's "
                f"figure for the {place} grid")
    else:
        grid = f"carbon intensity of the {place} grid (codecarbon's figure)"
    gpu = sources.gpu or "not tracked (no GPU found)"
    kind = "measured" if sources.measured else "estimated, not metered"
    return (f"{tool} OfflineEmissionsTracker ({kind}; power sampled every "
            f"{measure_power_secs:g} s, CPU load every 1 s, whole machine): CPU power {sources.cpu}; "
            f"RAM power {sources.ram}; GPU power {gpu}; energy = power x time; {grid}.")


def _whole_run(data, gpu: bool, duration_s: float | None) -> PhaseCost:
    """The tracker's whole-run figures over `duration_s` (default: its own duration)."""
    duration = _number(duration_s) if duration_s is not None else _number(data.duration)
    return PhaseCost(energy_kwh=_number(data.energy_consumed), cpu_energy_kwh=_number(data.cpu_energy),
                     ram_energy_kwh=_number(data.ram_energy), gpu_energy_kwh=_number(data.gpu_energy) if gpu else None,
                     cpu_power_w=_number(data.cpu_power), ram_power_w=_number(data.ram_power),
                     gpu_power_w=_number(data.gpu_power) if gpu else None,
                     emissions_kg=_number(data.emissions), duration_s=duration)


def emissions_section(data, sources: PowerSources, tool: str, measure_power_secs: float,
                      phases: dict[PhaseKey, PhaseTally] | None = None, duration_s: float | None = None) -> Emissions:
    """`record["emissions"]` from codecarbon's final `EmissionsData` and the power sources.

    With `phases`, the figures are their sums (mean powers = energy / duration) and `phases`
    lists them; without, they are the tracker's whole-run figures over `duration_s` (the
    wall clock: after a task the tracker's own duration is only that of its last task).
    """
    power_measured = sources.power_measured()
    if phases:
        total = total_cost(phases.values()).cost(sources.gpu is not None)
    else:
        total = _whole_run(data, bool(sources.gpu), duration_s)
    emissions, duration = total.emissions_kg, total.duration_s
    return Emissions.build(
        emissions_kg=emissions,
        emissions_rate_kg_per_s=emissions / duration if emissions is not None and duration else None,
        energy_kwh=total.energy_kwh,
        cpu_energy_kwh=total.cpu_energy_kwh,
        ram_energy_kwh=total.ram_energy_kwh,
        gpu_energy_kwh=total.gpu_energy_kwh,
        cpu_power_w=total.cpu_power_w,
        ram_power_w=total.ram_power_w,
        gpu_power_w=total.gpu_power_w,
        duration_s=duration,
        power_measured=as_section(PowerMeasured, power_measured),
        phases=[phase_entry(key, tally, power_measured) for key, tally in phases.items()] if phases else None,
        country_iso_code=_text(data.country_iso_code),
        region=_text(data.region),
        cloud_provider=_text(data.cloud_provider),
        cloud_region=_text(data.cloud_region),
        measured=sources.measured,
        method=describe_method(data, sources, tool, measure_power_secs),
        tool=tool,
    )
