"""`modelcard evaluate` on a from-scratch CNN and low-detail grayscale images, in train/ and test/
folders only: the record and card say what evaluate knows (the file) and nothing it does not
(how the model was trained)."""

from __future__ import annotations

import hashlib
import re

import pytest

from modelcard.record import read_record
from train_fixtures import make_gray_folder, run_cli

pytestmark = pytest.mark.tf


def scratch_cnn(path, n_classes: int = 3, size: int = 32):
    """A tiny Sequential CNN from random weights (no backbone), saved as .keras."""
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((size, size, 3)), keras.layers.Rescaling(1 / 255.0),
        keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(4, 3, activation="relu", name="last_conv"),
        keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.save(path)
    return model


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    import contextlib
    import io

    from modelcard.cli import main

    tmp = tmp_path_factory.mktemp("scratch")
    for split, seed in (("train", 0), ("test", 1)):  # no val/: evaluate only needs test/
        make_gray_folder(tmp / "data" / split, n_classes=3, per_class=6, seed=seed, out=25)  # resized to 32
    scratch_cnn(tmp / "cnn.keras")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["evaluate", "--model", str(tmp / "cnn.keras"), "--data", str(tmp / "data"), "--runs-dir",
                     str(tmp / "runs"), "--inference-predictions", "0", "--label-issues", "none", "--robustness", "quick"])
        assert code == 0, err.getvalue()[-2000:]
        run = out.getvalue().strip().splitlines()[-1]
        assert main(["build", "--run", run, "--out", str(tmp / "cards")]) == 0
    return tmp, read_record(run), (tmp / "cards" / "cnn.md").read_text(encoding="utf-8")


def test_evaluate_needs_only_a_test_folder(evaluated):
    tmp, record, _ = evaluated
    assert set(record["data"]["splits"]) == {"train", "test"} and record["data"]["splits"]["test"]["n"] == 18
    test = record["evaluations"]["test"]
    assert test["n_samples"] == 18 and test["source"] == f"test split of {tmp / 'data'}"


def test_evaluate_still_needs_test_and_train_still_needs_all_three(tmp_path, capsys):
    make_gray_folder(tmp_path / "d" / "train", n_classes=3, per_class=4)
    make_gray_folder(tmp_path / "d" / "val", n_classes=3, per_class=4, seed=2)
    scratch_cnn(tmp_path / "cnn.keras")
    code, _, err = run_cli(["evaluate", "--model", str(tmp_path / "cnn.keras"), "--data", str(tmp_path / "d"),
                            "--runs-dir", str(tmp_path / "runs")], capsys)
    assert code == 2 and "has some split folders but not test/; provide test/" in err
    assert len(err.strip().splitlines()) == 1
    (tmp_path / "d" / "val").rename(tmp_path / "d" / "test")
    code, _, err = run_cli(["train", "--data", str(tmp_path / "d"), "--runs-dir", str(tmp_path / "runs")], capsys)
    assert code == 2 and "not val/; provide all of train/, val/ and test/" in err


def test_evaluate_record_does_not_invent_how_the_model_was_trained(evaluated):
    tmp, record, card = evaluated
    weights = record["model"]["weights"]
    assert weights["pretrained"] is None and weights["source"] == "file"
    assert "not known to modelcard" in weights["origin"]
    assert "ImageNet-trained" not in card and "No pretrained weights were used" not in card
    assert "**Finetuned from**: unknown: this model was trained elsewhere" in card
    front = card.split("---")[1]
    assert "co2_eq_emissions" not in front  # its emissions are evaluation's: the Hub's figure is training's


def test_evaluate_card_points_to_the_evaluated_file(evaluated):
    tmp, record, card = evaluated
    data = (tmp / "cnn.keras").read_bytes()
    started = card.split("## How to Get Started with the Model")[1].split("\n## ")[0]
    assert "There is no model file to load" not in started
    assert str(tmp / "cnn.keras") in started and f"{len(data):,} bytes" in started
    assert hashlib.sha256(data).hexdigest() in started
    assert f"keras.saving.load_model({str(tmp / 'cnn.keras')!r})" in started


def test_evaluate_card_training_data_says_it_is_unknown(evaluated):
    _, _, card = evaluated
    section = card.split("### Training Data")[1].split("\n### ")[0]
    assert re.search(r"The data this model was trained on is unknown to modelcard", section)


def test_gradcam_on_a_model_without_backbone_names_its_own_layer(evaluated):
    _, record, card = evaluated
    gradcam = record["examples"]["gradcam"]
    assert gradcam["layer"] == "last_conv" and gradcam["in_backbone"] is False and gradcam["backbone"] is None
    assert "taken at the model's last convolutional layer (last_conv)" in card and "backbone's" not in card


def test_robustness_clean_pass_is_the_headline_evaluation(evaluated):
    """Images of 25 px resized to the model's 32: the clean pass of the corruption pipeline is
    the evaluation's own input, so its accuracy is the headline test accuracy, to the last digit."""
    _, record, _ = evaluated
    headline = record["evaluations"]["test"]["metrics"]["accuracy"]
    clean = record["robustness"]["clean_accuracy"]
    assert record["robustness"]["n"] == 18
    assert clean["value"] == headline["value"]
