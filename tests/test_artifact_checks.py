"""Run files are checksummed when written and checked on build: a missing or changed artifact
is a visible warning on the card that names the file (and `check` fails on it)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from modelcard.record import RunRef, read_record
from modelcard.record.artifacts import artifact_problems, record_checksums
from modelcard.ingest.run_from_predictions import record_predictions
from modelcard.render.build import build_cards
from tests.predictions_fixtures import write_csv

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((ROOT / "examples" / "runs").iterdir())[0]


@pytest.fixture(autouse=True)
def _clean_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the repository's ./card.yaml stays out of these builds


def _recorded_run(tmp_path) -> RunRef:
    """A run written by the real writer (`modelcard record` -> open_run)."""
    path = record_predictions(write_csv(tmp_path / "preds.csv", n=60), tmp_path / "runs", name="pets",
                              slices=["setting"], n_resamples=50)
    return RunRef(path, read_record(path))


def _copied_example(tmp_path) -> RunRef:
    dest = tmp_path / "runs" / EXAMPLE.name
    shutil.copytree(EXAMPLE, dest)
    return RunRef(dest, read_record(dest))


def _card(run: RunRef, tmp_path) -> tuple[str, str, list[str]]:
    result = build_cards(run, tmp_path / "cards", formats=["md", "html", "json"])
    model_card = [p for p in result.written if ".data." not in p.name]  # the data card sits beside it
    md = next(p for p in model_card if p.suffix == ".md").read_text(encoding="utf-8")
    html = next(p for p in model_card if p.suffix == ".html").read_text(encoding="utf-8")
    return md.split("\n## ")[0], html.split("Model Details")[0], result.warnings


def test_writer_records_the_sha256_of_every_artifact(tmp_path):
    run = _recorded_run(tmp_path)
    sums = run.record["artifacts_sha256"]
    assert sorted(sums) == ["label_issues.csv", "predictions/test.npz"]  # record runs: label issues from predictions
    assert sums["label_issues.csv"] == hashlib.sha256((run.path / "label_issues.csv").read_bytes()).hexdigest()
    assert sums["predictions/test.npz"] == hashlib.sha256((run.path / "predictions/test.npz").read_bytes()).hexdigest()
    assert artifact_problems(run.path, run.record) == []


def test_deleted_predictions_are_a_warning_naming_the_file(tmp_path):
    run = _copied_example(tmp_path)
    assert artifact_problems(run.path, run.record) == []  # model.keras was left out on purpose: not a problem
    (run.path / "predictions" / "test.npz").unlink()
    head_md, head_html, warnings = _card(run, tmp_path)
    assert "> **Warning:** run file predictions/test.npz is missing from the run folder" in head_md
    assert "run file predictions/test.npz is missing" in head_html
    assert any("predictions/test.npz is missing" in w for w in warnings)
    mct = json.loads(next((tmp_path / "cards").glob("*.mct.json")).read_text(encoding="utf-8"))
    limitations = [item["description"] for item in mct["considerations"]["limitations"]]
    assert any(text.startswith("Warning: run file predictions/test.npz is missing") for text in limitations)


def test_modified_predictions_are_a_warning_naming_the_file(tmp_path):
    run = _recorded_run(tmp_path)
    npz = run.path / "predictions" / "test.npz"
    npz.write_bytes(npz.read_bytes() + b"\0")
    head_md, _, warnings = _card(run, tmp_path)
    assert "run file predictions/test.npz has changed since the run wrote it" in head_md
    assert any("predictions/test.npz has changed" in w for w in warnings)


def test_modified_copy_of_the_example_with_checksums(tmp_path):
    run = _copied_example(tmp_path)
    record = json.loads((run.path / "run.json").read_text(encoding="utf-8"))
    record_checksums(run.path, record)
    (run.path / "history.csv").write_text("epoch,loss\n1,0.0\n", encoding="utf-8")
    assert artifact_problems(run.path, record) == [
        "run file history.csv has changed since the run wrote it (its sha256 differs from the one in run.json): "
        "this card may not describe it; restore it or re-create the run"]


def test_old_records_claim_nothing_about_changes(tmp_path):
    run = _copied_example(tmp_path)
    record = json.loads((run.path / "run.json").read_text(encoding="utf-8"))
    del record["artifacts_sha256"]  # as written before schema 1.1
    run = RunRef(run.path, record)
    (run.path / "history.csv").write_text("epoch,loss\n1,0.0\n", encoding="utf-8")
    assert artifact_problems(run.path, run.record) == []  # cannot be detected without a checksum
    (run.path / "history.csv").unlink()
    assert [p.split(" is ")[0] for p in artifact_problems(run.path, run.record)] == ["run file history.csv"]


def test_model_file_is_checked_when_present(tmp_path):
    run = _copied_example(tmp_path)
    (run.path / "model.keras").write_bytes(b"not the model this run saved")
    problems = artifact_problems(run.path, run.record)  # against model.file_sha256
    assert len(problems) == 1 and "model.keras has changed" in problems[0]


def test_open_run_checksums_every_listed_file_as_training_writes_them(tmp_path):
    """The training path (open_run): files registered in `artifacts` during the run are hashed when it ends."""
    from modelcard.record import open_run

    with pytest.raises(RuntimeError), open_run(tmp_path / "runs", "demo", "train") as writer:
        writer.history_path().write_text("epoch,loss\n1,0.5\n", encoding="utf-8")
        writer.add_artifact("history", writer.history_path().name)
        (writer.path / "model.keras").write_bytes(b"model bytes")
        writer.add_artifact("model", "model.keras")
        writer.add_artifact("head_weights", "head.weights.h5")  # listed but never written
        raise RuntimeError("stopped before evaluation")  # a failed run keeps its checksums too
    record = read_record(writer.path)
    assert record["status"] == "failed"
    assert record["artifacts_sha256"] == {
        "history.csv": hashlib.sha256(b"epoch,loss\n1,0.5\n").hexdigest(),
        "model.keras": hashlib.sha256(b"model bytes").hexdigest()}
    assert artifact_problems(writer.path, record) == [
        "run file head.weights.h5 is missing from the run folder: the numbers computed from it can no longer "
        "be re-derived; restore it or re-create the run"]


def test_a_folder_artifact_checksums_each_file_inside(tmp_path):
    """The example grid's `examples/` folder: each thumbnail is checked; the folder is not "missing"."""
    run = _recorded_run(tmp_path)
    folder = run.path / "examples"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"\x89PNG one")
    (folder / "b.png").write_bytes(b"\x89PNG two")
    run.record["artifacts"]["examples"] = "examples"
    record_checksums(run.path, run.record)
    assert {"examples/a.png", "examples/b.png"} <= set(run.record["artifacts_sha256"])
    assert artifact_problems(run.path, run.record) == []
    (folder / "b.png").write_bytes(b"\x89PNG changed")
    (folder / "a.png").unlink()
    problems = artifact_problems(run.path, run.record)
    assert len(problems) == 2 and "examples/a.png is missing" in problems[0] and "examples/b.png has changed" in problems[1]
    shutil.rmtree(folder)
    assert any("run file examples is missing" in p for p in artifact_problems(run.path, run.record))
