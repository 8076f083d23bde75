"""Energy and CO2 of a run (`record["emissions"]`), from codecarbon's OfflineEmissionsTracker.

    with EmissionsCollector(country_iso_code="USA", project_name=name, output_dir=run_dir) as em:
        ... training ...
    record["emissions"] = em.result()          # None if codecarbon failed
    if em.warning: record["warnings"].append(em.warning)

Why it is built this way:
* Offline tracker: no network here, and a card must not depend on a geo-IP lookup. The grid
  is the `country_iso_code` given (default `USA`, codecarbon's best-covered grid; pass the
  real country, and `region` for US states / Canadian provinces, for a meaningful figure).
* Figures come from the tracker object (`final_emissions_data`), never its CSV (which has had
  column-shift bugs): we ask for no output at all (`output_methods=[]`, which also avoids the
  deprecated `save_to_*` arguments), so nothing is written to `output_dir`.
* `allow_multiple_runs=True`: codecarbon's lock file would otherwise replace the SIGINT
  handler with one that raises SystemExit (a Ctrl-C would then read as a failure instead of
  an interruption), and a lock left by a killed process would block every later run.
  Collectors run one after another (a sweep may use one per member or one around the whole
  sweep); a collector opened inside another does not measure and says so in `warning`.
* The tracker is always stopped and its timer threads joined on leaving the block, also on an
  exception or Ctrl-C. A codecarbon failure never stops training: `result()` is then None and
  `warning` says why; numbers are never made up.
* `measured` is False when codecarbon estimated the power: see `power_sources`.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import threading
from importlib import metadata

from modelcard.errors import UserError

from .power_sources import PowerSources, describe_power_sources

DEFAULT_COUNTRY_ISO_CODE = "USA"
EMISSIONS_KEYS = ("emissions_kg", "emissions_rate_kg_per_s", "energy_kwh", "cpu_energy_kwh",
                  "ram_energy_kwh", "cpu_power_w", "ram_power_w", "gpu_power_w", "duration_s",
                  "country_iso_code", "region", "cloud_provider", "cloud_region", "measured",
                  "method", "tool")

_active_lock = threading.Lock()
_active = False  # one collector measures this process at a time


def codecarbon_tool() -> str:
    """`"codecarbon <version>"`, read from the installed distribution (no import needed)."""
    try:
        return f"codecarbon {metadata.version('codecarbon')}"
    except metadata.PackageNotFoundError:
        return "codecarbon (not installed)"


def check_country_iso_code(code: str) -> str:
    """Upper-cased `code` if codecarbon has grid data for it; else a one-line UserError.

    Call it while parsing options so a typo fails before any training starts.
    """
    normalized = str(code).strip().upper()
    from codecarbon.input import DataSource

    if normalized not in DataSource().get_global_energy_mix_data():
        raise UserError(f"unknown country code {code!r} for emissions: give a 3-letter ISO code "
                        "that codecarbon has grid data for (e.g. USA, FRA, DEU, GBR, IND)")
    return normalized


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


def emissions_section(data, sources: PowerSources, tool: str, measure_power_secs: float) -> dict:
    """`record["emissions"]` from codecarbon's final `EmissionsData` and the power sources."""
    return {
        "emissions_kg": _number(data.emissions),
        "emissions_rate_kg_per_s": _number(data.emissions_rate),
        "energy_kwh": _number(data.energy_consumed),
        "cpu_energy_kwh": _number(data.cpu_energy),
        "ram_energy_kwh": _number(data.ram_energy),
        "cpu_power_w": _number(data.cpu_power),
        "ram_power_w": _number(data.ram_power),
        "gpu_power_w": _number(data.gpu_power) if sources.gpu else None,
        "duration_s": _number(data.duration),
        "country_iso_code": _text(data.country_iso_code),
        "region": _text(data.region),
        "cloud_provider": _text(data.cloud_provider),
        "cloud_region": _text(data.cloud_region),
        "measured": sources.measured,
        "method": describe_method(data, sources, tool, measure_power_secs),
        "tool": tool,
    }


def _halt_scheduler_threads(schedulers: list, timeout_s: float = 5.0) -> None:
    """Cancel and join every timer thread of codecarbon's schedulers.

    `PeriodicScheduler._run` re-arms its timer before measuring, so a timer that fired just as
    `stop()` ran can leave a fresh one behind: look again until none is alive.
    """
    ours = {id(s) for s in schedulers if s is not None}
    for _ in range(5):
        timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer)
                  and id(getattr(t.function, "__self__", None)) in ours]
        if not timers:
            return
        for timer in timers:
            timer.cancel()
            timer.join(timeout_s)


class EmissionsCollector:
    """Context manager around one codecarbon OfflineEmissionsTracker; see the module doc."""

    def __init__(self, country_iso_code: str = DEFAULT_COUNTRY_ISO_CODE, *,
                 region: str | None = None, project_name: str = "modelcard",
                 output_dir: str | os.PathLike | None = None, measure_power_secs: float = 15.0):
        self.country_iso_code = check_country_iso_code(country_iso_code)
        self.region = region.strip().lower() if region else None
        self.project_name = project_name
        self.output_dir = output_dir
        self.measure_power_secs = float(measure_power_secs)
        self.warning: str | None = None
        self._tracker = None
        self._schedulers: list = []
        self._owns_slot = False
        self._done = False
        self._result: dict | None = None

    def _new_tracker(self):
        from codecarbon import OfflineEmissionsTracker

        logging.getLogger("codecarbon").setLevel(logging.ERROR)  # before its first log line
        workdir = self.output_dir if self.output_dir and os.path.isdir(self.output_dir) else None
        kwargs = {"region": self.region} if self.region else {}
        return OfflineEmissionsTracker(
            country_iso_code=self.country_iso_code, project_name=self.project_name,
            output_dir=str(workdir or tempfile.gettempdir()), output_methods=[],
            measure_power_secs=self.measure_power_secs, log_level="error",
            allow_multiple_runs=True, tracking_mode="machine", **kwargs)

    def __enter__(self) -> "EmissionsCollector":
        global _active
        with _active_lock:
            if _active:
                self.warning = ("emissions not measured separately: another emissions collector "
                                "was already measuring this process")
                return self
            _active = self._owns_slot = True
        try:
            self._tracker = self._new_tracker()
            self._tracker.start()  # codecarbon swallows its own errors here: check below
            self._schedulers = [self._tracker._scheduler, self._tracker._scheduler_monitor_power]
            if self._tracker._start_time is None:
                raise RuntimeError("its tracker did not start")
        except BaseException as exc:
            self._shut_down()
            self.warning = f"emissions not measured: codecarbon failed to start ({exc})"
            self._tracker = None
            if not isinstance(exc, Exception):  # Ctrl-C while starting: clean up, then pass it on
                raise
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if self._tracker is not None:
                self._tracker.stop()  # returns None (errors swallowed) on failure
                data = getattr(self._tracker, "final_emissions_data", None)
                if data is None:
                    self.warning = "emissions not measured: codecarbon failed while stopping"
                else:
                    sources = describe_power_sources(self._tracker._hardware)
                    self._result = emissions_section(data, sources, codecarbon_tool(),
                                                     self.measure_power_secs)
        except Exception as error:  # never let the collector hide or replace a training result
            self._result = None
            self.warning = f"emissions not measured: codecarbon failed ({error})"
        finally:
            self._shut_down()
            self._done = True
        return False

    def _shut_down(self) -> None:
        """Stop codecarbon's threads and free the one-collector slot, whatever happened."""
        global _active
        try:
            if self._tracker is not None:
                self._schedulers += [self._tracker._scheduler, self._tracker._scheduler_monitor_power]
                for scheduler in self._schedulers:
                    if scheduler is not None:
                        scheduler.stop()
            _halt_scheduler_threads(self._schedulers)
        finally:
            if self._owns_slot:
                with _active_lock:
                    _active = self._owns_slot = False

    def result(self) -> dict | None:
        """`record["emissions"]` after the block, or None when nothing was measured."""
        if not self._done:
            raise RuntimeError("EmissionsCollector.result() is only available after the with-block")
        return self._result
