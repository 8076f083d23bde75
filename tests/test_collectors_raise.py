"""Every collector a training run uses may fail: the run still completes, and its card names
what was not measured and why. Each collector is made to raise (monkeypatch) in a real run."""

from pathlib import Path

import pytest

from modelcard.record import read_record
from train_fixtures import make_folder, run_cli

pytestmark = pytest.mark.tf


def _train(tmp_path, capsys, *extra):
    data = make_folder(tmp_path / "data", per_class=6)
    code, out, err = run_cli(["train", "--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "1",
                              "--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache"),
                              "--inference-predictions", "8", *extra], capsys)
    assert code == 0, err[-2000:]
    return [Path(p) for p in out.split()]


def _card(run_dir: Path, tmp_path, capsys) -> str:
    code, out, err = run_cli(["build", "--run", str(run_dir), "--out", str(tmp_path / "cards"), "--format", "md"], capsys)
    assert code == 0, err[-2000:]
    return next(p for p in (tmp_path / "cards").glob("*.md") if not p.name.endswith(".data.md")).read_text()


def _boom(*args, **kwargs):
    raise OSError("sensor unplugged")


def test_hardware_efficiency_and_emissions_failures_leave_a_complete_run(tmp_path, capsys, monkeypatch):
    import training.measure.model_cost
    import training.commands.train
    from training.collectors.emissions import EmissionsCollector

    monkeypatch.setattr(training.commands.train, "collect_hardware", _boom)
    monkeypatch.setattr(training.measure.model_cost, "measure_latency", _boom)
    monkeypatch.setattr(EmissionsCollector, "_new_tracker", _boom)
    (run_dir,) = _train(tmp_path, capsys)
    record = read_record(run_dir)
    assert record["status"] == "complete" and (run_dir / "model.keras").exists()
    assert record["hardware"] is None and record["emissions"] is None
    assert record["efficiency"]["latency_ms_batch1"] is None and record["efficiency"]["model_file_bytes"] > 0
    card = _card(run_dir, tmp_path, capsys)
    assert "hardware not measured: OSError: sensor unplugged" in card
    assert "efficiency (latency, throughput, size) not measured: OSError: sensor unplugged" in card
    assert "emissions not measured: codecarbon failed to start (sensor unplugged)" in card
    assert "No energy or emissions were recorded for this run." in card
    assert "Hardware was not recorded." in card


def test_task_api_and_inference_cost_failures_keep_whole_run_emissions(tmp_path, capsys, monkeypatch):
    import training.measure.model_cost
    from codecarbon.emissions_tracker import BaseEmissionsTracker

    def broken_task(self, task_name=None):
        raise RuntimeError("task API broke")

    monkeypatch.setattr(BaseEmissionsTracker, "start_task", broken_task)
    monkeypatch.setattr(training.measure.model_cost, "materialize", _boom)  # the inference loop fails
    chosen, other = _train(tmp_path, capsys, "--sweep", "optimizer=adam,sgd")
    record = read_record(chosen)
    assert record["status"] == "complete" and read_record(other)["status"] == "complete"
    em = record["emissions"]
    assert em["phases"] is None and em["energy_kwh"] > 0 and em["inference"] is None
    assert all(m["fit_cost"] is None for m in record["sweep"]["members"])
    card = _card(chosen, tmp_path, capsys)
    assert "emissions per phase not measured: codecarbon's task API failed (RuntimeError: task API broke)" in card
    assert "emissions cover the whole sweep of 2 configurations" in card  # nothing split: say it is mixed
    assert "inference cost not measured: OSError: sensor unplugged" in card
    assert "fit energy" not in card and "Inference cost" not in card
