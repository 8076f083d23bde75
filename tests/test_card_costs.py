"""The card's cost figures: per-configuration fit cost in the sweep table, the shared cost under
it, the phase table and the inference cost, all read from the record's emissions phases."""

from __future__ import annotations

import copy

import pytest

import card_fixtures as cf
from modelcard.card.sections.costs import run_costs, sweep_cost
from modelcard.record.model import RunRecord
from modelcard.record.sweep_table import member_row
from modelcard.render.build import build_cards

OTHER_ID = "20260101T000100Z-def456"
FLAGS = {"cpu": False, "ram": False, "gpu": None}


def _phase(kind, seconds, kwh, subject=None, run_id=None, flags=FLAGS):
    cpu, ram = kwh * 0.75, kwh * 0.25
    return {"kind": kind, "subject": subject, "run_id": run_id, "duration_s": seconds, "energy_kwh": kwh,
            "cpu_energy_kwh": cpu, "gpu_energy_kwh": None, "ram_energy_kwh": ram, "cpu_power_w": cpu * 3.6e6 / seconds,
            "gpu_power_w": None, "ram_power_w": ram * 3.6e6 / seconds, "emissions_kg": kwh * 0.05,
            "power_measured": dict(flags)}


def costed_record(flags=FLAGS) -> dict:
    record = copy.deepcopy(cf.base_record())
    phases = [_phase("data_scan", 1.0, 1e-5, flags=flags), _phase("feature_extraction", 8.0, 8e-5, "train", flags=flags),
              _phase("fit", 3.0, 3e-5, run_id=cf.RUN_ID, flags=flags),
              _phase("evaluation", 1.0, 1e-5, "test", cf.RUN_ID, flags=flags),
              _phase("fit", 4.0, 4e-5, run_id=OTHER_ID, flags=flags),
              _phase("inference_cost", 2.0, 2e-5, "batch_32", cf.RUN_ID, flags=flags),
              _phase("other", 1.0, 1e-5, flags=flags)]
    em = record["emissions"]
    em.update(phases=phases, power_measured=dict(flags), measured=all(v for v in flags.values() if v is not None),
              energy_kwh=sum(p["energy_kwh"] for p in phases), emissions_kg=sum(p["emissions_kg"] for p in phases),
              duration_s=sum(p["duration_s"] for p in phases))
    em["inference"] = {"batch_32": {"n_predictions": 1024, "duration_s": 2.0, "kwh_per_1000": 2e-5 / 1.024,
                                    "kg_per_1000": 1e-6 / 1.024, "measured": True},
                       "training_emissions_kg": 7.5e-6, "breakeven_predictions": {"batch_32": 7680}}
    record["efficiency"].update(latency_ms_batch1={"median": 8.0, "p95": 9.5, "n_runs": 50},
                                throughput_images_per_s_batch32=125.0, weights_bytes_in_memory=9_047_308,
                                total_params=2_261_827, trainable_params=3_843)
    for member in record["sweep"]["members"]:
        row = member_row(RunRecord.of({**record, "run_id": member["run_id"]}), member["parameters"], "complete",
                         member["selected"]).to_dict()
        member.update(fit_cost=row["fit_cost"], own_cost=row["own_cost"])
    return record


def test_member_rows_and_sums_come_from_the_phases():
    record = costed_record()
    chosen, other = record["sweep"]["members"]
    assert chosen["fit_cost"]["energy_kwh"] == pytest.approx(3e-5) and other["fit_cost"]["energy_kwh"] == pytest.approx(4e-5)
    assert chosen["fit_cost"]["cpu_power_w"] == pytest.approx(3e-5 * 0.75 * 3.6e6 / 3.0)
    assert chosen["own_cost"]["energy_kwh"] == pytest.approx(3e-5 + 1e-5 + 2e-5)
    typed = RunRecord.of(record)
    cost = sweep_cost(typed, typed.sweep.members)
    assert [r.label for r in cost.shared] == ["data scan and hashing", "feature extraction: train",
                                              "other work (set-up, model building, saving)"]
    assert cost.shared_total.energy_kwh == pytest.approx(1e-5 + 8e-5 + 1e-5)
    assert cost.total.energy_kwh == pytest.approx(record["emissions"]["energy_kwh"])
    assert cost.selected_run_id == cf.RUN_ID and cost.estimated
    costs = run_costs(typed)
    assert costs.total.duration_s == pytest.approx(20.0) and costs.inference[0].breakeven_predictions == 7680


def test_card_shows_fit_costs_shared_cost_phases_and_inference(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cf.write_run(tmp_path, costed_record())
    build_cards(run, tmp_path / "cards")
    md = next((tmp_path / "cards").glob("*.md")).read_text()
    assert ("| fit phase duration (building, compiling and fitting) | fit energy (kWh, estimated) | "
            "fit CO2eq (g, estimated) | fit CPU power (W, estimated) |") in md
    assert "| selected (this card) | 3.0 s | 3e-05 | 0.0015 | 27 | 9 |" in md  # 3e-5 kWh, 1.5 mg, 0.75*3e-5*3.6e6/3 W
    assert "| feature extraction: train | 8.0 s | 8e-05 | 0.004 |" in md
    assert "| shared cost | 10.0 s | 0.0001 | 0.005 |" in md
    assert f"Selected configuration ({cf.RUN_ID}): its fit phase (building, compiling and fitting) used 3e-05 kWh" in md
    assert ("Whole sweep (the whole `modelcard train` command, all 2 configurations, every phase, the speed and "
            "inference-cost measurements of the saved model included): 0.0002 kWh, 0.01 g CO2eq, 20.0 s.") in md
    assert "every energy, power and CO2 figure is an ESTIMATE" in md
    assert "| 32 | 1.95e-05 | 0.000977 | 1,024 | 2.0 s | 7,680 |" in md
    assert "ESTIMATED like the training figures" in md
    assert "| latency per image at batch 1, full model (ms) | median 8, p95 9.5 over 50 runs |" in md
    assert "| weights in memory | 9.05 MB (9,047,308 bytes) |" in md
    assert "single-image latency, full model (ms, median)" not in md  # the old key is not shown twice
    html = next((tmp_path / "cards").glob("*.html")).read_text()
    assert "fit energy (kWh, estimated)" in html and "Inference cost" in html


def test_metered_power_is_not_called_an_estimate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cf.write_run(tmp_path, costed_record(flags={"cpu": True, "ram": True, "gpu": None}))
    build_cards(run, tmp_path / "cards")
    md = next((tmp_path / "cards").glob("*.md")).read_text()
    assert "| fit energy (kWh) | fit CO2eq (g) | fit CPU power (W) | fit RAM power (W) |" in md
    assert "| phase | configuration | duration | energy (kWh) | CO2eq (g) | CPU power (W) | RAM power (W) |" in md
    assert "every energy, power and CO2 figure is an ESTIMATE" not in md and "ESTIMATED like" not in md
    assert "Cost of the sweep." in md
