"""Every number printed on a card comes from the run record it was built from (or card.yaml):
found there, or derived by a documented rounding (tests/number_trace.py, docs/traceability.md).
No number from nowhere, and the check fails when a template invents one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from modelcard.record import RunRef, read_record
from modelcard.render.build import build_cards

from number_trace import untraced

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "runs").iterdir())
GOLDEN = ROOT / "tests" / "golden"


def _markdown(run_dir: Path, card_yaml: Path, out: Path, templates: Path | None = None,
              policy: Path | None = None) -> str:
    run = RunRef(run_dir, read_record(run_dir))
    result = build_cards(run, out, card_info=card_yaml, formats=["md"], templates_dir=templates, policy=policy)
    return next(p for p in result.written if p.name.endswith(".md") and not p.name.endswith(".data.md")).read_text(
        encoding="utf-8")


def without_checks(md: str) -> str:
    """The card without its "Checks" subsection and the scorecard's "Policy gates" table above Model
    Details: their numbers are policy.yaml's bounds and check results (tested by
    tests/test_check_cli.py and tests/test_scorecard.py), not run-record facts (docs/traceability.md)."""
    for heading in ("\n### Policy gates\n", "\n### Checks\n"):
        start = md.find(heading)
        if start < 0:
            continue
        end = md.find("\n## ", start + 1)
        md = md[:start] + (md[end:] if end >= 0 else "\n")
    return md


@pytest.mark.parametrize("run_dir", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_number_on_the_example_card_traces_to_its_run(run_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    md = _markdown(run_dir.relative_to(ROOT), ROOT / "card.yaml", tmp_path / "cards", policy=ROOT / "policy.yaml")
    committed = ROOT / "cards" / next(p for p in (tmp_path / "cards").glob("*.md") if not p.name.endswith(".data.md")).name
    assert committed.read_text(encoding="utf-8") == md  # the committed card is the one checked
    md = without_checks(md)
    record = read_record(run_dir)
    bad = untraced(md, record, (ROOT / "card.yaml").read_text(encoding="utf-8"))
    assert not bad, f"numbers on the card that no rule traces to the run record: {bad}"


def test_every_number_on_the_golden_card_traces_to_its_run():
    record = read_record(GOLDEN)
    md = (GOLDEN / "stamp-classifier.md").read_text(encoding="utf-8")
    bad = untraced(md, record, (GOLDEN / "card.yaml").read_text(encoding="utf-8"))
    assert not bad, f"numbers on the golden card that no rule traces to tests/golden/run.json: {bad}"


def test_a_template_that_invents_numbers_is_caught(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    partial = templates / "sections" / "summary.jinja"
    partial.write_text(partial.read_text(encoding="utf-8")
                       + '{{ m.para("Tested on 4,711 images: accuracy 0.613, right 54.1% of the time.") }}\n',
                       encoding="utf-8")
    run_dir = EXAMPLES[0]
    md = _markdown(run_dir.relative_to(ROOT), ROOT / "card.yaml", tmp_path / "cards", templates)
    bad = untraced(md, read_record(run_dir), (ROOT / "card.yaml").read_text(encoding="utf-8"))
    assert sorted(token for token, _ in bad) == ["0.613", "4,711", "54.1%"]


@pytest.mark.parametrize("text, flagged", [
    ("accuracy 0.938 [0.844, 1.000], right 93.8% of the time", []),  # the record's accuracy, as printed
    ("accuracy 0.9375", []),                                          # full precision (front matter)
    ("accuracy 0.937", ["0.937"]),                                    # 0.9375 rounded the wrong way
    ("right 94% of the time", ["94%"]),                               # a percentage the tables never print
    ("peak memory 1149 MiB", []),                                     # 4 significant digits of 1148.84375
    ("9.76 MB (9,762,877 bytes)", []),                                # bytes -> MB
])
def test_rounding_rules(text, flagged):
    record = {"evaluations": {"test": {"metrics": {"accuracy": {"value": 0.9375, "ci_low": 0.84375, "ci_high": 1.0}}}},
              "efficiency": {"peak_rss_mb": 1148.84375, "model_file_bytes": 9762877}}  # no 0.94 anywhere
    assert [token for token, _ in untraced(text, record)] == flagged
