"""The Decision subsection (issue 25) on whole cards: bars from card.yaml and the policy, their verdicts in
every format, the sign-off fields, looser-gate warnings, reviewed label disagreements and the gate on the
unreviewed ones."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

import card_fixtures as cf
from modelcard.cli import main
from modelcard.record import RunRef, read_record
from modelcard.render.build import render_cards

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((ROOT / "examples" / "runs").iterdir())[0]
CARD_YAML = cf.CARD_YAML.replace("runs: [demo-mobilenetv2]", "runs: ['*']")


def _card(tmp_path: Path, extra: str = "", policy: str | None = None, record: dict | None = None, run=None):
    run = run or cf.write_run(tmp_path, record or cf.base_record())
    info = tmp_path / "card.yaml"
    info.write_text(CARD_YAML + extra, encoding="utf-8")
    path = None
    if policy is not None:
        path = tmp_path / "policy.yaml"
        path.write_text(policy, encoding="utf-8")
    return render_cards(run, card_info=info, policy=path, figures=False)


def test_the_decision_comes_first_and_every_format_carries_it(tmp_path):
    card, out = _card(tmp_path, "class_recall_bar: {birds: 0.5, fish: 0.99}\napproved_by: Ann Lee\n"
                      "approval_date: 2026-12-01\n", "gates:\n  - accuracy.ci_low >= 0.8\n")
    d = card.decision
    assert [(v.bar.key, v.outcome) for v in d.verdicts] == [
        ("accuracy", "met"), ("class_recall.birds", "met"), ("class_recall.fish", "not met")]
    # card.yaml's bar and the policy gate at the same number are one question, one verdict naming both
    assert d.lines[0].text.startswith("Accuracy at least 80% (card.yaml `accuracy_bar`; policy gate "
                                      "`accuracy.ci_low` at least 0.8): met. The test set's")
    assert [s.text for s in d.lines[1:]] == [
        "Recall per class (card.yaml `class_recall_bar`): not met for 1 of 2 (fish).",
        "Recall per class (card.yaml `class_recall_bar`): met for 1 of 2 (birds)."]
    assert d.sign_off == [("Approved by", "Ann Lee"), ("Approval date", "2026-12-01"),
                          ("Intended users", "not provided: add `intended_users` to card.yaml")]
    md = out[f"{card.slug}.md"]
    body = md.split("\n---\n", 1)[1]
    assert body.index("### Decision") < body.index("## Model Details")
    for line in d.printed()[:-3]:
        assert line in md
    assert "- **Approved by**: Ann Lee\n- **Approval date**: 2026-12-01\n" in md
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", "", out[f"{card.slug}.html"])).split())
    for line in d.printed():
        assert line.replace("`", "") in page
    mct = json.loads(out[f"{card.slug}.mct.json"])
    limitations = [x["description"] for x in mct["considerations"]["limitations"]]
    assert [x for x in limitations if x.startswith("Decision: ")] == [f"Decision: {t}" for t in d.printed()]
    cdx = json.loads(out[f"{card.slug}.cdx.json"])
    props = cdx["components"][0]["properties"]
    assert [p["value"] for p in props if p["name"] == "modelcard:decision"] == d.printed()


def test_a_passing_check_is_no_approval_while_a_bar_is_open(tmp_path):
    """The policy passes, card.yaml's class bar is not met: the Checks verdict says so, the scorecard shows
    the outcome beside the gate, and no "All checks pass" stands alone."""
    card, out = _card(tmp_path, "class_recall_bar: {fish: 0.99}\n", "gates:\n  - accuracy.ci_low >= 0.5\n")
    assert card.checks.passed
    assert ("but 1 stated bar(s) the checks do not hold are not met or not established (see Decision)"
            in card.checks.verdict)
    panel = out[f"{card.slug}.html"]
    panel = panel[panel.index('class="scorecard"'):]
    assert '<span class="badge badge-fail">not met</span>' in panel
    assert "Decision: the stated bars" in panel


def test_a_gate_looser_than_the_stated_bar_is_warned_about(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    cf.write_run(tmp_path, cf.base_record())
    (tmp_path / "card.yaml").write_text(CARD_YAML + "class_recall_bar: 0.6\n", encoding="utf-8")
    monkeypatch.setenv("MODELCARD_RUNS", str(tmp_path / "runs"))
    (tmp_path / "policy.yaml").write_text("gates:\n  - accuracy.ci_low >= 0.6\n  - accuracy >= 0.8\n"
                                          "  - worst_class.recall >= 0.6\n  - accuracy.ci_low >= 0.8\n")
    main(["check", "--policy", str(tmp_path / "policy.yaml")])
    err = capsys.readouterr()
    text = err.out + err.err
    assert ("policy gate `accuracy.ci_low >= 0.6` is looser than card.yaml `accuracy_bar` (0.8): its bound 0.6 is "
            "below the bar") in text
    assert "policy gate `accuracy >= 0.8` is looser than card.yaml `accuracy_bar` (0.8): it bounds the point" in text
    assert "policy gate `worst_class.recall >= 0.6` is looser than card.yaml `class_recall_bar`" in text
    assert "`accuracy.ci_low >= 0.8` is looser" not in text  # at the bar, on the interval's low end: as strict


def test_the_committed_policy_states_the_example_bar():
    """policy.yaml gates accuracy's lower bound at card.yaml's accuracy_bar: no looser-gate warning."""
    from modelcard.built_card import card_for_run

    built = card_for_run(RunRef(EXAMPLE, read_record(EXAMPLE)), ROOT / "card.yaml", policy=ROOT / "policy.yaml")
    assert not [w for w in built.text_warnings if "looser" in w]
    assert built.info.accuracy_bar == 0.9
    verdict = built.card.decision.verdicts[0]
    assert verdict.bar.key == "accuracy" and verdict.outcome == "not established"
    assert "policy gate `accuracy.ci_low` at least 0.9" in verdict.bar.source


def test_no_bar_no_verdict_and_the_card_says_how_to_state_one(tmp_path, monkeypatch):
    card, out = _card(tmp_path, record=cf.base_record())
    assert card.decision.verdicts  # the fixture's card.yaml states accuracy_bar 0.8
    bare = tmp_path / "bare"
    bare.mkdir()
    monkeypatch.chdir(bare)  # away from any card.yaml
    run = cf.write_run(bare, cf.base_record())
    card2, out2 = render_cards(run, figures=False)
    assert not card2.decision.verdicts
    assert "No bar was stated to decide against: add `accuracy_bar`" in out2[f"{card2.slug}.md"]
    assert "- **Approved by**: not provided: add `approved_by` to card.yaml" in out2[f"{card2.slug}.md"]


REVIEWS = """data:
  label_review:
    - file: food/fruit/banana.png
      outcome: rejected
      reviewer: Jane Doe
      date: 2026-12-07
      note: a banana
    - file: space/planets/4_mars.png
      outcome: confirmed
      reviewer: Jane Doe
      date: "2026-12-08"
"""


def test_reviewed_label_disagreements_are_reported_apart(tmp_path):
    card, out = _card(tmp_path, REVIEWS, run=RunRef(EXAMPLE, read_record(EXAMPLE)))
    data = out[f"{card.slug}.data.md"]
    assert ("- **Reviewed**: 1 confirmed as label errors, 1 rejected (the label is right), 8 not reviewed "
            "(card.yaml `data.label_review`)") in data
    assert "rejected (the label is right), by Jane Doe, 2026-12-07: a banana |" in data
    assert "confirmed label error, by Jane Doe, 2026-12-08 |" in data
    assert "not reviewed |" in data
    assert "label errors" not in data.replace("not label errors", "").replace("as label errors", "") \
        .replace("label errors until", "")


@pytest.mark.parametrize("entry, expected", [
    ("    - file: a.png\n      outcome: maybe\n      reviewer: J\n      date: 2026-12-07\n",
     "`data.label_review[0].outcome` must be confirmed (the label is wrong) or rejected (the label is right), got 'maybe'"),
    ("    - file: a.png\n      outcome: rejected\n", "`data.label_review[0]` lacks `reviewer`, `date`"),
    ("    - file: a.png\n      outcome: rejected\n      reviewer: J\n      date: 2026-12-07\n      by: K\n",
     "data.label_review[0].by"),
])
def test_a_malformed_review_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, entry, expected):
    monkeypatch.chdir(tmp_path)
    cf.write_run(tmp_path, cf.base_record())
    monkeypatch.setenv("MODELCARD_RUNS", str(tmp_path / "runs"))
    (tmp_path / "card.yaml").write_text(CARD_YAML + "data:\n  label_review:\n" + entry, encoding="utf-8")
    assert main(["build", "--out", str(tmp_path / "cards")]) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "cards").exists()


def test_a_review_of_a_file_no_split_lists_is_warned_about(tmp_path):
    from modelcard.built_card import card_for_run

    info = tmp_path / "card.yaml"
    info.write_text(CARD_YAML + REVIEWS.replace("food/fruit/banana.png", "fruit/banana.png"), encoding="utf-8")
    built = card_for_run(RunRef(EXAMPLE, read_record(EXAMPLE)), info)
    assert ("card.yaml `data.label_review` reviews 1 file(s) that no split lists as a label disagreement to "
            "review: fruit/banana.png") in " ".join(built.text_warnings)


def test_a_gate_on_unreviewed_suspects(tmp_path, monkeypatch, capsys):
    """`label_issues.train.unreviewed <= 0` fails until card.yaml reviews every train suspect."""
    from modelcard.built_card import card_for_run

    policy = tmp_path / "policy.yaml"
    policy.write_text("gates:\n  - label_issues.train.unreviewed <= 0\n  - label_issues.test.unreviewed <= 0\n")
    info = tmp_path / "card.yaml"
    info.write_text(CARD_YAML + REVIEWS, encoding="utf-8")
    gates = card_for_run(RunRef(EXAMPLE, read_record(EXAMPLE)), info, policy=policy).gates
    assert [(g.value, g.passed) for g in gates] == [(8, False), (0, True)]
    full = tmp_path / "full.yaml"
    full.write_text((ROOT / "card.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    gates = card_for_run(RunRef(EXAMPLE, read_record(EXAMPLE)), full, policy=policy).gates
    assert [(g.value, g.passed) for g in gates] == [(0, True), (0, True)]
