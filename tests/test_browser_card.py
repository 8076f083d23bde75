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
    assert page.images > 0 and page.broken_images == []  # the embedded figures decode
    for heading in HEADINGS:
        assert heading in page.text, heading
    assert not is_blank(page.screenshot)


def test_the_scorecard_is_visible_at_the_top_before_model_details(tmp_path):
    (card,) = [p for p in sorted((ROOT / "cards").glob("*.html")) if not p.name.endswith(".data.html")]
    page = open_page(card, tmp_path / "profile", width=1100, height=1000,
                     boxes=(".scorecard", ".scorecard .sc-bar", ".badge", "#model-details"))
    panel, bar, badge, details = (page.boxes[s] for s in (".scorecard", ".scorecard .sc-bar", ".badge", "#model-details"))
    assert panel is not None and bar is not None and badge is not None  # drawn, not hidden
    assert panel["y"] < 1000 and panel["height"] > 100   # it starts on the first screen
    assert bar["y"] < 1000 and bar["width"] >= 150       # the first interval bar shows there, at full size
    assert details is not None and panel["y"] + panel["height"] <= details["y"]
    assert "Measured risks" in page.text and "Policy gates" in page.text


def test_example_data_card_renders_in_chromium(tmp_path):
    (card,) = sorted((ROOT / "cards").glob("*.data.html"))
    page = open_page(card, tmp_path / "profile", full_page=False)
    assert page.errors == []
    assert page.images > 0 and page.broken_images == []  # the embedded thumbnails decode
    for heading in ("Source and licence", "Composition", "Integrity", "Image-quality issues", "Label conflicts (certain)", "Label disagreements to review",
                    "What is not known"):
        assert heading in page.text, heading
    assert not is_blank(page.screenshot)


def test_blank_page_and_script_errors_are_detected(tmp_path):
    """The checks above can fail: a page with a script error and nothing drawn is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html><body><script>console.error('boom'); undefinedCall();</script></body></html>")
    page = open_page(bad, tmp_path / "profile")
    assert any("boom" in e for e in page.console_errors)
    assert any("undefinedCall" in e for e in page.page_errors)
    assert page.images == 0
    assert is_blank(page.screenshot)


def test_a_broken_embedded_image_is_detected(tmp_path):
    """The image check can fail: an <img> whose data does not decode is reported."""
    bad = tmp_path / "broken.html"
    bad.write_text('<!doctype html><html><body><p>x</p><img alt="figure" src="data:image/png;base64,AAAA"></body></html>')
    page = open_page(bad, tmp_path / "profile")
    assert page.images == 1 and page.broken_images == ["data:image/png;base64,AAAA"]
