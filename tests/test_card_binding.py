"""card.yaml lands only on the runs it describes, and its values are kept exactly as written.

The three binding cases of issue 6: an implicit ./card.yaml that matches is applied; one that
does not match is left out (said on stderr, sections become named gaps); an explicit
--card-info that does not match is applied with a visible warning on the card.
"""

from __future__ import annotations

import pytest

from modelcard.card.info import CardInfo, describes_run, parse_card_info
from modelcard.cli import main
from modelcard.errors import UserError

import card_fixtures as cf

HUMAN = "uses:\n  direct: Sorting clip-art stamps.\ncontact: jane@example.org\n"


def _build(tmp_path, capsys, *extra):
    run = cf.write_run(tmp_path, cf.base_record(extra_set=False, sweep=False))
    code = main(["build", "--run", str(run.path), "--out", str(tmp_path / "cards"), "--format", "md,html", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    md = next((tmp_path / "cards").glob("*.md")).read_text(encoding="utf-8")
    html = next((tmp_path / "cards").glob("*.html")).read_text(encoding="utf-8")
    return md, html, err


@pytest.mark.parametrize("binding", ["model_name: demo-mobilenetv2\n", "model_name: Stamps\nruns: [demo-*]\n",
                                     "runs: [other, 20260101T000000Z-abc123]\n"])
def test_implicit_card_yaml_that_matches_is_applied(tmp_path, monkeypatch, capsys, binding):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "card.yaml").write_text(binding + HUMAN, encoding="utf-8")
    md, _, err = _build(tmp_path, capsys)
    assert "Sorting clip-art stamps." in md and "jane@example.org" in md
    assert "not applied" not in err and "Not provided: add `uses.direct`" not in md


def test_implicit_card_yaml_for_another_model_is_not_applied(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "card.yaml").write_text("model_name: tuxpaint-stamps-mobilenetv2\nruns: [tuxpaint-*]\n" + HUMAN,
                                        encoding="utf-8")
    md, _, err = _build(tmp_path, capsys)
    assert "./card.yaml not applied" in err and "`demo-mobilenetv2`" in err and "runs:" in err
    assert "tuxpaint-stamps-mobilenetv2" not in md and "Sorting clip-art stamps." not in md
    assert "Not provided: add `uses.direct` to card.yaml" in md and "Not provided: add `contact` to card.yaml" in md
    assert "# Model Card for demo-mobilenetv2" in md


def test_explicit_card_info_for_another_model_is_applied_with_a_warning(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    info = tmp_path / "other.yaml"
    info.write_text("model_name: tuxpaint-stamps-mobilenetv2\n" + HUMAN, encoding="utf-8")
    md, html, err = _build(tmp_path, capsys, "--card-info", str(info))
    assert "Sorting clip-art stamps." in md and "# Model Card for tuxpaint-stamps-mobilenetv2" in md
    head = md.split("## Model Details")[0]
    assert "> **Warning:** the card.yaml passed with --card-info describes model_name `tuxpaint-stamps-mobilenetv2`" \
           ", not this run `demo-mobilenetv2`" in head
    assert "passed with --card-info describes" in html.split("Model Details")[0]
    assert "warning: the card.yaml passed with --card-info" in err


def test_explicit_card_info_that_matches_has_no_warning(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    info = tmp_path / "mine.yaml"
    info.write_text("runs: [demo-mobilenetv2]\n" + HUMAN, encoding="utf-8")
    md, _, err = _build(tmp_path, capsys, "--card-info", str(info))
    assert "--card-info" not in md and "--card-info" not in err


def test_describes_run_rules():
    assert describes_run(CardInfo(model_name="a"), "a", "id1")
    assert not describes_run(CardInfo(model_name="a"), "ab", "id1")
    assert describes_run(CardInfo(runs=["demo-*"]), "demo-x-adam-bs32", "id1")
    assert describes_run(CardInfo(runs=["2026*"]), "x", "20260101T000000Z-abc123")
    assert not describes_run(CardInfo(runs=["Demo-*"]), "demo-x", "id1")  # case matters
    assert not describes_run(CardInfo(), "demo", "id1")  # a file naming no run describes none


@pytest.mark.parametrize("raw, shown", [
    ({"version": 1.10}, "number 1.1"),
    ({"contact": 12345}, "number 12345"),
    ({"license": True}, "boolean True"),
    ({"citation": {"apa": 2026}}, "number 2026"),
    ({"developers": ["Jane", 7]}, "number 7"),
    ({"glossary": {1.0: "one"}}, "number 1.0"),
])
def test_numbers_and_booleans_where_text_is_expected_must_be_quoted(raw, shown):
    with pytest.raises(UserError, match="quote it") as exc:
        parse_card_info(raw)
    assert shown in str(exc.value) and "\n" not in str(exc.value)


def test_quoted_values_stay_exactly_as_written(tmp_path):
    from modelcard.card.info import load_card_info

    path = tmp_path / "card.yaml"
    path.write_text('version: "1.10"\ncontact: "12345"\nlicense: "on"\n', encoding="utf-8")
    info = load_card_info(path)
    assert (info.version, info.contact, info.license) == ("1.10", "12345", "on")


def test_unquoted_version_is_exit_2_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    run = cf.write_run(tmp_path, cf.base_record(extra_set=False, sweep=False))
    (tmp_path / "card.yaml").write_text("model_name: demo-mobilenetv2\nversion: 1.10\n", encoding="utf-8")
    code = main(["build", "--run", str(run.path), "--out", str(tmp_path / "cards")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "`version`" in err and "quote it" in err
    assert not list(tmp_path.glob("cards/*.md"))


@pytest.mark.parametrize("value", [90, "0.9", True, -0.1, 1.5])
def test_accuracy_bar_is_a_fraction(value):
    with pytest.raises(UserError, match="accuracy_bar"):
        parse_card_info({"accuracy_bar": value})
    assert parse_card_info({"accuracy_bar": 0.9}).accuracy_bar == 0.9


def test_repository_card_yaml_binds_to_the_demo_runs_only():
    from pathlib import Path

    from modelcard.card.info import load_card_info
    from modelcard.record import read_record

    root = Path(__file__).resolve().parents[1]
    info = load_card_info(root / "card.yaml")
    example = read_record(sorted((root / "examples" / "runs").iterdir())[0])
    assert describes_run(info, example["name"], example["run_id"])
    for name in ("demo-mobilenetv2", "demo-mobilenetv2-sgd-bs64", "tuxpaint-stamps-mobilenetv2-adamw-bs32"):
        assert describes_run(info, name, "x")
    assert not describes_run(info, "other", "20261122T000000Z-000000")  # `modelcard record --name other`
