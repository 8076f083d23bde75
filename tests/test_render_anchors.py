"""HTML cards: heading anchors the way GitHub makes Markdown anchors, a table of contents near
the top, and figure captions whose `code` shows as <code>, not as backticks (issue 16)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import card_fixtures as cf
from modelcard.record import RunRef, read_record
from modelcard.render.anchors import TOC_MARKER, add_anchors, github_slug
from modelcard.render.build import build_cards

ROOT = Path(__file__).resolve().parents[1]
(EXAMPLE,) = sorted((ROOT / "examples" / "runs").iterdir())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("anchors")
    run = cf.write_run(root, cf.base_record())
    (root / "card.yaml").write_text(cf.CARD_YAML, encoding="utf-8")
    result = build_cards(run, root / "cards", card_info=root / "card.yaml", formats=["md", "html"])
    page = next(p for p in result.written if p.name == "stamp-classifier.html").read_text(encoding="utf-8")
    md = next(p for p in result.written if p.name == "stamp-classifier.md").read_text(encoding="utf-8")
    example = RunRef(EXAMPLE, read_record(EXAMPLE))  # a run that measured its data, for the data card
    result = build_cards(example, root / "example", formats=["html"])
    data = next(p for p in result.written if p.name.endswith(".data.html")).read_text(encoding="utf-8")
    return page, md, data


@pytest.mark.parametrize("text, slug", [
    ("Bias, Risks, and Limitations", "bias-risks-and-limitations"),
    ("How to Get Started with the Model", "how-to-get-started-with-the-model"),
    ("Testing Data, Factors & Metrics", "testing-data-factors--metrics"),
    ("Per-class results (test)", "per-class-results-test"),
    ("Results by light_level (shifted)", "results-by-light_level-shifted"),
    ("Speeds, Sizes, Times", "speeds-sizes-times"),
])
def test_slugs_follow_github(text, slug):
    assert github_slug(text) == slug


def test_repeated_headings_get_numbered_ids_in_order():
    page = add_anchors("<h2>Summary</h2><h3>A &amp; B</h3><h4>Summary</h4><h4>Summary</h4>" + TOC_MARKER)
    assert re.findall(r'id="([^"]+)"', page) == ["summary", "a--b", "summary-1", "summary-2"]
    assert '<a href="#summary">Summary</a>' in page and '<a href="#a--b">A &amp; B</a>' in page
    assert "summary-1" not in page.split('<nav class="toc"')[1]  # level 4 is not in the contents
    assert add_anchors("<h2>x</h2>") == '<h2 id="x">x</h2>'  # no marker: no contents


def test_every_heading_has_a_unique_id_and_the_readme_links_exist(built):
    page, md, data = built
    headings = re.findall(r"<h([1-6])( id=\"[^\"]*\")?>", page)
    assert headings and all(attr for _, attr in headings)
    ids = re.findall(r'<h[1-6] id="([^"]+)">', page)
    assert len(ids) == len(set(ids))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"cards/tuxpaint-stamps-mobilenetv2\.md#([a-z0-9_-]+)", readme))
    assert linked and linked <= set(ids)  # the anchors written for GitHub's Markdown work in the HTML too
    md_headings = [line.lstrip("#").strip() for line in md.splitlines() if re.match(r"#{2,6} ", line)]
    assert {github_slug(html.unescape(h)) for h in md_headings} <= set(ids)
    assert re.findall(r'<h[1-6] id="([^"]+)">', data)  # the data card's headings too


def test_the_contents_link_every_section_and_sit_after_the_summary(built):
    page, _, _ = built
    nav = page[page.index('<nav class="toc"'):page.index("</nav>")]
    assert page.index("section-summary") < page.index('<nav class="toc"') < page.index('id="model-details"')
    links = re.findall(r'href="#([^"]+)"', nav)
    h2 = re.findall(r'<h2 id="([^"]+)">', page)
    h3 = re.findall(r'<h3 id="([^"]+)">', page)
    assert [x for x in links if x in h2] == h2 and set(links) == set(h2) | set(h3)
    assert TOC_MARKER not in page


def test_figure_captions_show_code_not_backticks(built):
    page, md, _ = built
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page, re.DOTALL)
    assert captions and not any("`" in c for c in captions)
    assert any("<code>background</code>" in c for c in captions)
    assert "Accuracy per `background` group" in md  # Markdown keeps its code span
