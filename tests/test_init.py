"""`modelcard init`: a commented card.yaml skeleton that loads, covers every key, is pre-filled
from a run, never overwrites without --force, and fails `check` until its markers are replaced."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import card_fixtures as cf
from modelcard.card import known_keys, load_card_info
from modelcard.check.placeholders import SKELETON_MARKER
from modelcard.cli import main
from modelcard.init_command import KEYS, skeleton


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MODELCARD_RUNS", str(tmp_path / "runs"))
    cf.write_run(tmp_path, cf.base_record())
    return tmp_path


def test_every_key_the_reader_accepts_is_in_the_skeleton():
    assert set(known_keys()) <= {k.key for k in KEYS}
    for requested in ("runs", "data.license", "data.description", "data.collection", "data.consent",
                      "data.known_biases"):
        assert requested in {k.key for k in KEYS}


def test_each_key_has_an_explanation_and_an_example_line():
    text = skeleton()
    for entry in KEYS:
        assert f"# {entry.explanation} Example: {entry.example}" in text
        assert "\n" not in entry.explanation


def test_the_skeleton_loads_with_the_card_yaml_reader(project, capsys):
    assert main(["init"]) == 0
    assert capsys.readouterr().out.strip() == "card.yaml"
    info = load_card_info(project / "card.yaml")
    assert info.uses.direct == SKELETON_MARKER and info.license == SKELETON_MARKER
    assert info.model_name is None  # without --run the name stays the run's own
    assert info.base_model is None and info.datasets == []  # Hub ids are written commented out


def test_run_prefills_model_name_and_runs(project, capsys):
    assert main(["init", "--run", "latest", "--out", "c.yaml"]) == 0
    text = (project / "c.yaml").read_text(encoding="utf-8")
    assert load_card_info(project / "c.yaml").model_name == "demo-mobilenetv2"
    runs_line = next(line for line in text.splitlines() if line.lstrip("# ").startswith("runs:"))
    assert yaml.safe_load(runs_line.lstrip("# "))["runs"] == ["demo-mobilenetv2"]
    if "runs" in known_keys():  # once the reader binds card.yaml to runs, the key is live
        assert not runs_line.startswith("#")


def test_never_overwrites_without_force(project, capsys):
    (project / "card.yaml").write_text("license: MIT\n", encoding="utf-8")
    assert main(["init"]) == 2
    err = capsys.readouterr().err
    assert "already exists; pass --force" in err and err.count("\n") == 1
    assert (project / "card.yaml").read_text(encoding="utf-8") == "license: MIT\n"
    assert main(["init", "--force"]) == 0
    assert SKELETON_MARKER in (project / "card.yaml").read_text(encoding="utf-8")
    (project / "folder").mkdir()
    assert main(["init", "--out", "folder"]) == 2


def test_check_flags_the_markers_until_they_are_replaced(project, capsys):
    assert main(["init"]) == 0
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "skeleton marker from `modelcard init`" in out and "card.yaml `uses.direct`" in out
    path = project / "card.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(SKELETON_MARKER, "Written by a person."),
                    encoding="utf-8")
    assert main(["check"]) == 0, capsys.readouterr().out


def test_build_with_the_skeleton_shows_the_markers_not_blanks(project, capsys):
    assert main(["init"]) == 0
    assert main(["build", "--format", "md", "--out", str(project / "cards")]) == 0
    md = next((project / "cards").glob("*.md")).read_text(encoding="utf-8")
    assert SKELETON_MARKER in md
    assert main(["check", "--card", str(next((project / "cards").glob("*.md")))]) == 1
