"""Adding a card section takes two files: its module under card/sections/ and its partial.

In a copy of the tree, a toy section (a module that builds a part and states one claim, and a
partial that prints it) is added and nothing else is edited: `build` renders it in Markdown and
HTML at its place, its claim is in the MCT JSON's consistency-checked ledger, `check` knows its
heading, and the card's files pass the consistency check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "examples" / "runs" / "20261207T210314Z-7599e4"

TOY_MODULE = '''"""A toy section: how many classes the model tells apart."""

from __future__ import annotations

from dataclasses import dataclass

from ...claims import figure_claim
from ..section_spec import Heading, SectionSpec


@dataclass(frozen=True)
class ToyFacts:
    """What the toy section prints."""

    classes: int  # e.g. 4


def toy_facts(record) -> ToyFacts:
    return ToyFacts(classes=len(record.data.class_names))


def toy_claims(card):
    return [figure_claim("toy.classes", "model", "classes told apart", card.toy.classes, "count")]


SECTION = SectionSpec("toy", order=125, build=lambda x: toy_facts(x.record), attr="toy", part=ToyFacts,
                      headings=(Heading("Toy Facts", (), lambda card: card.toy is not None),), claims=toy_claims)
'''

TOY_PARTIAL = '''{{ m.heading(2, "Toy Facts") }}
{{ m.para("The model tells " ~ card.toy.classes ~ " classes apart (toy section).") }}
'''


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for name in ("modelcard", "templates"):
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def _run(tree: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([sys.executable, "-m", "modelcard", *args], capture_output=True, text=True, cwd=tree, env=env)


def test_a_section_is_its_module_and_its_partial(tmp_path):
    tree = _tree(tmp_path)
    (tree / "modelcard" / "card" / "sections" / "toy.py").write_text(TOY_MODULE, encoding="utf-8")
    (tree / "templates" / "sections" / "toy.jinja").write_text(TOY_PARTIAL, encoding="utf-8")
    built = _run(tree, "build", "--run", str(RUN), "--out", "cards")
    assert built.returncode == 0, built.stderr
    meta = json.loads(next((tree / "cards").glob("*.meta.json")).read_text(encoding="utf-8"))
    md = (tree / "cards" / f"{meta['slug']}.md").read_text(encoding="utf-8")
    html = (tree / "cards" / f"{meta['slug']}.html").read_text(encoding="utf-8")
    classes = len(json.loads((RUN / "run.json").read_text(encoding="utf-8"))["data"]["class_names"])
    sentence = f"The model tells {classes} classes apart (toy section)."
    assert sentence in md and sentence in html
    # at its place: after Technical Specifications (120), before the closing sections (130)
    assert md.index("## Technical Specifications") < md.index("## Toy Facts") < md.index(sentence)
    assert md.index(sentence) < md.index("## Citation")
    checked = _run(tree, "check", "--run", str(RUN), "--cards", "cards", "--json")
    report = json.loads(checked.stdout)
    items = {i["item"]: i for i in report["completeness"]}
    assert items["Section: Toy Facts"]["passed"]
    assert checked.returncode in (0, 1), checked.stderr  # 1: card.yaml sign-off items are missing in this bare tree
    assert report["consistency"]["violations"] == [] and "8 files" in report["consistency"]["checked"]
    ledger = subprocess.run(
        [sys.executable, "-c", "from pathlib import Path; from modelcard.built_card import card_for_run; "
         "from modelcard.record import resolve_run; "
         f"c = card_for_run(resolve_run({str(RUN)!r}, Path('runs'))).card.claims.claim('toy.classes'); "
         "print(c.value, c.unit)"], capture_output=True, text=True, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
    assert ledger.stdout.split() == [str(classes), "count"], ledger.stderr


def test_the_toy_section_is_absent_from_the_real_tree():
    assert not (ROOT / "modelcard" / "card" / "sections" / "toy.py").exists()
