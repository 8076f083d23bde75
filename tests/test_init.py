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
from modelcard.commands.init import KEYS, skeleton


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


def test_a_skeleton_without_runs_is_not_applied_and_check_says_so(project, capsys):
    assert main(["init"]) == 0
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "card.yaml describes this run" in out and "not applied" in out


def test_check_flags_the_markers_until_they_are_replaced(project, capsys):
    assert main(["init", "--run", "latest"]) == 0
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "skeleton marker from `modelcard init`" in out and "`uses.direct`" in out
    path = project / "card.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(SKELETON_MARKER, "Written by a person."),
                    encoding="utf-8")
    assert main(["check"]) == 0, capsys.readouterr().out


def test_build_with_the_skeleton_warns_and_shows_the_marked_keys_as_not_provided(project, capsys):
    """Issue 16: the markers rendered as text ("Developed by: TODO(modelcard init)")."""
    assert main(["init", "--run", "latest"]) == 0
    path = project / "card.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('contact: "TODO(modelcard init)"', 'contact: a@b.org'),
                    encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--format", "md,html", "--out", str(project / "cards")]) == 0
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if SKELETON_MARKER in x]
    assert line.startswith(f"warning: card.yaml still holds {SKELETON_MARKER} in `description`, `developers`, ")
    assert "`uses.direct`" in line and "`glossary`" in line and "`contact`" not in line and "`runs`" not in line
    assert line.endswith(": shown as not provided; write real text there or delete the key")
    assert "  - Model Details / Developed by" in err and "  - Uses / Direct use" in err
    assert "  - Model Card Contact" not in err
    md = next(p for p in (project / "cards").glob("*.md") if not p.name.endswith(".data.md"))
    for card in (md, md.with_suffix(".html"), *(project / "cards").glob("*.data.*")):
        assert SKELETON_MARKER not in card.read_text(encoding="utf-8"), card
    text = md.read_text(encoding="utf-8")
    assert "add `developers` to card.yaml" in text and "add `uses.direct` to card.yaml" in text
    assert "a@b.org" in text
    assert main(["check", "--card", str(md)]) == 1  # the sign-off sections are still missing
    assert main(["check"]) == 1  # and `check` still names the markers in card.yaml
    assert "skeleton marker from `modelcard init`" in capsys.readouterr().out


def test_dropping_markers_keeps_real_text_and_names_each_key():
    from modelcard.card import CardInfo
    from modelcard.card.info import Uses
    from modelcard.check.placeholders import drop_skeleton_markers
    info = CardInfo(runs=[SKELETON_MARKER], license="MIT", developers=["Jane", SKELETON_MARKER],
                    glossary={"ECE": "calibration error", SKELETON_MARKER: "x"},
                    uses=Uses(direct=f"{SKELETON_MARKER}: say what", downstream="Fine-tuning."))
    shown, keys = drop_skeleton_markers(info)
    assert keys == ["developers", "uses.direct", "glossary"]
    assert shown.runs == [SKELETON_MARKER] and shown.license == "MIT" and shown.developers == ["Jane"]
    assert shown.glossary == {"ECE": "calibration error"} and shown.uses == Uses(None, "Fine-tuning.", None)
    assert info.developers == ["Jane", SKELETON_MARKER]  # the input is left as it was
    assert drop_skeleton_markers(CardInfo(license="TODO later")) == (CardInfo(license="TODO later"), [])
