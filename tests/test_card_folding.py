"""Long detail folds into <details> blocks, in Markdown and HTML, and no fact is lost.

The example Markdown card shows at most 300 lines outside <details> (its YAML front matter,
metadata that the Hugging Face Hub does not show, is counted apart); every folded table keeps
all its rows; and in Chromium the folded content is hidden until opened, then shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from modelcard.record import RunRef, read_record
from modelcard.render.build import build_cards
from tests.browser import CHROMIUM_ARGS, require_browser

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((ROOT / "examples" / "runs").iterdir())[0]
MAX_VISIBLE = 300


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("folded")
    run = RunRef(EXAMPLE.relative_to(ROOT), read_record(EXAMPLE))
    import os

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        result = build_cards(run, out, card_info=ROOT / "card.yaml", policy=ROOT / "policy.yaml")
    finally:
        os.chdir(here)
    md = next(p for p in result.written if p.name.endswith(".md") and not p.name.endswith(".data.md"))
    return run.record, md.read_text(encoding="utf-8"), md.with_suffix(".html")


def body_and_front_matter(md: str) -> tuple[list[str], list[str]]:
    lines = md.splitlines()
    end = lines.index("---", 1) + 1
    return lines[end:], lines[:end]


def visible(lines: list[str]) -> list[str]:
    """Lines outside every <details> block (its opening line, with the summary, is visible)."""
    depth, shown = 0, []
    for line in lines:
        if line.startswith("<details>"):
            depth += 1
            if depth == 1:
                shown.append(line)
            continue
        if line.startswith("</details>"):
            depth -= 1
            continue
        if depth == 0:
            shown.append(line)
    assert depth == 0, "unbalanced <details>"
    return shown


def test_example_markdown_shows_at_most_300_lines_outside_details(built):
    _, md, _ = built
    body, front = body_and_front_matter(md)
    shown = visible(body)
    assert len(shown) <= MAX_VISIBLE, (len(shown), len(front))
    assert len(body) > 2 * MAX_VISIBLE  # the facts are still there, folded


def test_folded_tables_keep_every_row(built):
    record, md, _ = built
    folded = "\n".join(body_and_front_matter(md)[0])
    test = record["evaluations"]["test"]
    for name in record["data"]["class_names"]:
        assert f"| {name} |" in folded  # per-class and class-count rows
    for key in record["config"]:
        assert f"| {key} |" in folded  # effective configuration
    for package in record["provenance"]["packages"]:
        assert f"| {package} |" in folded
    for sl in test["slices"]:
        for group in sl["groups"] if len(sl["groups"]) > 1 else []:  # one-group slices are named, not tabled
            assert f"| {group['group']} |".replace("<", "&lt;").replace(">", "&gt;") in folded
    phases = record["emissions"]["phases"]
    assert folded.count("kWh") and len(phases) > 20
    history = record["training"]["history"]["loss"]
    assert all(f"| {i} |" in folded for i in range(1, len(history) + 1))


def test_html_folds_the_same_blocks_and_chromium_hides_them_until_opened(built, tmp_path):
    record, md, html_path = built
    html = html_path.read_text(encoding="utf-8")
    # the same blocks, but for the Markdown's policy-gate table, whose passing rows fold (the HTML has its
    # scorecard panel there instead)
    gates_folded = md.count("<details><summary>The other ") - md.split("## Model Details")[1].count(
        "<details><summary>The other ")
    assert gates_folded == 1
    assert html.count("<details>") == md.count("<details>") - gates_folded > 10
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    package = sorted(record["provenance"]["packages"])[0]
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=executable,
                                                       headless=True, args=CHROMIUM_ARGS)
        try:
            page = context.new_page()
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            closed = page.inner_text("body")
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            opened = page.inner_text("body")
        finally:
            context.close()
    pattern = re.compile(rf"^{re.escape(package)}\s", re.M)
    assert not pattern.search(closed) and pattern.search(opened)
    assert len(opened) > 1.5 * len(closed)
