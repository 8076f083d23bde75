"""The emissions collector around a real codecarbon OfflineEmissionsTracker (no mocks).

References: the record schema's `emissions` definition, the collector's documented key list,
codecarbon's own grid data file for the carbon intensity, the wall clock for the duration,
and `threading.enumerate()` for threads left behind.
"""

import importlib.util
import json
import re
import threading
import time
import warnings
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from modelcard.errors import UserError
from modelcard.record.model import Emissions
from modelcard.record.typed import field_names
from training.collectors import EmissionsCollector, check_country_iso_code

ROOT = Path(__file__).resolve().parents[1]
NO_RAPL = not Path("/sys/class/powercap/intel-rapl").exists()


def _emissions_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "modelcard" / "record" / "run.schema.json").read_text())
    return jsonschema.Draft202012Validator({"$ref": "#/$defs/emissions", "$defs": schema["$defs"]})


def _grid_intensity_g_per_kwh(country: str) -> float:
    """codecarbon's own carbon intensity for `country`, read from its data file."""
    folder = Path(importlib.util.find_spec("codecarbon").submodule_search_locations[0])
    mix = json.loads((folder / "data" / "private_infra" / "global_energy_mix.json").read_text())
    return float(mix[country]["carbon_intensity"])


def _codecarbon_timers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if isinstance(t, threading.Timer)]


def _busy(seconds: float) -> float:
    """Real CPU work for about `seconds`; returns the elapsed wall time."""
    start = time.perf_counter()
    a = np.random.default_rng(0).random((200, 200))
    while time.perf_counter() - start < seconds:
        a = np.tanh(a @ a)
    return time.perf_counter() - start


def test_real_tracker_measures_energy_and_emissions(tmp_path):
    threads_before = set(threading.enumerate())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outer_start = time.perf_counter()
        with EmissionsCollector("usa", project_name="test", output_dir=tmp_path) as em:
            elapsed = _busy(2.0)
        outer_s = time.perf_counter() - outer_start  # the tracker's start and stop included
    result = em.result().to_dict()
    assert em.warning is None
    assert set(result) == set(field_names(Emissions)) - {"shared_cost", "scope", "inference", "cluster"}  # those: written by the sweep or the cluster
    assert not list(_emissions_validator().iter_errors(result))

    assert result["energy_kwh"] > 0 and result["emissions_kg"] > 0
    assert result["cpu_energy_kwh"] > 0 and result["ram_energy_kwh"] > 0
    assert result["energy_kwh"] == pytest.approx(result["cpu_energy_kwh"] + result["ram_energy_kwh"])
    # codecarbon's duration runs from start() to stop(): at least most of the block, at most all of the statement
    assert 0.8 * elapsed <= result["duration_s"] <= outer_s
    assert result["emissions_rate_kg_per_s"] == pytest.approx(
        result["emissions_kg"] / result["duration_s"], rel=1e-6)
    intensity = 1000 * result["emissions_kg"] / result["energy_kwh"]
    assert intensity == pytest.approx(_grid_intensity_g_per_kwh("USA"), rel=1e-6)
    assert result["country_iso_code"] == "USA"
    assert result["cloud_provider"] is None and result["cloud_region"] is None
    assert result["gpu_power_w"] is None  # no GPU tracked: no made-up 0 W
    assert re.fullmatch(r"codecarbon \d+\.\d+\.\d+", result["tool"])
    assert result["method"].startswith(result["tool"])
    assert "United States" in result["method"]
    if NO_RAPL:
        assert result["measured"] is False
        assert "estimated from CPU load" in result["method"]
        assert "RAM power estimated" in result["method"]

    assert not [w for w in caught if "codecarbon" in str(w.filename)]
    assert set(threading.enumerate()) <= threads_before
    assert list(tmp_path.iterdir()) == []  # no CSV, no lock file in the run folder


def test_two_collectors_in_sequence_each_measure_their_own_block():
    results = []
    for seconds in (0.3, 0.6):
        with EmissionsCollector(project_name="sweep-member") as em:
            elapsed = _busy(seconds)
        results.append((em.result().to_dict(), elapsed))
        assert em.warning is None
        assert _codecarbon_timers() == []
    for result, elapsed in results:
        assert result["energy_kwh"] > 0
        assert 0.8 * elapsed <= result["duration_s"] <= elapsed + 2.0
    assert results[0][0]["duration_s"] < results[1][0]["duration_s"]


@pytest.mark.parametrize("error", [ValueError("training blew up"), KeyboardInterrupt()])
def test_exception_inside_block_stops_threads_and_keeps_partial_figures(error):
    threads_before = set(threading.enumerate())
    with pytest.raises(type(error)):
        with EmissionsCollector() as em:
            _busy(0.2)
            raise error
    assert set(threading.enumerate()) <= threads_before
    assert em.result() is not None and em.result().energy_kwh > 0


def test_nested_collector_does_not_double_count():
    with EmissionsCollector() as outer:
        with EmissionsCollector() as inner:
            _busy(0.1)
    assert inner.result() is None
    assert "another emissions collector" in inner.warning
    assert outer.result() is not None and outer.warning is None
    with EmissionsCollector() as after:  # the slot is free again
        pass
    assert after.result() is not None


def test_result_is_only_available_after_the_block():
    em = EmissionsCollector()
    with pytest.raises(RuntimeError):
        em.result()


def test_country_code_is_checked_before_training():
    assert check_country_iso_code(" fra ") == "FRA"
    with pytest.raises(UserError) as info:
        EmissionsCollector("XYZ")
    assert "'XYZ'" in str(info.value) and "\n" not in str(info.value)
