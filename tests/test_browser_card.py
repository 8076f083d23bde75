"""The HTML card renders in a real browser: no console errors, every section heading shown,
and a screenshot that is not blank (headless Chromium; skipped with the reason when missing)."""

from __future__ import annotations

from pathlib import Path

from modelcard.render.sections import HEADINGS

from tests.browser import is_blank, open_page

ROOT = Path(__file__).resolve().parents[1]


def test_example_html_card_renders_in_chromium(tmp_path):
    (card,) = [p for p in sorted((ROOT / "cards").glob("*.html")) if not p.name.endswith(".data.html")]
    page = open_page(card, tmp_path / "profile", full_page=False)
    assert page.errors == []
    for heading in HEADINGS:
        assert heading in page.text, heading
    assert not is_blank(page.screenshot)


def test_blank_page_and_script_errors_are_detected(tmp_path):
    """The checks above can fail: a page with a script error and nothing drawn is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html><body><script>console.error('boom'); undefinedCall();</script></body></html>")
    page = open_page(bad, tmp_path / "profile")
    assert any("boom" in e for e in page.console_errors)
    assert any("undefinedCall" in e for e in page.page_errors)
    assert is_blank(page.screenshot)
