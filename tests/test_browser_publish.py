"""The published index renders in a real browser (headless Chromium; skipped with the reason
when missing): no console errors or failed requests, its headings and the card's facts in the
DOM text, a screenshot that is not blank, and the copied card opens from the site too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from modelcard.cli import main
from modelcard.publish.site import SORTS
from modelcard.render.sections import HEADINGS

from tests.browser import is_blank, open_page

import card_fixtures as cf

HEADERS = ["Model cards"] + [s.title for s in SORTS] + ["Files"]


def test_published_index_renders_in_chromium(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cf.write_run(tmp_path, cf.base_record())
    (tmp_path / "card.yaml").write_text(cf.CARD_YAML, encoding="utf-8")
    (tmp_path / "policy.yaml").write_text("gates:\n  - accuracy >= 0.0\n", encoding="utf-8")
    assert main(["build", "--run", str(run.path), "--out", "cards", "--policy", "policy.yaml"]) == 0
    (tmp_path / "cards" / "broken.md").write_text("not a card\n", encoding="utf-8")   # listed with its problems
    assert main(["publish", "--cards", "cards", "--out", "site"]) == 1
    site = tmp_path / "site"
    (meta,) = [json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "cards").glob("*.meta.json")]
    shutil.rmtree(tmp_path / "cards")   # the site must stand on its own
    for sort in (SORTS[0], SORTS[3]):   # by name (index.html) and by check status: the same template
        page = open_page(site / sort.page, tmp_path / f"profile-{sort.key}")
        assert page.errors == [], sort.page
        for heading in HEADERS:
            assert heading in page.text, (sort.page, heading)
        assert meta["name"] in page.text and meta["run_id"] in page.text and "pass" in page.text and "broken.md has no readable" in page.text
        assert not is_blank(page.screenshot)
    (card,) = sorted((site / "cards").glob("*.html"))
    page = open_page(card, tmp_path / "profile-card")
    assert page.errors == [] and all(h in page.text for h in HEADINGS) and not is_blank(page.screenshot)
