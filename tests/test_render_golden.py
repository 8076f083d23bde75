"""Golden files: a fixed run record + card.yaml must render to exactly the stored cards.

The record (tests/golden/run.json) and card info (tests/golden/card.yaml) are fixed files, so
nothing depends on the clock, git state or machine. SVGs are checked by sha256
(tests/golden/figures.sha256.json). After an intended change to the output, regenerate with

    MODELCARD_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_render_golden.py

and review the diff of tests/golden/ before committing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from modelcard.record import read_record, RunRef
from modelcard.render.build import build_cards

import card_fixtures as cf

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = os.environ.get("MODELCARD_REGEN_GOLDEN") == "1"
OUTPUTS = ("stamp-classifier.md", "stamp-classifier.html", "stamp-classifier.mct.json", "stamp-classifier.cdx.json",
           "stamp-classifier.meta.json")


def _build(tmp_path: Path):
    run_dir = tmp_path / "runs" / cf.RUN_ID
    run_dir.mkdir(parents=True)
    if REGEN:
        record = cf.base_record()
        (GOLDEN / "run.json").write_text(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
        (GOLDEN / "card.yaml").write_text(cf.CARD_YAML, encoding="utf-8")
    shutil.copy(GOLDEN / "run.json", run_dir / "run.json")
    run = RunRef(run_dir, read_record(run_dir))
    cf.write_artifacts(run_dir, run.record)
    return build_cards(run, tmp_path / "cards", card_info=GOLDEN / "card.yaml")


def test_cards_match_goldens(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _build(tmp_path)
    cards = tmp_path / "cards"
    hashes = {p.relative_to(cards).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in result.written if p.suffix == ".svg"}
    if REGEN:
        for name in OUTPUTS:
            shutil.copy(cards / name, GOLDEN / name)
        (GOLDEN / "figures.sha256.json").write_text(json.dumps(hashes, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip("golden files regenerated; review `git diff tests/golden`")
    for name in OUTPUTS:
        expected = (GOLDEN / name).read_text(encoding="utf-8")
        assert (cards / name).read_text(encoding="utf-8") == expected, \
            f"{name} differs from tests/golden/{name}; if intended, regenerate (see module docstring)"
    assert hashes == json.loads((GOLDEN / "figures.sha256.json").read_text(encoding="utf-8"))
