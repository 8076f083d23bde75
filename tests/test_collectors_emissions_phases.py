"""Per-phase emissions on a real codecarbon tracker, checked against an independent one.

The reference is a second, plain codecarbon OfflineEmissionsTracker that runs inside the
whole block without tasks: the phases must add up to its duration within 5% and to its energy
within the spread of two load-based CPU power estimates (see the comment in the test).
"""

import tempfile
import threading
import time

import numpy as np
import pytest

from modelcard.record.model import Emissions, Phase
from modelcard.record.typed import field_names
from training.collectors import EmissionsCollector, emissions_phase


def _busy(seconds: float) -> None:
    start = time.perf_counter()
    a = np.random.default_rng(0).random((200, 200))
    while time.perf_counter() - start < seconds:
        a = np.tanh(a @ a)


def _reference_tracker():
    from codecarbon import OfflineEmissionsTracker

    return OfflineEmissionsTracker(country_iso_code="USA", output_dir=tempfile.gettempdir(), output_methods=[],
                                   measure_power_secs=15, log_level="error", allow_multiple_runs=True,
                                   tracking_mode="machine")


def _phase(result, kind, subject=None, run_id=None):
    found = [p for p in result["phases"] if (p["kind"], p["subject"], p["run_id"]) == (kind, subject, run_id)]
    assert len(found) == 1, (kind, subject, run_id, result["phases"])
    return found[0]


def test_phases_add_up_to_the_totals_and_agree_with_a_whole_run_tracker():
    reference = _reference_tracker()
    outer_start = time.perf_counter()
    with EmissionsCollector() as em:
        reference.start()  # inside the block: the collector's total encloses the reference's
        try:
            with emissions_phase("data_scan"):
                _busy(0.6)
            time.sleep(0.3)  # outside every phase: counted as `other`
            fit_s = {}
            for run_id in ("a", "b"):
                with emissions_phase("fit", run_id=run_id):
                    start = time.perf_counter()
                    _busy(0.5)
                    fit_s[run_id] = time.perf_counter() - start
                with emissions_phase("evaluation", "test", run_id):
                    time.sleep(0.3)
        finally:
            reference.stop()
    outer_s = time.perf_counter() - outer_start
    result = em.result().to_dict()
    assert em.warning is None
    assert set(result) == set(field_names(Emissions)) - {"shared_cost", "scope", "inference", "cluster"}
    phases = result["phases"]
    assert [p["kind"] for p in phases] == ["data_scan", "fit", "evaluation", "fit", "evaluation", "other"]
    assert all(set(p) == set(field_names(Phase)) for p in phases)
    for key in ("duration_s", "energy_kwh", "cpu_energy_kwh", "ram_energy_kwh", "emissions_kg"):
        assert result[key] == pytest.approx(sum(p[key] for p in phases), rel=1e-9)
    for p in phases:
        assert p["energy_kwh"] == pytest.approx(p["cpu_energy_kwh"] + p["ram_energy_kwh"], rel=1e-9)
        assert p["cpu_power_w"] == pytest.approx(p["cpu_energy_kwh"] * 3.6e6 / p["duration_s"])
        assert p["gpu_power_w"] is None and p["gpu_energy_kwh"] is None  # no GPU tracked: no made-up 0 W
        assert p["power_measured"] == result["power_measured"]
    assert _phase(result, "fit", run_id="a")["duration_s"] == pytest.approx(fit_s["a"], rel=0.25, abs=0.05)
    assert _phase(result, "other")["duration_s"] >= 0.3
    # The independent tracker. Durations do not depend on load: the same within 5% (a block left
    # out of every phase would miss it). Energy does: without RAPL both estimate CPU power from the
    # whole machine's load, sampled at different instants (1% apart on a quiet machine, 7.5% seen
    # in CI under load), so within 20%: still enough to catch a phase counted twice.
    ref = reference.final_emissions_data
    assert result["duration_s"] == pytest.approx(ref.duration, rel=0.05)
    assert result["duration_s"] <= outer_s
    assert result["energy_kwh"] == pytest.approx(ref.energy_consumed, rel=0.2)
    assert result["emissions_kg"] / result["energy_kwh"] == pytest.approx(ref.emissions / ref.energy_consumed, rel=1e-6)


def test_nested_phases_split_the_cost_and_handles_hold_their_block():
    """Durations are compared with the blocks' own measured elapsed times, never with fixed seconds."""
    with EmissionsCollector() as em:
        with em.phase("fit", run_id="r") as outer:
            start = time.perf_counter()
            _busy(0.3)
            with emissions_phase("efficiency", run_id="r") as inner:
                inner_start = time.perf_counter()
                _busy(0.3)
                inner_s = time.perf_counter() - inner_start
            outer_s = time.perf_counter() - start
        with emissions_phase("fit", run_id="r"):  # the same phase again: its figures add up
            again = time.perf_counter()
            _busy(0.2)
            again_s = time.perf_counter() - again
    result = em.result().to_dict()
    fit, eff = _phase(result, "fit", run_id="r"), _phase(result, "efficiency", run_id="r")
    assert inner.measured and outer.measured
    assert inner.cost.energy_kwh == pytest.approx(eff["energy_kwh"])
    assert outer.cost.energy_kwh > inner.cost.energy_kwh
    assert outer.cost.duration_s == pytest.approx(outer_s, rel=0.25, abs=0.05)
    # the fit phase holds its own time only: the outer block minus the nested one, plus the repeat
    assert fit["duration_s"] == pytest.approx(outer_s - inner_s + again_s, rel=0.25, abs=0.05)


def test_phase_outside_any_collector_does_nothing():
    with emissions_phase("robustness", "test") as handle:
        pass
    assert handle.cost.energy_kwh == 0 and not handle.measured
    with pytest.raises(ValueError):
        with emissions_phase("Not A Kind"):
            pass


def test_task_api_failure_keeps_the_whole_run_totals(monkeypatch):
    from codecarbon.emissions_tracker import BaseEmissionsTracker

    def broken(self, task_name=None):
        raise RuntimeError("task API broke")

    monkeypatch.setattr(BaseEmissionsTracker, "start_task", broken)
    threads_before = set(threading.enumerate())
    start = time.perf_counter()
    with EmissionsCollector() as em:
        with emissions_phase("fit"):
            _busy(0.4)
    block = time.perf_counter() - start
    result = em.result().to_dict()
    assert result is not None and result["phases"] is None
    # the whole run's own totals: at least the busy work, at most the block (no wall-clock bound: a loaded
    # machine stretches both alike)
    assert result["energy_kwh"] > 0 and 0.4 <= result["duration_s"] <= block + 0.05
    assert "per phase not measured" in em.warning and "task API broke" in em.warning
    assert set(threading.enumerate()) <= threads_before


def test_phases_never_add_up_to_more_than_the_block():
    """Nested phases, a phase reopened inside itself and time outside every phase: their sum is at
    most the block's own monotonic wall time (a phase counted twice, or an overlap, would exceed it)."""
    start = time.perf_counter()
    with EmissionsCollector() as em:
        time.sleep(0.05)  # `other`
        with emissions_phase("fit", run_id="r"):
            _busy(0.15)
            with emissions_phase("evaluation", "test", "r"):
                _busy(0.1)
                with emissions_phase("efficiency", run_id="r"):
                    time.sleep(0.05)
            with emissions_phase("fit", run_id="r"):  # the same phase nested in itself
                _busy(0.05)
        time.sleep(0.05)
    block_s = time.perf_counter() - start
    phases = em.result().to_dict()["phases"]
    total = sum(p["duration_s"] for p in phases)
    assert total <= block_s + 0.005, (total, block_s, phases)
    assert em.result().duration_s == pytest.approx(total, rel=1e-9)
    assert total >= 0.4  # and nothing was lost: every block is in some phase


def test_a_finished_record_encloses_the_phases_it_records(tmp_path):
    """`train` scans the data inside the tracker before its runs exist; the runs start (RunStart)
    before the tracker, so `provenance.duration_s` is at least the sum of the recorded phases.
    A run opened only after the scan (as before 1.3) is shorter than its own phases."""
    from modelcard.record import RunStart, open_run, read_record
    from test_record_format import _complete

    start = RunStart.now()
    with EmissionsCollector() as em:
        with emissions_phase("data_scan"):
            _busy(0.3)
        with open_run(tmp_path / "runs", "t", "train", command_line=["t"], start=start) as writer, \
                open_run(tmp_path / "runs", "late", "train", command_line=["t"]) as late:
            with emissions_phase("fit"):
                _busy(0.2)
            em.stop()
            for run in (writer, late):
                run.set(emissions=em.result())
                _complete(run)
    record, late_record = read_record(writer.path), read_record(late.path)
    phases = sum(p["duration_s"] for p in record["emissions"]["phases"])
    assert record["provenance"]["started_at"] == start.utc
    assert record["provenance"]["duration_s"] >= phases >= 0.5
    assert late_record["provenance"]["duration_s"] < phases  # the overshoot the RunStart removes
