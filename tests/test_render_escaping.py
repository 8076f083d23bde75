"""Hostile class names and card.yaml text stay inert in every format and never break a table."""

from __future__ import annotations

import json
import re

import pytest

from modelcard.render.build import build_cards

import card_fixtures as cf

NASTY = ["<script>alert(1)</script>", "a|b", 'say "hi" \'x\'', "back`tick`", "café", "猫"]
YAML = """\
model_name: "Nasty <b>model</b>"
uses:
  direct: "Use <img src=x onerror=alert(1)> freely | really"
contact: "a & b"
data:
  hub_id: someone/nasty-stamps
"""


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    root = tmp_path_factory.mktemp("nasty")
    run = cf.write_run(root, cf.base_record(NASTY, extra_set=False, n_test=60))
    (root / "card.yaml").write_text(YAML, encoding="utf-8")
    result = build_cards(run, root / "cards", card_info=root / "card.yaml")
    return root, {(".meta" if p.name.endswith(".meta.json") else p.suffix): p
                  for p in result.written if p.parent == root / "cards"}, result


def test_html_has_no_raw_markup_from_data(nasty):
    _, files, result = nasty
    page = files[".html"].read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "café" in page and "猫" in page
    for svg in (p for p in result.written if p.suffix == ".svg"):
        assert "<script" not in svg.read_text(encoding="utf-8").lower()


def _tables(md: str) -> list[list[str]]:
    blocks, current = [], []
    for line in md.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks + ([current] if current else [])


def _cells(row: str) -> int:
    """Columns of a Markdown table row, where `\\|` is an escaped pipe inside a cell."""
    return len(re.split(r"(?<!\\)\|", row.strip())[1:-1])


def test_markdown_tables_keep_their_shape_and_html_is_escaped(nasty):
    _, files, _ = nasty
    md = files[".md"].read_text(encoding="utf-8")
    body = md.split("\n---\n", 1)[1]
    prose = re.sub(r"```.*?```", "", body, flags=re.DOTALL)  # code blocks are never read as HTML
    assert "<script" not in prose and "<img" not in prose and "<b>" not in prose
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    tables = _tables(body)
    assert tables
    for table in tables:
        widths = {_cells(row) for row in table}
        assert len(widths) == 1, table
    # the per-class table shows its first rows and folds the rest into a second table (same header)
    parts = [t for t in tables if t[0].startswith("| class | images | precision")]
    per_class = parts[0] + [row for t in parts[1:] for row in t[2:]]
    assert len(per_class) == 2 + len(NASTY)
    assert "a\\|b" in per_class[3] and "back\\`tick\\`" in per_class[5]


def test_markdown_front_matter_and_code_round_trip(nasty):
    from huggingface_hub import ModelCard

    _, files, _ = nasty
    card = ModelCard.load(files[".md"])
    assert card.data.to_dict()["model-index"][0]["name"] == "Nasty <b>model</b>"
    code = re.search(r"```python\n(.*?)\n```", card.text, re.DOTALL).group(1)
    namespace: dict = {}
    exec(code.split("model = ")[0] + "CLASS_NAMES = " + code.split("CLASS_NAMES = ")[1].split("  #")[0], namespace)
    assert namespace["CLASS_NAMES"] == NASTY


def test_json_round_trips_names(nasty):
    _, files, _ = nasty
    doc = json.loads(files[".json"].read_text(encoding="utf-8"))
    assert doc["model_details"]["name"] == "Nasty <b>model</b>"
    assert json.loads(files[".meta"].read_text(encoding="utf-8"))["name"] == "Nasty <b>model</b>"
    assert all(name in doc["model_parameters"]["output_format"] for name in NASTY)
