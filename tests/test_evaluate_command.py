"""`modelcard evaluate`: a complete record for a .keras model trained elsewhere."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from modelcard.record import read_predictions, read_record
from train_fixtures import make_folder, run_cli

pytestmark = pytest.mark.tf


def _foreign_model(path):
    """A small model built outside modelcard: raw pixels -> resize -> mean colour -> softmax."""
    import keras

    keras.utils.set_random_seed(1)
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Resizing(32, 32)(inputs)
    x = keras.layers.Rescaling(1 / 255.0)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(3, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="foreign")
    model.save(path)
    return model


def test_evaluate_writes_complete_record(tmp_path, capsys):
    from training.data import load_rgb

    data = make_folder(tmp_path / "data", per_class=5)
    model = _foreign_model(tmp_path / "m.keras")
    code, out, err = run_cli(["evaluate", "--model", str(tmp_path / "m.keras"), "--data", str(data),
                              "--name", "foreign", "--runs-dir", str(tmp_path / "runs"),
                              "--inference-predictions", "100"], capsys)
    assert code == 0, err[-2000:]
    run_dir = out.strip()
    record = read_record(run_dir)
    assert record["status"] == "complete" and record["created_by"] == "evaluate" and record["training"] is None
    assert record["robustness"]["n"] == 15 and record["config"]["robustness"] == "quick"
    assert record["model"]["input_size"] == 32 and record["model"]["weights"]["source"] == "file"
    assert record["data"]["splits"]["test"]["n"] == 15  # every image of DIR is the evaluation set
    preds = read_predictions(f"{run_dir}/{record['artifacts']['predictions']['test']}")
    assert record["evaluations"]["test"]["metrics"]["accuracy"]["value"] == pytest.approx(
        accuracy_score(preds.y_true, preds.y_prob.argmax(axis=1)))
    # each recorded row is what the model itself predicts on that raw image
    for i in (0, 7, 14):
        direct = model.predict(load_rgb(data / preds.ids[i])[None], verbose=0)[0]
        np.testing.assert_allclose(preds.y_prob[i], direct, atol=1e-5)
    # the data card of the evaluated images: composition, cleanvision, and label issues from these predictions
    card = record["data_card"]
    assert card["collected_by"] == "evaluate" and card["errors"] == []
    assert list(card["quality"]["counts"]) == ["test"] and card["quality"]["n_checked"] == 15
    assert list(record["label_issues"]) == ["test"] and record["label_issues"]["test"]["n"] == 15
    # the exact files evaluated, and a wall time that holds every emissions phase
    rows = (tmp_path / "runs" / record["run_id"] / record["artifacts"]["data_files"]).read_text().splitlines()
    assert rows[0] == "path,class,split,sha256,bytes" and len(rows) == 16
    assert sorted(r.split(",")[0] for r in rows[1:]) == sorted(preds.ids) and all(",test," in r for r in rows[1:])
    phases = record["emissions"]["phases"] or []
    assert record["provenance"]["duration_s"] >= sum(p["duration_s"] for p in phases) > 0


def test_evaluate_refuses_class_count_mismatch(tmp_path, capsys):
    data = make_folder(tmp_path / "data", per_class=3)
    (tmp_path / "two").mkdir()
    for name in ("blue", "red"):
        (data / name).rename(tmp_path / "two" / name)
    _foreign_model(tmp_path / "m.keras")
    code, out, err = run_cli(["evaluate", "--model", str(tmp_path / "m.keras"), "--data", str(tmp_path / "two"),
                              "--runs-dir", str(tmp_path / "runs")], capsys)
    assert code == 2 and "predicts 3 classes" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()
