"""Energy and CO2 of a run (`record["emissions"]`), from codecarbon's OfflineEmissionsTracker.

    with EmissionsCollector(country_iso_code="USA", project_name=name, output_dir=run_dir) as em:
        ... training ...
    writer.set(emissions=em.result())          # None if codecarbon failed
    if em.warning: writer.warn(em.warning)

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

Per-phase cost, in one line per stage. Wrap any stage of a run in a phase:

    from training.collectors import emissions_phase
    with emissions_phase("robustness", subject="test", run_id=writer.run_id):
        ... the stage ...

`emissions_phase` attributes the stage to the collector measuring this process, and does
nothing when none is (so it is safe in code that may run outside a collector, and costs
about a millisecond when one is). `collector.phase(...)` is the same on a given collector.
Standard kinds: `phases.PHASE_KINDS` (data_scan, feature_extraction, fit, evaluation,
robustness, examples, efficiency, inference_cost); `subject` names a split, set or batch
size, `run_id` the sweep member a phase belongs to (None: shared by the sweep). Phases may
nest: the inner one gets the cost of its block, the outer one the rest. Open phases from the
thread that drives the run (the machine's energy is measured, not a thread's: work a stage
starts on other threads is counted in the phase that is open meanwhile). Time outside every
phase is the phase `other`, so the phases add up to the whole run: the totals of
`result()` ARE the sums of `result()["phases"]`. The handle a phase yields holds the cost of
that one block (`handle.cost`, a `PhaseTally`) once it ends: the inference cost uses it.

How: codecarbon's own task API (`start_task`/`stop_task`) on the one tracker, with a task
always open (the named phase, or `other`). Measured here (codecarbon 3.3.2): the task deltas
add up to an independent whole-run tracker within 2% on a quiet machine (under load the two
trackers' load-based CPU power estimates drift apart, 7.5% seen once), start/stop cost under 10 ms. Two
codecarbon quirks are worked around: a task's `cpu_power`/`ram_power` are running averages
since the tracker started (so mean power = phase energy / phase duration), and `start_task`
resets the tracker's start time (so the whole-run duration is the sum of the task durations,
not the tracker's final `duration`). If the task API fails mid-run the collector falls back
to the tracker's whole-run totals, drops the phases and says so in `warning`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from contextlib import contextmanager

from modelcard.errors import UserError
from modelcard.record.model import Emissions

from .emissions_section import codecarbon_tool, emissions_section
from .phases import OTHER, PhaseKey, PhaseTally, check_kind
from .power_sources import describe_power_sources

DEFAULT_COUNTRY_ISO_CODE = "USA"
COLLECTORS_ENV = "MODELCARD_COLLECTORS"  # "off": measure nothing (bench/collector_overhead.py)
_active_lock = threading.Lock()
_active = False  # one collector measures this process at a time
_current: "EmissionsCollector | None" = None  # the collector that measures, for emissions_phase()


def collectors_enabled() -> bool:
    """False when $MODELCARD_COLLECTORS is off/0/false/no: the run then records no emissions,
    efficiency or inference cost (the card says so). For measuring the collectors' overhead."""
    return os.environ.get(COLLECTORS_ENV, "on").strip().lower() not in ("off", "0", "false", "no")


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


class PhaseHandle:
    """What `phase()` yields: after the block, `cost` is the cost of that block alone."""

    def __init__(self, key: PhaseKey):
        self.key = key
        self.cost = PhaseTally()
        self.measured = False  # True once the block ended with every task measured


def measuring() -> bool:
    """True while an emissions collector measures this process (phases are then recorded)."""
    return _current is not None


@contextmanager
def emissions_phase(kind: str, subject: str | None = None, run_id: str | None = None):
    """Attribute the block's energy to phase `kind` of the collector measuring this process.

    A no-op (yielding a handle with an empty cost) when no collector is measuring.
    """
    collector = _current
    if collector is None:
        check_kind(kind)
        yield PhaseHandle(PhaseKey(kind, subject, run_id))
        return
    with collector.phase(kind, subject, run_id) as handle:
        yield handle


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
        self._costs: dict[PhaseKey, PhaseTally] = {}
        self._stack: list[PhaseHandle] = []  # open phases, innermost last
        self._task_key: PhaseKey | None = None  # the phase the open codecarbon task belongs to
        self._tasks_failed: str | None = None
        self._phase_lock = threading.RLock()
        self._wall_start = 0.0

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
        global _active, _current
        if not collectors_enabled():
            self.warning = f"emissions not measured: collectors turned off ({COLLECTORS_ENV}=off)"
            return self
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
            self._wall_start = time.perf_counter()
            self._switch_task(PhaseKey(OTHER))
            _current = self
        except BaseException as exc:
            self._shut_down()
            self.warning = f"emissions not measured: codecarbon failed to start ({exc})"
            self._tracker = None
            if not isinstance(exc, Exception):  # Ctrl-C while starting: clean up, then pass it on
                raise
        return self

    # -- phases ---------------------------------------------------------------------------
    def _switch_task(self, key: PhaseKey | None) -> None:
        """Close the open codecarbon task (crediting its phase and the open handles of that
        phase) and open one for `key` (None: open none). A failure turns phases off."""
        if self._tasks_failed is not None or self._tracker is None:
            return
        try:
            if self._task_key is not None:
                data = self._tracker.stop_task()
                if data is None:
                    raise RuntimeError("stop_task returned nothing")
                self._costs.setdefault(self._task_key, PhaseTally()).add_task(data)
                if self._stack and self._stack[-1].key == self._task_key:
                    self._stack[-1].cost.add_task(data)
                self._task_key = None
            if key is not None:
                self._tracker.start_task(f"{key.kind}:{key.subject or ''}:{key.run_id or ''}")
                if self._tracker._active_task is None:
                    raise RuntimeError("start_task did not open a task")
                self._task_key = key
        except Exception as exc:  # never break the run: fall back to whole-run totals
            self._tasks_failed = f"{type(exc).__name__}: {exc}"
            self._task_key = None

    @contextmanager
    def phase(self, kind: str, subject: str | None = None, run_id: str | None = None):
        """Attribute the block's energy to phase (`kind`, `subject`, `run_id`); see the module doc."""
        handle = PhaseHandle(PhaseKey(check_kind(kind), subject, run_id))
        if self._tracker is None or self._done:
            yield handle
            return
        with self._phase_lock:
            self._switch_task(handle.key)
            self._stack.append(handle)
        try:
            yield handle
        finally:
            with self._phase_lock:
                self._switch_task(None)
                if handle in self._stack:
                    self._stack.remove(handle)
                handle.measured = self._tasks_failed is None
                if handle.measured and self._stack:  # a nested block is part of the outer block
                    self._stack[-1].cost.add(handle.cost)
                self._switch_task(self._stack[-1].key if self._stack else PhaseKey(OTHER))

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.stop()
        return False

    def stop(self) -> None:
        """End the measurement now (idempotent; leaving the block calls it): `result()` is ready."""
        global _current
        if self._done:
            return
        try:
            if self._tracker is not None:
                with self._phase_lock:
                    self._switch_task(None)
                    self._stack.clear()
                wall_s = time.perf_counter() - self._wall_start
                self._tracker.stop()  # returns None (errors swallowed) on failure
                data = getattr(self._tracker, "final_emissions_data", None)
                if data is None:
                    self.warning = "emissions not measured: codecarbon failed while stopping"
                else:
                    sources = describe_power_sources(self._tracker._hardware)
                    phases = None if self._tasks_failed else dict(  # `other` last
                        sorted(self._costs.items(), key=lambda item: item[0].kind == OTHER))
                    self._result = emissions_section(data, sources, codecarbon_tool(),
                                                     self.measure_power_secs, phases, wall_s)
                    if self._tasks_failed:
                        self.warning = ("emissions per phase not measured: codecarbon's task API failed "
                                        f"({self._tasks_failed}); the totals cover the whole run")
        except Exception as error:  # never let the collector hide or replace a training result
            self._result = None
            self.warning = f"emissions not measured: codecarbon failed ({error})"
        finally:
            if _current is self:
                _current = None
            self._shut_down()
            self._done = True

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

    def result(self) -> Emissions | None:
        """`record["emissions"]` after the block, or None when nothing was measured."""
        if not self._done:
            raise RuntimeError("EmissionsCollector.result() is only available after the with-block")
        return self._result
