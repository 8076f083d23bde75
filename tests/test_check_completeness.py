"""Completeness (sections, sign-off keys, placeholders, run integrity) and documentation coverage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import card_fixtures as cf
from modelcard.card import CardInfo, assemble_card, known_keys, parse_card_info
from modelcard.check import completeness, markdown_card
from modelcard.check.coverage import PROBES, coverage, coverage_fraction
from modelcard.check.coverage_items import ITEMS, REFERENCES
from modelcard.check.placeholders import SKELETON_MARKER, placeholder_in
from modelcard.render.build import render_cards
from modelcard.render.sections import HEADINGS

import yaml


@pytest.fixture(autouse=True)
def _away_from_repo_card_yaml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def _card(info: CardInfo, record=None):
    record = record or cf.base_record()
    return assemble_card(record, info, run_path=Path("runs/x"))


FULL = parse_card_info(yaml.safe_load(cf.CARD_YAML))


def _failed(items):
    return {(i.item, i.detail) for i in items if not i.passed}


def test_a_full_card_passes_every_item():
    items = completeness.from_card(_card(FULL), FULL)
    assert _failed(items) == set()
    assert [i.item for i in items[:len(HEADINGS)]] == [f"Section: {h}" for h in HEADINGS]


def test_without_card_yaml_the_human_sections_and_sign_off_fail():
    items = completeness.from_card(_card(CardInfo()), CardInfo())
    failed = {i.item for i in items if not i.passed}
    assert failed == {"Section: Uses", "Section: Citation", "Section: Glossary", "Section: More Information",
                      "Section: Model Card Authors", "Section: Model Card Contact", "Sign-off: intended uses",
                      "Sign-off: out-of-scope uses", "Sign-off: limitations", "Sign-off: license", "Sign-off: contact"}
    # Measured sections pass on facts alone.
    passed = {i.item: i.detail for i in items if i.passed}
    assert passed["Section: Evaluation"] == "measured"


@pytest.mark.parametrize("key, text, what", [
    ("license", "TODO", "TODO"),
    ("contact", "[More Information Needed]", '"More Information Needed"'),
    ("recommendations", f"{SKELETON_MARKER}: what users should do", "skeleton marker from `modelcard init`"),
    ("more_information", "FIXME later", "FIXME"),
])
def test_placeholders_fail_and_name_the_key(key, text, what):
    raw = yaml.safe_load(cf.CARD_YAML)
    raw[key] = text
    info = parse_card_info(raw)
    failed = _failed(completeness.from_card(_card(info), info))
    assert ("No placeholder text in card.yaml", f"`{key}`: {what}; replace it with real text") in failed


def test_a_placeholder_in_a_sign_off_key_fails_the_sign_off_too():
    raw = yaml.safe_load(cf.CARD_YAML)
    raw["uses"]["out_of_scope"] = "TBD"
    info = parse_card_info(raw)
    failed = _failed(completeness.from_card(_card(info), info))
    assert ("Sign-off: out-of-scope uses", "`uses.out_of_scope` is still a placeholder") in failed


def test_placeholder_words_need_word_boundaries():
    assert placeholder_in("Todo lists are sorted") is None
    assert placeholder_in("a TODOS list") is None
    assert placeholder_in("TODO: write") == "TODO"
    assert placeholder_in("more   information needed") == '"More Information Needed"'


def test_glossary_terms_are_scanned():
    raw = yaml.safe_load(cf.CARD_YAML)
    raw["glossary"] = {SKELETON_MARKER: "a term"}
    info = parse_card_info(raw)
    assert any("glossary" in detail for _, detail in _failed(completeness.from_card(_card(info), info)))


def test_artifact_problems_and_incomplete_runs_fail():
    card = _card(FULL, cf.base_record(status="failed"))
    card.artifact_problems = ["predictions/test.npz is missing"]
    failed = _failed(completeness.from_card(card, FULL))
    assert ("Run files match their checksums", "predictions/test.npz is missing") in failed
    assert ("Run complete", "run status: failed") in failed


# ---- Markdown cards ------------------------------------------------------------------------------

def _markdown(tmp_path, info_text: str | None) -> str:
    run = cf.write_run(tmp_path, cf.base_record())
    info = None
    if info_text is not None:
        info = tmp_path / "card.yaml"
        info.write_text(info_text, encoding="utf-8")
    _, outputs = render_cards(run, card_info=info, formats=["md"])
    return next(v for k, v in outputs.items() if k.endswith(".md"))


def test_a_rendered_full_card_passes_from_markdown(tmp_path):
    assert _failed(markdown_card.from_markdown(_markdown(tmp_path, cf.CARD_YAML))) == set()


def test_a_rendered_card_without_card_yaml_fails_from_markdown(tmp_path):
    failed = {item for item, _ in _failed(markdown_card.from_markdown(_markdown(tmp_path, None)))}
    assert {"Sign-off: intended uses", "Sign-off: license", "Sign-off: contact", "Section: Uses",
            "Section: Model Card Contact"} <= failed
    assert "Section: Evaluation" not in failed


def test_markdown_placeholders_missing_headings_and_code_fences(tmp_path):
    text = _markdown(tmp_path, cf.CARD_YAML)
    text = text.replace("## Glossary", "## Glossar").replace("Trained on clip-art only.",
                                                               "[More Information Needed]")
    items = markdown_card.from_markdown(text)
    failed = _failed(items)
    assert ("Section: Glossary", "missing: the card has no such heading") in failed
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "More Information Needed" in t)
    assert ("No placeholder text", f"line {line}: \"More Information Needed\"") in failed
    # A "## " line inside a fenced code block is not a heading.
    assert [b.title for b in markdown_card.blocks("## Uses\n```\n## Glossary\n```\ntext\n")] == ["", "Uses"]


HAND_WRITTEN = """\
# Model card for mobilenet_v2

## Model Details

- **Developed by**: Google
- **License**: Apache 2.0

## Uses

### Direct use

Classify images into 1000 ImageNet classes.

### Downstream Use (opt)

### Out-of-Scope Use

## Bias, Risks and Limitations

[More Information Needed]

## Model Card Contact
"""


def test_a_hand_written_hf_template_card():
    items = {i.item: i for i in markdown_card.from_markdown(HAND_WRITTEN)}
    assert items["Sign-off: intended uses"].passed  # "Direct use": headings match without case
    assert items["Sign-off: license"].passed
    assert not items["Sign-off: out-of-scope uses"].passed  # an empty heading is not written text
    assert not items["Sign-off: contact"].passed
    assert items["Sign-off: limitations"].detail == "the `Bias, Risks, and Limitations` section is still a placeholder"
    assert not items["No placeholder text"].passed and "More Information Needed" in items["No placeholder text"].detail
    assert items["Section: Training Details"].detail == "missing: the card has no such heading"
    assert items["Section: Uses"].passed


# ---- coverage -------------------------------------------------------------------------------------

def test_coverage_items_are_well_formed():
    ids = [item.id for item in ITEMS]
    assert len(ids) == len(set(ids))
    pending = {"data.description", "data.collection", "data.license", "data.consent", "data.known_biases"}
    for item in ITEMS:
        assert item.ref in REFERENCES and item.point and item.text
        if item.outside is not None:
            assert item.outside and not item.measured and not item.human and not item.where
        else:
            assert item.where and (item.measured or item.human), item.id
            assert set(item.measured) <= set(PROBES), item.id
            assert set(item.human) <= set(known_keys()) | pending, item.id
    points = {re.match(r"\d+", item.point).group() for item in ITEMS if item.ref == "annex_iv"}
    assert points == {str(n) for n in range(1, 10)}


def test_coverage_statuses_for_a_full_card():
    rows = {r.id: r for r in coverage(_card(FULL), FULL)}
    assert rows["hf.direct_use"].status == "human" and rows["hf.direct_use"].sources == ["card.yaml: uses.direct"]
    assert rows["hf.results"].status == "measured"
    assert rows["hf.carbon"].status == "measured"
    for outside in ("aiv.5", "aiv.9", "aiv.8", "aiv.2h"):
        assert rows[outside].status == "outside"
    assert rows["aiv.2d.selection"].status == "missing"  # needs `data.collection`


def test_coverage_never_counts_outside_items_and_drops_without_card_yaml():
    full = coverage(_card(FULL), FULL)
    empty = coverage(_card(CardInfo()), CardInfo())
    assert {r.id for r in full if r.status == "outside"} == {r.id for r in empty if r.status == "outside"}
    assert all(r.status != "human" for r in empty)
    s_full, s_empty = coverage_fraction(full), coverage_fraction(empty)
    assert s_full.outside == s_empty.outside > 0
    assert s_full.filled + s_full.missing + s_full.outside == len(ITEMS)
    assert s_full.fraction == s_full.filled / (s_full.filled + s_full.missing)
    assert s_empty.fraction < s_full.fraction < 1


def test_a_placeholder_does_not_count_as_human_coverage():
    raw = yaml.safe_load(cf.CARD_YAML)
    raw["uses"]["direct"] = SKELETON_MARKER
    info = parse_card_info(raw)
    rows = {r.id: r for r in coverage(_card(info), info)}
    assert rows["hf.direct_use"].status == "missing"
