"""`measured` / method detection on real codecarbon hardware objects in each mode.

The RAPL case needs RAPL files: a tiny powercap-shaped folder stands in for /sys, and
codecarbon's own `IntelRAPL` reads it.
"""

from codecarbon.external.hardware import CPU, MODE_CPU_LOAD
from codecarbon.external.ram import RAM

from training.collectors.power_sources import describe_power_sources


def _fake_rapl(root):
    domain = root / "intel-rapl" / "intel-rapl:0"
    domain.mkdir(parents=True)
    (domain / "name").write_text("package-0\n")
    (domain / "energy_uj").write_text("1000\n")
    (domain / "max_energy_range_uj").write_text("262143328850\n")
    return root


def test_rapl_counters_count_as_measured(tmp_path):
    cpu = CPU(output_dir=str(tmp_path), mode="intel_rapl", model="Some CPU", tdp=10,
              rapl_dir=str(_fake_rapl(tmp_path / "sys")))
    sources = describe_power_sources([RAM(), cpu])
    assert sources.measured is True
    assert "RAPL" in sources.cpu
    assert sources.ram.startswith("estimated")  # codecarbon always models RAM
    assert sources.gpu is None


def test_load_based_estimate_with_generic_tdp_is_not_measured(tmp_path):
    cpu = CPU.from_utils(str(tmp_path), MODE_CPU_LOAD, "Imaginary CPU 9000", None)
    sources = describe_power_sources([RAM(), cpu])
    assert sources.measured is False
    assert "estimated from CPU load" in sources.cpu and "generic 85 W" in sources.cpu


def test_constant_mode_names_the_table_tdp(tmp_path):
    model = "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"  # in codecarbon's table at 150 W
    cpu = CPU.from_utils(str(tmp_path), "constant", model, 150)
    sources = describe_power_sources([RAM(force_ram_power=7), cpu])
    assert sources.measured is False
    assert "constant half" in sources.cpu and "150 W, codecarbon's table value" in sources.cpu
    assert sources.ram == "set to a constant 7 W"


def test_nothing_tracked_is_not_measured():
    sources = describe_power_sources([])
    assert (sources.measured, sources.cpu, sources.ram, sources.gpu) == (
        False, "not tracked", "not tracked", None)
