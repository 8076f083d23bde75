"""`<name>.croissant.json`: the data card as Croissant 1.1 JSON-LD with RAI fields, loaded with
mlcroissant (offline). On a real training run, mlcroissant reads the image folder through it
and every record's label is the image's class."""

from __future__ import annotations

import dataclasses

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
    _load(path)
    for card in (path.with_name(path.name.replace(".croissant.json", ".md")),
                 path.with_name(path.name.replace(".croissant.json", ".data.md"))):
        text = card.read_text(encoding="utf-8")  # each kind of file left out under its own name (issue 24)
        assert ("**Files left out**: 3,495 non-image files; 92 SVG drawings; 5 mirrored or flipped copies of other "
                "images; 41 images in excluded subfolders (cartoon, plastic, toys)") in text
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert all(isinstance(doc[key], str) and doc[key] for key in RAI)
    record = run.record
    # the FileSet names exactly the 231 files the run used (data_files.csv), no wildcard that would match the
    # thousands of other files under the stamps folder
    file_set = next(d for d in doc["distribution"] if d["@type"] == "cr:FileSet")
    listed = (EXAMPLE / "data_files.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(file_set["includes"]) == len(listed) == record["data"]["n_files"] == 231
    assert "*" not in json.dumps(file_set["includes"])
    test_issues = record["label_issues"]["test"]
    assert f"label disagreements to review in test: {test_issues['count']}" in doc["rai:dataAnnotationAnalysis"]
    assert "cleanvision" in doc["rai:dataLimitations"]
    # the repository's card.yaml says how the data was collected and that no person is shown (issue 24)
    assert doc["rai:dataCollection"].startswith("The pictures ship with the Debian package tuxpaint-stamps-default")
    assert "not identifiable people" in doc["rai:personalSensitiveInformation"]
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
    run = resolve_run("latest", runs)
    # train records the exact files and a wall time that holds every emissions phase (the data scan too)
    assert run.record["artifacts"]["data_files"] == "data_files.csv"
    phases = (run.record["emissions"] or {}).get("phases") or []
    assert any(p["kind"] == "data_scan" for p in phases)
    assert run.record["provenance"]["duration_s"] >= sum(p["duration_s"] for p in phases)
    path = _croissant(build_cards(run, tmp_path / "cards"))
    beside = data / path.name  # the FileSet's paths are relative to the folder the JSON-LD sits in
    shutil.copy(path, beside)
    records = list(_load(beside).records("images"))
    labels = sorted(r["images/label"].decode() for r in records)
    assert labels == sorted(p.relative_to(data).parts[0] for p in data.rglob("*.png"))
    assert len(records) == 12 and all(r["images/image"].size[0] >= 32 for r in records)


def _run_from_folder(root: Path, runs: Path) -> Path:
    """A `train`-like run of the folder without TensorFlow: the data section and data_files.csv as
    training writes them, test predictions of a guessing model and a minimal data card."""
    import numpy as np

    from modelcard.analysis import evaluate_predictions
    from modelcard.record import Predictions, open_run
    from training.data import resolve_source
    from training.stages.run_sections import data_section, write_data_files

    dataset = resolve_source(str(root), progress=False)
    test = dataset.splits["test"]
    labels = np.array([s.label for s in test])
    probs = np.full((len(test), len(dataset.class_names)), 1 / len(dataset.class_names))
    with open_run(runs, "folder", "train") as writer:
        writer.set(data=data_section(dataset, {}), data_card={"collected_by": "train", "errors": []})
        write_data_files(writer, dataset)
        writer.add_predictions("test", Predictions(np.array([s.relpath for s in test]), labels, probs,
                                                   list(dataset.class_names)))
        evaluation = evaluate_predictions(labels, probs, dataset.class_names, n_resamples=20)
        writer.add_evaluation("test", dataclasses.replace(evaluation, source="test split"))
    return writer.path


def test_file_set_lists_exactly_the_files_the_run_used(tmp_path):
    import fnmatch
    import glob
    import hashlib

    root = make_folder(tmp_path / "data", per_class=6)
    shutil.copy(root / "red" / "red00.png", root / "red" / "odd [1] *?.png")  # glob characters in a used name
    (root / "red" / "notes.txt").write_text("a description")
    (root / "blue" / "sketch.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "green" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really a png")  # skipped as unreadable
    shutil.copy(root / "blue" / "blue00.png", root / "stray.png")  # in no class folder
    run = _run_from_folder(root, tmp_path / "runs")
    record = read_record(run)
    assert record["data"]["ignored"] == {"not_image": 1, "svg_drawing": 1, "other_format": 0, "variant_copy": 0,
                                         "excluded_subfolder": 0, "root_file": 1}
    path = _croissant(build_cards(resolve_run(str(run), tmp_path / "runs"), tmp_path / "cards"))
    _load(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    (file_set,) = [d for d in doc["distribution"] if d["@type"] == "cr:FileSet"]
    (manifest,) = [d for d in doc["distribution"] if d["@type"] == "cr:FileObject"]
    rows = (run / "data_files.csv").read_text(encoding="utf-8").splitlines()
    used = sorted(line.split(",")[0] for line in rows[1:])  # no commas in these names
    assert len(used) == record["data"]["n_files"] == 19 and "red/odd [1] *?.png" in used
    includes = file_set["includes"]
    assert includes == [glob.escape(p) for p in used]  # sorted, one per file, wildcards escaped
    everything = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert [p for p in everything if any(fnmatch.fnmatchcase(p, pattern) for pattern in includes)] == used
    assert sorted({m for pattern in includes for m in glob.glob(pattern, root_dir=root, recursive=True)}) == used
    # the manifest is the run's own, hashed by the record, and each row holds its file's sha256
    assert manifest["sha256"] == record["artifacts_sha256"]["data_files.csv"]
    assert manifest["contentUrl"] == record["artifacts"]["data_files"] == "data_files.csv"
    for line in rows[1:]:
        rel, _, _, sha, size = line.rsplit(",", 4)
        assert hashlib.sha256((root / rel).read_bytes()).hexdigest() == sha and (root / rel).stat().st_size == int(size)
    assert "exactly the 19 files the run used" in file_set["description"]
    for card in (path.with_name("folder.md"), path.with_name("folder.data.md")):  # the cards say the same
        assert ("**Files left out**: 1 non-image file; 1 SVG drawing; 1 file outside the class folders"
                in card.read_text(encoding="utf-8"))
    assert ("Files left out: 1 non-image file; 1 SVG drawing; 1 file outside the class folders. "
            "Unreadable files skipped: 1.") in file_set["description"]
    # mlcroissant reads exactly those files, each with its class (the document beside the folder)
    beside = root / path.name
    shutil.copy(path, beside)
    labels = sorted(r["images/label"].decode() for r in _load(beside).records("images"))
    assert labels == sorted(p.split("/")[0] for p in used)
