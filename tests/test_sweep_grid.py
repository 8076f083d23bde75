"""Sweeps: grid parsing, the selection rule, and a real 2x2 sweep sharing one extraction."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelcard.errors import UserError
from modelcard.record import read_record
from training.config import TrainConfig
from training.variance.sweep import SelectionRule, expand, parse_sweep_options
from train_fixtures import make_folder, run_cli


def test_parse_sweep_options_types_values():
    axes = parse_sweep_options(["optimizer=adam,sgd", "batch_size=32,64", "learning_rate=0.01,1e-3"])
    assert axes == {"optimizer": ["adam", "sgd"], "batch_size": [32, 64], "learning_rate": [0.01, 0.001]}


@pytest.mark.parametrize("item", ["optimizer", "alpha=0.5,1.0", "batch_size=x", "optimizer=adam,adam", "=1"])
def test_parse_sweep_options_rejects_bad_items(item):
    with pytest.raises(UserError):
        parse_sweep_options([item])


def test_expand_is_the_full_grid_first_axis_slowest():
    config = TrainConfig(sweep={"optimizer": ["adam", "sgd"], "batch_size": [8, 16]})
    assert expand(config) == [{"optimizer": "adam", "batch_size": 8}, {"optimizer": "adam", "batch_size": 16},
                              {"optimizer": "sgd", "batch_size": 8}, {"optimizer": "sgd", "batch_size": 16}]
    assert expand(TrainConfig()) == [{}]


def test_selection_rule_picks_best_and_first_on_ties():
    assert SelectionRule.parse("val_accuracy:max").choose([0.5, 0.9, 0.9, None]) == 1
    assert SelectionRule.parse("val_loss:min").choose([0.5, 0.2, None, 0.3]) == 1
    assert SelectionRule.parse("val_loss:min").choose([None, None]) is None
    with pytest.raises(UserError):
        SelectionRule.parse("test_accuracy:max")


@pytest.mark.tf
def test_two_by_two_sweep_records_four_runs_from_one_extraction(tmp_path, capsys):
    data = make_folder(tmp_path / "data", per_class=8)
    argv = ["train", "--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "1", "--inference-predictions", "40",
            "--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache"),
            "--sweep", "optimizer=adam,sgd", "--sweep", "batch_size=8,16"]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err[-2000:]
    paths = [Path(p) for p in out.split()]
    assert len(paths) == 4
    recs = [read_record(p) for p in paths]
    assert len({r["sweep"]["sweep_id"] for r in recs}) == 1
    assert [r["sweep"]["selected"] for r in recs] == [True, False, False, False]  # selected printed first
    for r in recs:
        assert r["status"] == "complete"
        by_index = sorted(recs, key=lambda x: x["sweep"]["index"])
        assert [m["run_id"] for m in r["sweep"]["members"]] == [x["run_id"] for x in by_index]
        assert r["sweep"]["selection_rule"] == "val_accuracy:max"
    assert sorted((r["config"]["optimizer"], r["config"]["batch_size"]) for r in recs) == [
        ("adam", 8), ("adam", 16), ("sgd", 8), ("sgd", 16)]
    # one extraction per split, shared by every configuration; the others reuse it
    assert err.count("extracted") == 3
    assert len(list((tmp_path / "cache" / "features").glob("*.npz"))) == 3
    assert [(p / "model.keras").exists() for p in paths] == [True, False, False, False]
    assert all((p / "head.weights.h5").exists() for p in paths)
    # the table's numbers are each member's own best-epoch values
    chosen = recs[0]
    row = next(m for m in chosen["sweep"]["members"] if m["run_id"] == chosen["run_id"])
    assert [m["run_id"] for m in chosen["sweep"]["members"] if m["selected"]] == [chosen["run_id"]]
    assert row["val_accuracy"] == max(m["val_accuracy"] for m in chosen["sweep"]["members"])
    assert row["test_accuracy"] == chosen["evaluations"]["test"]["metrics"]["accuracy"]
    # each configuration's fit cost is its own fit phase; the phases add up to the sweep's total
    phases = chosen["emissions"]["phases"]
    for member in chosen["sweep"]["members"]:
        fits = [p for p in phases if p["kind"] == "fit" and p["run_id"] == member["run_id"]]
        assert len(fits) == 1 and member["fit_cost"]["energy_kwh"] == pytest.approx(fits[0]["energy_kwh"])
        assert member["fit_cost"]["cpu_power_w"] == pytest.approx(fits[0]["cpu_power_w"])
        own = [p for p in phases if p["run_id"] == member["run_id"]]
        assert member["own_cost"]["emissions_kg"] == pytest.approx(sum(p["emissions_kg"] for p in own))
    assert chosen["emissions"]["energy_kwh"] == pytest.approx(sum(p["energy_kwh"] for p in phases))
    assert all(r["emissions"]["phases"] == phases for r in recs)  # one sweep, one set of phases
    assert chosen["emissions"]["inference"]["batch_1"]["n_predictions"] == 40
    assert all(r["emissions"]["inference"] is None for r in recs[1:])  # only the saved model is costed
    assert not any("whole sweep" in w for r in recs for w in r["warnings"])
    assert all(r["efficiency"]["measured_on_run"] == chosen["run_id"] for r in recs[1:])
    # record 1.2: what each member shares, the images each epoch used, the tie-break
    assert all(r["emissions"]["scope"] == "sweep" for r in recs)
    for r in recs[1:]:  # timed on the chosen member's model, not on their own
        assert r["efficiency"]["shared"]["latency_ms_batch1"] == chosen["run_id"]
        assert r["efficiency"]["shared"]["peak_rss_mb"] == "sweep"
    assert "latency_ms_batch1" not in chosen["efficiency"]["shared"]
    for r in recs:
        n, batch, t = r["data"]["splits"]["train"]["n"], r["training"]["batch_size"], r["training"]
        assert t["drop_remainder"] == (n >= batch) and t["images_per_epoch"] == (n // batch * batch if n >= batch else n)
        assert r["efficiency"]["train_images_per_s"] == pytest.approx(
            t["images_per_epoch"] * t["epochs_run"] / t["timings"]["fit_s"], rel=0.05)
        values = [m["val_accuracy"] for m in r["sweep"]["members"]]
        best = [m["run_id"] for m in r["sweep"]["members"] if m["val_accuracy"] == max(values)]
        assert r["sweep"]["tie_break"] == "first in the sweep's order"
        assert r["sweep"]["tied_run_ids"] == (best if len(best) > 1 else [])

    # a second run with the same data and backbone reads the cache instead of extracting
    code, out, err = run_cli(argv[:-4], capsys)
    assert code == 0 and err.count("extracted") == 0 and err.count("loaded from cache") == 3
