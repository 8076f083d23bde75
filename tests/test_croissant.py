"""`<name>.croissant.json`: the data card as Croissant 1.1 JSON-LD with RAI fields, loaded with
mlcroissant (offline). On a real training run, mlcroissant reads the image folder through it
and every record's label is the image's class."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from modelcard.cli import main
from modelcard.record import RunRef, read_record, resolve_run
from modelcard.render.build import build_cards
from tests.predictions_fixtures import write_csv
from train_fixtures import make_folder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((ROOT / "examples" / "runs").iterdir())[0]
RAI = ("rai:dataCollection", "rai:personalSensitiveInformation", "rai:dataLimitations", "rai:dataBiases",
       "rai:dataAnnotationAnalysis", "rai:dataPreprocessingProtocol")


def _load(path: Path):
    """mlcroissant's Dataset; it raises on a validation error (warnings are only logged)."""
    import mlcroissant as mlc

    logging.getLogger("absl").setLevel(logging.ERROR)
    return mlc.Dataset(jsonld=str(path))


def _croissant(result) -> Path:
    (path,) = [p for p in result.written if p.name.endswith(".croissant.json")]
    return path


def test_example_data_card_loads_with_mlcroissant(tmp_path):
    run = RunRef(EXAMPLE, read_record(EXAMPLE))
    path = _croissant(build_cards(run, tmp_path, card_info=ROOT / "card.yaml", policy=ROOT / "policy.yaml"))
    ds = _load(path)
    assert [r.name for r in ds.metadata.record_sets] == ["images"]
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert all(isinstance(doc[key], str) and doc[key] for key in RAI)
    record = run.record
    assert record["data"]["content_hash"] in doc["distribution"][0]["description"]
    test_issues = record["label_issues"]["test"]
    assert f"estimated label issues in test: {test_issues['count']}" in doc["rai:dataAnnotationAnalysis"]
    assert "cleanvision" in doc["rai:dataLimitations"]
    # the repository's card.yaml has no `data:` keys: both human fields are named as not provided
    assert doc["rai:dataCollection"] == "Not provided: add `data.collection` to card.yaml."
    assert doc["rai:personalSensitiveInformation"] == "Not provided: add `data.consent` to card.yaml."
    assert "resized to 160x160 pixels" in doc["rai:dataPreprocessingProtocol"]


def test_human_data_text_reaches_the_rai_fields(tmp_path):
    run = RunRef(EXAMPLE, read_record(EXAMPLE))
    info = tmp_path / "card.yaml"
    info.write_text((ROOT / "card.yaml").read_text(encoding="utf-8") + "data:\n  collection: Cut out by volunteers.\n"
                    "  consent: No people are shown.\n", encoding="utf-8")
    doc = json.loads(_croissant(build_cards(run, tmp_path / "cards", card_info=info)).read_text(encoding="utf-8"))
    assert doc["rai:dataCollection"] == "Cut out by volunteers."
    assert doc["rai:personalSensitiveInformation"] == "From card.yaml `data.consent`: No people are shown."


def test_predictions_csv_run_croissant_loads(tmp_path, runs_dir):
    csv_path = write_csv(tmp_path / "preds.csv")
    assert main(["record", "--predictions", str(csv_path), "--name", "pets", "--slice", "setting", "--n-resamples", "100"]) == 0
    path = _croissant(build_cards(resolve_run("latest", runs_dir), tmp_path / "cards"))
    _load(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["rai:dataCollection"] == "Not provided: add `data.collection` to card.yaml."
    assert "not measured" in doc["rai:dataLimitations"]


@pytest.mark.tf
def test_mlcroissant_reads_the_trained_folder_with_the_right_labels(tmp_path):
    data = make_folder(tmp_path / "data", per_class=4)
    (data / "red" / "deeper").mkdir()  # an image in a subfolder of its class folder is still that class
    shutil.move(data / "red" / "red00.png", data / "red" / "deeper" / "red00.png")
    runs = tmp_path / "runs"
    assert main(["train", "--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "1",
                 "--robustness", "none", "--inference-predictions", "0", "--runs-dir", str(runs),
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    path = _croissant(build_cards(resolve_run("latest", runs), tmp_path / "cards"))
    beside = data / path.name  # the FileSet's paths are relative to the folder the JSON-LD sits in
    shutil.copy(path, beside)
    records = list(_load(beside).records("images"))
    labels = sorted(r["images/label"].decode() for r in records)
    assert labels == sorted(p.relative_to(data).parts[0] for p in data.rglob("*.png"))
    assert len(records) == 12 and all(r["images/image"].size[0] >= 32 for r in records)
