"""`modelcard check` and `modelcard build --policy` end to end: exit codes, tables, JSON, the
Checks subsection, and the committed example run against the committed policy.yaml."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

import card_fixtures as cf
from modelcard.cli import main

REPO = Path(__file__).resolve().parents[1]
PASSING = "gates:\n  - accuracy.ci_low >= 0.1\n  - ece <= 0.9\n  - emissions_kg <= 1\n"
FAILING = "gates:\n  - accuracy.ci_low >= 0.1\n  - accuracy.ci_low >= 0.999\n"
UNMEASURED = "gates:\n  - accuracy.ci_low >= 0.1\n  - label_issues.test.rate <= 1\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with one run and a full card.yaml, as a user's project would be."""
    monkeypatch.chdir(tmp_path)
    cf.write_run(tmp_path, cf.base_record())
    (tmp_path / "card.yaml").write_text(cf.CARD_YAML, encoding="utf-8")
    monkeypatch.setenv("MODELCARD_RUNS", str(tmp_path / "runs"))
    return tmp_path


def _policy(root: Path, text: str) -> str:
    (root / "policy.yaml").write_text(text, encoding="utf-8")
    return str(root / "policy.yaml")


def test_passing_policy_exits_0_with_a_table(project, capsys):
    assert main(["check", "--policy", _policy(project, PASSING)]) == 0
    out = capsys.readouterr().out
    assert "accuracy.ci_low  lower bound" in out and "Completeness" in out
    assert out.rstrip().splitlines()[-1] == "PASS: 3 of 3 gates pass; 23 of 23 completeness items pass"


def test_failing_policy_exits_1(project, capsys):
    assert main(["check", "--policy", _policy(project, FAILING)]) == 1
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last.startswith("FAIL: 1 of 2 gates pass, 1 fails; ") and last.endswith(" completeness items pass")


def test_unmeasured_gate_exits_1_and_says_not_measured(project, capsys):
    assert main(["check", "--policy", _policy(project, UNMEASURED)]) == 1
    out = capsys.readouterr().out
    assert "not measured" in out and "no label-issue check" in out


@pytest.mark.parametrize("text, expected", [
    ("gates:\n  - acuracy >= 0.5\n", "unknown metric `acuracy`; close matches: accuracy"),
    ("gates:\n  - accuracy => 0.5\n", "bad operator `=>`"),
    ("gates: [\n", "is not valid YAML"),
])
def test_malformed_policy_exits_2_with_one_line(project, capsys, text, expected):
    assert main(["check", "--policy", _policy(project, text)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and expected in captured.err and "Traceback" not in captured.err


def test_incomplete_card_exits_1_without_a_policy(project, capsys):
    (project / "card.yaml").write_text("runs: ['*']\nlicense: TODO\n", encoding="utf-8")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "Sign-off: intended uses" in out and re.search(r"No placeholder text in card.yaml +FAIL +`license`: TODO", out)
    assert "no policy" in out


def test_json_output(project, capsys):
    assert main(["check", "--policy", _policy(project, UNMEASURED), "--json", "--coverage"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["passed"] is False
    assert doc["policy"]["sha256"] == hashlib.sha256((project / "policy.yaml").read_bytes()).hexdigest()
    assert [g["passed"] for g in doc["gates"]] == [True, False]
    assert doc["gates"][1]["value"] is None and doc["gates"][1]["reason"].startswith("not measured")
    assert all(i["passed"] for i in doc["completeness"])
    statuses = {i["status"] for i in doc["coverage"]["items"]}
    assert statuses == {"measured", "human", "missing", "outside"}
    assert 0 < doc["coverage"]["summary"]["fraction"] < 1
    from modelcard.commands.check import coverage_summary
    from modelcard.record import resolve_run

    run = resolve_run("latest", project / "runs")
    assert coverage_summary(run, card_info=project / "card.yaml").to_json() == doc["coverage"]["summary"]


def test_coverage_table_lists_both_references(project, capsys):
    assert main(["check", "--coverage"]) == 0
    out = capsys.readouterr().out
    assert "Hugging Face model card template" in out and "EU AI Act, Annex IV" in out
    assert "human, outside the card" in out


def test_check_a_markdown_card(project, capsys):
    assert main(["build", "--out", str(project / "cards")]) == 0
    capsys.readouterr()
    card = str(project / "cards" / "stamp-classifier.md")
    assert main(["check", "--card", card]) == 0
    out = capsys.readouterr().out
    assert "Not checked:" in out and "policy gates" in out
    assert main(["check", "--card", card, "--policy", _policy(project, PASSING)]) == 2
    assert "--policy needs the run record" in capsys.readouterr().err
    assert main(["check", "--card", str(project / "missing.md")]) == 2
    with pytest.raises(SystemExit) as exit_:  # one target at a time (argparse)
        main(["check", "--card", card, "--run", "latest"])
    assert exit_.value.code == 2


def test_build_policy_renders_checks_in_markdown_and_html(project, capsys):
    policy = _policy(project, UNMEASURED)
    sha = hashlib.sha256(Path(policy).read_bytes()).hexdigest()
    assert main(["build", "--policy", policy, "--out", str(project / "cards")]) == 0
    assert "checks (policy.yaml): FAIL, 1 of 2 policy gates pass, 1 fails; " in capsys.readouterr().err
    md = (project / "cards" / "stamp-classifier.md").read_text(encoding="utf-8")
    html = (project / "cards" / "stamp-classifier.html").read_text(encoding="utf-8")
    for text in (md, html):
        assert "Checks" in text and sha in text and "not measured" in text
    assert "| accuracy.ci_low (lower bound) | " in md and "at least 0.1" in md and "✓ pass" in md and "✗ FAIL" in md
    assert '<h3 id="checks">Checks</h3>' in html and "✗ FAIL" in html
    assert "items a card can hold are filled" in md and "are human, outside the card" in html


def test_build_with_a_bad_policy_writes_nothing(project, capsys):
    assert main(["build", "--policy", _policy(project, "gates:\n  - nope >= 1\n"), "--out", str(project / "cards")]) == 2
    assert "unknown metric `nope`" in capsys.readouterr().err
    assert not (project / "cards").exists() or not any((project / "cards").iterdir())


def test_build_without_policy_has_no_checks(project):
    assert main(["build", "--out", str(project / "cards"), "--format", "md"]) == 0
    assert "### Checks" not in (project / "cards" / "stamp-classifier.md").read_text(encoding="utf-8")


def test_the_example_run_fails_the_committed_policy_on_its_stated_bar_alone(tmp_path, monkeypatch, capsys):
    """policy.yaml gates accuracy's lower bound at card.yaml's 90% bar; the example's test interval holds the
    bar (not established), so `check` fails on that gate and on no other, with no looser-gate warning."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(REPO / "card.yaml", tmp_path / "card.yaml")
    run = next((REPO / "examples" / "runs").iterdir())
    assert main(["check", "--run", str(run), "--policy", str(REPO / "policy.yaml")]) == 1
    out = capsys.readouterr()
    fails = [line.split()[0] for line in out.out.splitlines() if line.rstrip().endswith("FAIL")]
    assert fails == ["accuracy.ci_low"], out.out
    assert "looser" not in out.out + out.err


@pytest.mark.parametrize("passed, total, line", [
    (5, 8, "5 of 8 gates pass, 3 fail"), (8, 8, "8 of 8 gates pass"), (1, 2, "1 of 2 gates pass, 1 fails"),
    (0, 3, "0 of 3 gates pass, 3 fail")])
def test_pass_counts_say_how_many_pass_and_how_many_fail(passed, total, line):
    from modelcard.check.report import pass_count
    assert pass_count(passed, total, "gates") == line
