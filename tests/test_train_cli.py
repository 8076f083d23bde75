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
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["train", "--data", str(data), "--weights", "offline", "--input-size", "96", "--epochs", "3",
                     "--runs-dir", str(tmp / "runs"), "--cache-dir", str(tmp / "cache"), "--name", "tiny",
                     "--eval-set", f"shifted={shifted}"])
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
    assert record["hardware"] and record["efficiency"]["latency_ms_per_image"] > 0
    assert record["sweep"] is None


def test_test_accuracy_matches_sklearn_on_saved_predictions(trained):
    run_dir, _, _ = trained
    record = read_record(run_dir)
    preds = read_predictions(run_dir / record["artifacts"]["predictions"]["test"])
    expected = accuracy_score(preds.y_true, preds.y_prob.argmax(axis=1))
    assert record["evaluations"]["test"]["metrics"]["accuracy"]["value"] == pytest.approx(expected)
    assert record["evaluations"]["test"]["n_samples"] == len(preds.y_true) == record["data"]["splits"]["test"]["n"]
    assert set(preds.attributes) == {"orientation", "resolution"}


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
