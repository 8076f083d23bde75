"""The scorecard at the top of the card (modelcard/card/sections/scorecard.py, templates/sections/scorecard.jinja):
the HTML panel comes before Model Details, draws each headline score's interval where the record
puts it, shows failing gates as failing, names the top risks the record measured, and escapes
what it prints; the Markdown card gets the compact gate table only with --policy."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sklearn.metrics import accuracy_score, f1_score

import card_fixtures as cf
from modelcard.card.model import Metric
from modelcard.card.sections.scorecard import IntervalBar, interval_bar
from modelcard.record import RunRef, read_record
from modelcard.render.build import render_cards
from number_trace import untraced

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((ROOT / "examples" / "runs").iterdir())[0]
PASSING = "gates:\n  - accuracy.ci_low >= 0.1\n  - ece <= 0.9\n"
FAILING = "gates:\n  - accuracy.ci_low >= 0.1\n  - accuracy.ci_low >= 0.999\n"
_RECT = re.compile(r'<rect class="sc-(ci|point)" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"')


def _build(tmp_path: Path, record: dict, policy: str | None = None, formats=("md", "html")) -> tuple[str, str]:
    run = cf.write_run(tmp_path, record)
    path = None
    if policy is not None:
        path = tmp_path / "policy.yaml"
        path.write_text(policy, encoding="utf-8")
    card, outputs = render_cards(run, formats=list(formats), policy=path)
    md = outputs.get(f"{card.slug}.md", "")
    page = outputs.get(f"{card.slug}.html", "")
    return md, page


def panel(page: str) -> str:
    start = page.index('<div class="scorecard"')
    return page[start:page.index("</section>", start)]


def _text(fragment: str) -> str:
    """The fragment's text, tags dropped, spaces collapsed: "<strong>Worst</strong>: x" -> "Worst: x"."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()).replace(" :", ":")


def test_panel_comes_first_and_draws_each_interval_where_the_record_puts_it(tmp_path):
    record = cf.base_record()
    _, page = _build(tmp_path, record, formats=("html",))
    start = page.index('class="scorecard"')
    assert page.index('class="section-summary"') < start < page.index('<h2 id="model-details">')
    assert start < page.index('<nav class="toc"')  # before the table of contents too
    # Independent reference: the fixture's predictions scored by scikit-learn.
    y_true, prob, _ = cf.predictions(cf.CLASSES, 60, seed=1)
    metrics = record["evaluations"]["test"]["metrics"]
    assert metrics["accuracy"]["value"] == pytest.approx(accuracy_score(y_true, prob.argmax(1)))
    assert metrics["f1_macro"]["value"] == pytest.approx(f1_score(y_true, prob.argmax(1), average="macro"))
    bars = _RECT.findall(panel(page))
    assert [kind for kind, _, _ in bars] == ["ci", "point", "ci", "point"]  # accuracy, then macro F1
    for key, (ci, point) in zip(("accuracy", "f1_macro"), (bars[0:2], bars[2:4])):
        m = metrics[key]
        assert float(ci[1]) == pytest.approx(200 * m["ci_low"], abs=0.051)
        assert float(ci[2]) == pytest.approx(200 * (m["ci_high"] - m["ci_low"]), abs=0.051)
        assert float(point[1]) == pytest.approx(200 * m["value"], abs=0.051)
        assert f"{m['value']:.3f}" in panel(page) and f"[{m['ci_low']:.3f}, {m['ci_high']:.3f}]" in panel(page)
    assert "<script" not in page
    assert record["run_id"] in panel(page) and record["provenance"]["ended_at"] in panel(page)


@pytest.mark.parametrize("metric, bar", [
    (Metric(0.5, 0.25, 0.75), IntervalBar("50.0", "100.0", "100.0")),
    (Metric(0.2, 0.3, 0.4), IntervalBar("60.0", "20.0", "40.0")),  # value outside a percentile interval: drawn
    (Metric(0.5, None, None), None),                                 # no interval: no bar
    (Metric(1.5, 1.2, 1.8), None),                                   # not a 0..1 score
])
def test_interval_bar_geometry(metric, bar):
    assert interval_bar(metric) == bar


def test_a_failing_gate_shows_as_failing_in_html_and_markdown(tmp_path):
    md, page = _build(tmp_path, cf.base_record(), policy=FAILING)
    badges = re.findall(r'<span class="badge badge-(pass|fail)">(pass|fail)</span>', panel(page))
    assert badges == [("pass", "pass"), ("fail", "fail")]
    assert "Some checks fail" in panel(page) and 'class="sc-verdict sc-fail"' in panel(page)
    gates = md[md.index("### Policy gates"):md.index("## Model Details")]
    assert "| accuracy.ci_low (lower bound) | " in gates and "at least 0.999 | card.yaml bar: at least 90% | ✗ FAIL |" in gates
    assert "at least 0.1 | card.yaml bar: at least 90% | ✓ pass |" in gates
    assert md.index("### Policy gates") > md.index("right")  # under the plain-words summary


def test_a_passing_policy_shows_only_pass_badges(tmp_path):
    _, page = _build(tmp_path, cf.base_record(), policy=PASSING, formats=("html",))
    assert re.findall(r'badge-(pass|fail)">(?:pass|fail)<', panel(page)) == ["pass", "pass"]  # the gates' badges
    assert "All checks pass" in panel(page)


def test_without_policy_there_are_no_gate_badges_and_no_gate_table(tmp_path):
    md, page = _build(tmp_path, cf.base_record())
    assert not re.search(r'class="badge badge-(pass|fail)">(pass|fail)<', page) and "Not checked: built without <code>--policy</code>" in panel(page)
    assert "Policy gates" not in md


def _panel_risks(page: str) -> list[str]:
    box = panel(page)
    found = re.search(r'<ul class="sc-risks">(.*?)</ul>', box, re.DOTALL)
    return [_text(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.DOTALL)] if found else []


def _markdown_risks(md: str) -> list[str]:
    block = md.split("Measured on this run:\n\n", 1)[1].split("\n\n", 1)[0] if "Measured on this run:" in md else ""
    return [line[2:] for line in block.splitlines() if line.startswith("- ")]


def test_the_panel_lists_exactly_the_cards_measured_risks(tmp_path):
    """Issue 24, item 13: the HTML scorecard and the Markdown risk list are the same statements, same order."""
    record = cf.base_record()
    md, page = _build(tmp_path, record)
    risks = _panel_risks(page)
    assert risks and risks == [r.replace("`", "") for r in _markdown_risks(md)]
    # The largest accuracy drop under corruptions, from the record, is named with its severity.
    drops = [(v["accuracy_drop"]["value"], int(s), name) for name, by in record["robustness"]["corruptions"].items()
             for s, v in by.items()]
    value, severity, name = max(drops)
    assert any(r.startswith(f"{name} lowers accuracy") and f"{value:.3f}" in r and f"at severity {severity}" in r
               for r in risks)


def test_a_record_made_card_without_data_card_still_renders(tmp_path):
    record = cf.record_only()
    del record["robustness"]  # a `modelcard record` run holds predictions only, no images to corrupt
    md, page = _build(tmp_path, record)
    box = _text(panel(page))
    assert "No data card for this run." in box and "samples" in box
    assert _panel_risks(page) == [r.replace("`", "") for r in _markdown_risks(md)]
    assert "Policy gates" not in md


def test_the_data_card_verdict_comes_from_the_record(tmp_path):
    run = RunRef(EXAMPLE, read_record(EXAMPLE))
    card, outputs = render_cards(run, formats=["html"], card_info=ROOT / "card.yaml")
    data = _text(panel(outputs[f"{card.slug}.html"]).split('class="sc-title">Data card')[1])
    record = run.record
    flags = sum(sum(c.values()) for c in record["data_card"]["quality"]["counts"].values())
    assert f"{flags:,} image-quality flag(s) from {record['data_card']['quality']['tool']}" in data
    for split, entry in record["label_issues"].items():
        assert f"label disagreements to review in {split}: {entry['count']} ({100 * entry['rate']['value']:.1f}%" in data


def test_every_number_in_the_panel_but_the_gates_traces_to_the_run(tmp_path):
    run = RunRef(EXAMPLE, read_record(EXAMPLE))
    card, outputs = render_cards(run, formats=["html"], card_info=ROOT / "card.yaml", policy=ROOT / "policy.yaml")
    box = panel(outputs[f"{card.slug}.html"])
    gates = box.index('class="sc-title">Policy gates')
    box = box[:gates] + box[box.index('class="sc-title">Measured risks'):]
    text = _text(re.sub(r"<svg.*?</svg>", " ", box, flags=re.DOTALL))
    assert not untraced(text, run.record, (ROOT / "card.yaml").read_text(encoding="utf-8"))


def test_what_the_panel_prints_is_escaped(tmp_path):
    record = cf.base_record(["<i>birds</i>", "fish & chips", "<b>fruit", "veg|gies"], slices=False)
    md, page = _build(tmp_path, record, policy=PASSING)
    box = panel(page)
    assert "<i>" not in box and "<b>" not in box
    assert "&lt;i&gt;birds&lt;/i&gt;" in page and "fish &amp; chips" in page  # named on the card, escaped
