"""`modelcard train` end to end on a tiny folder with the real offline MobileNetV2 weights."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from modelcard.record import read_predictions, read_record
from train_fixtures import make_folder, run_cli

pytestmark = pytest.mark.tf

LOAD_AND_PREDICT = """
import json, sys, numpy as np, keras
model = keras.saving.load_model(sys.argv[1])
image = np.load(sys.argv[2], allow_pickle=False)
print(json.dumps(model.predict(image[None], verbose=0)[0].tolist()))
"""


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One real training run shared by the tests below (capsys is per test, so capture by hand)."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from modelcard.cli import main

    tmp = tmp_path_factory.mktemp("train")
    data = make_folder(tmp / "data")
    shifted = make_folder(tmp / "shifted", per_class=5, seed=7)  # an extra labelled set, other images
    meta = tmp / "meta.csv"  # blue images have a camera, the others are missing; one row names no file
    meta.write_text("path,camera\n" + "".join(f"blue/blue{i:02d}.png,cam{i % 2}\n" for i in range(12)) + "blue/gone.png,cam0\n")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["train", "--data", str(data), "--weights", "offline", "--input-size", "96", "--epochs", "3", "--inference-predictions", "40",
                     "--runs-dir", str(tmp / "runs"), "--cache-dir", str(tmp / "cache"), "--name", "tiny",
                     "--eval-set", f"shifted={shifted}", "--metadata", str(meta)])
    assert code == 0, err.getvalue()[-2000:]
    return Path(out.getvalue().strip()), data, tmp


def test_record_is_complete_and_valid(trained):
    run_dir, data, _ = trained
    record = read_record(run_dir)  # validates against the schema
    assert record["status"] == "complete" and record["created_by"] == "train" and record["name"] == "tiny"
    assert record["config"]["input_size"] == 96 and record["config"]["learning_rate"] == 1e-3
    assert record["config"]["seed"] == 0 and record["training"]["seed"] == 0
    assert record["model"]["weights"]["source"] == "offline" and record["model"]["weights"]["pretrained"]
    assert record["model"]["trainable_params"] == 1280 * 3 + 3  # frozen backbone: only the head trains
    assert record["artifacts"]["model"] == "model.keras"
    assert record["model"]["file_bytes"] == (run_dir / "model.keras").stat().st_size
    core = {"model.keras", "history.csv", "head.weights.h5", "predictions/test.npz", "predictions/shifted.npz"}
    listed = set(record["artifacts_sha256"])
    # plus every file of the folder artifacts (example grid, data-card thumbnails) and label_issues.csv
    assert core <= listed and "label_issues.csv" in listed
    assert all(k in core or k in ("label_issues.csv", "data_files.csv") or k.startswith(("examples/", "data_card/"))
               for k in listed)
    files = {p.relative_to(run_dir).as_posix() for p in (run_dir / "examples").iterdir()}
    if (run_dir / "data_card").is_dir():  # thumbnails only when the data card flagged something
        files |= {p.relative_to(run_dir).as_posix() for p in (run_dir / "data_card").iterdir()}
    assert files and listed == core | files | {"label_issues.csv", "data_files.csv"}
    assert record["artifacts_sha256"]["model.keras"] == record["model"]["file_sha256"]
    assert record["hardware"] and record["efficiency"]["latency_ms_per_image"] > 0
    assert record["sweep"] is None


def test_test_accuracy_matches_sklearn_on_saved_predictions(trained):
    run_dir, _, _ = trained
    record = read_record(run_dir)
    preds = read_predictions(run_dir / record["artifacts"]["predictions"]["test"])
    expected = accuracy_score(preds.y_true, preds.y_prob.argmax(axis=1))
    assert record["evaluations"]["test"]["metrics"]["accuracy"]["value"] == pytest.approx(expected)
    assert record["evaluations"]["test"]["n_samples"] == len(preds.y_true) == record["data"]["splits"]["test"]["n"]
    assert set(preds.attributes) == {"orientation", "resolution", "brightness", "contrast", "colour", "aspect", "camera"}


def test_metadata_columns_are_slices_with_missing_files_grouped(trained):
    run_dir, _, _ = trained
    record = read_record(run_dir)
    preds = read_predictions(run_dir / record["artifacts"]["predictions"]["test"])
    for relpath, camera in zip(preds.ids, preds.attributes["camera"]):
        expected = f"cam{int(relpath[-6:-4]) % 2}" if relpath.startswith("blue/") else "(missing)"
        assert camera == expected
    test = record["evaluations"]["test"]
    assert test["metadata_columns"] == ["camera"] and "camera" in [s["column"] for s in test["slices"]]
    assert "1 path(s) in --metadata meta.csv are not in the data and were ignored; paths must be relative to the data root" in record["warnings"]
    cuts = test["slice_cut_points"]["brightness"]
    assert cuts[0] <= cuts[1] and set(preds.attributes["brightness"]) <= {"1 low", "2 mid", "3 high"}


def test_head_mode_records_examples_with_gradcam_from_the_full_model(trained):
    run_dir, _, _ = trained
    ex = read_record(run_dir)["examples"]
    n_test = read_record(run_dir)["data"]["splits"]["test"]["n"]
    assert ex["error"] is None and ex["n_sample"] == min(16, n_test)
    assert ex["gradcam"] == {"cells": [3, 3], "error": None, "input_size": 96, "layer": "out_relu",
                             "in_backbone": True, "backbone": "mobilenetv2_1.00_96",
                             "method": ex["gradcam"]["method"], "target": "predicted class"}
    assert all((run_dir / it["file"]).is_file() and (run_dir / it["gradcam_file"]).is_file() for it in ex["items"])
    assert ex["total_bytes"] < 500_000


def test_history_csv_has_one_row_per_epoch(trained):
    run_dir, _, _ = trained
    record = read_record(run_dir)
    with open(run_dir / "history.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == record["training"]["epochs_run"]
    assert [float(r["val_loss"]) for r in rows] == pytest.approx(record["training"]["history"]["val_loss"])
    best = record["training"]["best_epoch"]
    assert record["training"]["history"]["val_loss"][best - 1] == min(record["training"]["history"]["val_loss"])


def test_saved_model_loads_plainly_and_matches_head_predictions(trained, tmp_path):
    """A fresh interpreter loads model.keras with plain keras and, on a raw test image, predicts
    what the head predicted on that image's cached features."""
    from training.data import load_rgb

    run_dir, data, _ = trained
    record = read_record(run_dir)
    preds = read_predictions(run_dir / record["artifacts"]["predictions"]["test"])
    image = load_rgb(data / preds.ids[0])  # raw pixels at the original size, uint8
    np.save(tmp_path / "image.npy", image)
    done = subprocess.run([sys.executable, "-c", LOAD_AND_PREDICT, str(run_dir / "model.keras"), str(tmp_path / "image.npy")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    probs = np.asarray(json.loads(done.stdout.strip().splitlines()[-1]))
    np.testing.assert_allclose(probs, preds.y_prob[0], atol=1e-5)


def test_eval_set_is_evaluated_like_the_test_split(trained):
    run_dir, _, _ = trained
    record = read_record(run_dir)
    assert sorted(record["evaluations"]) == ["shifted", "test"]
    preds = read_predictions(run_dir / record["artifacts"]["predictions"]["shifted"])
    assert len(preds.y_true) == 15 and preds.class_names == record["data"]["class_names"]
    metrics = record["evaluations"]["shifted"]["metrics"]
    assert metrics["accuracy"]["value"] == pytest.approx(accuracy_score(preds.y_true, preds.y_prob.argmax(axis=1)))
    assert metrics["accuracy"]["ci_low"] <= metrics["accuracy"]["value"] <= metrics["accuracy"]["ci_high"]
    assert record["data"]["eval_sets"]["shifted"]["n"] == 15


def test_train_writes_data_card_facts_and_label_issues(trained):
    run, data, tmp = trained
    record = read_record(run)
    card = record["data_card"]
    assert card["collected_by"] == "train" and card["errors"] == []
    assert card["quality"]["n_checked"] == record["data"]["n_files"]
    for split in ("train", "test"):
        entry = record["label_issues"][split]
        assert entry["measured"] and set(entry["rate"]) == {"value", "ci_low", "ci_high"}
    assert "cross-validated" in record["label_issues"]["train"]["method"]
    with open(run / "label_issues.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    counted = sum(record["label_issues"][s]["count"] for s in ("train", "test"))
    assert len(rows) == counted
def test_emissions_per_phase_efficiency_and_inference_cost(trained):
    run_dir, _, _ = trained
    record = read_record(run_dir)
    em, run_id = record["emissions"], record["run_id"]
    phases = em["phases"]
    assert {"data_scan", "data_card", "feature_extraction", "fit", "evaluation", "robustness", "examples", "efficiency",
            "inference_cost", "other"} == {
        p["kind"] for p in phases}
    for key in ("energy_kwh", "emissions_kg", "duration_s"):
        assert em[key] == pytest.approx(sum(p[key] for p in phases))
    assert sorted(p["subject"] for p in phases if p["kind"] == "feature_extraction") == ["shifted", "test", "train", "val"]
    assert sorted((p["subject"], p["run_id"]) for p in phases if p["kind"] == "evaluation") == [
        ("shifted", run_id), ("test", run_id)]
    assert not any("whole sweep" in w for w in record["warnings"])
    # inference cost: the loops ran whole batches, and the figures are their own phase's
    inference = em["inference"]
    assert inference["batch_32"]["n_predictions"] == 64 and inference["batch_1"]["n_predictions"] == 40
    for key, n in (("batch_32", 64), ("batch_1", 40)):
        phase = next(p for p in phases if p["kind"] == "inference_cost" and p["subject"] == key)
        assert inference[key]["kwh_per_1000"] == pytest.approx(phase["energy_kwh"] / n * 1000)
        assert inference[key]["kg_per_1000"] == pytest.approx(phase["emissions_kg"] / n * 1000)
        training_kg = sum(p["emissions_kg"] for p in phases if p["kind"] not in ("efficiency", "inference_cost"))
        assert inference["breakeven_predictions"][key] == round(training_kg / inference[key]["kg_per_1000"] * 1000)
    # efficiency of the saved model
    eff = record["efficiency"]
    latency = eff["latency_ms_batch1"]
    assert latency["n_runs"] >= 50 and 0 < latency["median"] <= latency["p95"]
    assert eff["latency_ms_per_image"] == latency["median"]  # the old key, for older readers
    assert eff["throughput_images_per_s_batch32"] > 0
    assert eff["model_file_bytes"] == (run_dir / "model.keras").stat().st_size
    assert eff["total_params"] == record["model"]["total_params"] and eff["trainable_params"] == 1280 * 3 + 3
    assert eff["weights_bytes_in_memory"] == 4 * eff["total_params"]  # every weight is float32
def test_robustness_is_recorded_and_on_the_card(trained, tmp_path):
    """Default `--robustness quick`: the record field policy gates read, and the card's table and plot."""
    from modelcard.render.build import build_cards
    from modelcard.record import resolve_run

    run_dir, _, _ = trained
    record = read_record(run_dir)
    rob = record["robustness"]
    assert rob["suite"] == "quick" and rob["set"] == "test" and rob["n"] == record["evaluations"]["test"]["n_samples"]
    drop = rob["corruptions"]["gaussian_noise"]["3"]["accuracy_drop"]  # robustness.gaussian_noise.3.accuracy_drop
    assert drop["ci_low"] <= drop["value"] <= drop["ci_high"]
    assert rob["parameters"]["gaussian_noise"] == {"1": 0.08, "3": 0.18, "5": 0.38}
    assert rob["clean_accuracy"]["value"] == pytest.approx(record["evaluations"]["test"]["metrics"]["accuracy"]["value"])
    (tmp_path / "empty.yaml").write_text("")  # not the repository's card.yaml
    result = build_cards(resolve_run(str(run_dir), run_dir.parent), out_dir=tmp_path / "cards",
                         card_info=tmp_path / "empty.yaml")
    card = (tmp_path / "cards" / "tiny.md").read_text()
    assert "### Robustness under common corruptions" in card and "| jpeg_compression |" in card
    assert (tmp_path / "cards" / "figures" / "tiny" / "robustness.svg").is_file()
    assert result.written
