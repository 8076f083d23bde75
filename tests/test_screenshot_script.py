"""scripts/screenshot.sh (the README's card screenshot) runs and draws the card."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.browser import chromium_path, is_blank

ROOT = Path(__file__).resolve().parents[1]


def test_screenshot_script_draws_the_example_card(tmp_path):
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (Debian package `chromium`; scripts/setup.sh installs it)")
    (card,) = sorted(p for p in (ROOT / "cards").glob("*.html") if not p.name.endswith(".data.html"))
    out = tmp_path / "shot.png"
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "screenshot.sh"), str(card), str(out), "800x600"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out) and not is_blank(out.read_bytes())
    from PIL import Image

    assert Image.open(out).size == (800, 600)


def test_screenshot_script_names_a_missing_card(tmp_path):
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "screenshot.sh"), str(tmp_path / "nope.html"), str(tmp_path / "x.png")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


def test_top_mode_keeps_header_summary_and_first_results_table(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("card_top", ROOT / "scripts" / "card_top.py")
    card_top = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(card_top)
    (card,) = sorted(p for p in (ROOT / "cards").glob("*.html") if not p.name.endswith(".data.html"))
    html = card.read_text(encoding="utf-8")
    top = card_top.card_top(html)
    assert re.search(r"<h1[ >]", top) and re.search(r"<h3( id=\"results\")?>Results</h3>", top)
    assert top.count("<table>") == 1 and 'class="toc"' not in top
    assert ">Model Details</h2>" not in top and "left out of this picture" in top
    anchored = ('<h1 id="t">T</h1><p>summary</p><nav class="toc"><ul><li>x</li></ul></nav><h2 id="m">M</h2>'
                '<h3 id="results">Results</h3><div class="table"><table></table></div><table></table>')
    assert card_top.card_top(anchored).startswith('<h1 id="t">T</h1><p>summary</p><p style=')
    assert '<h3 id="results">Results</h3><div class="table"><table></table></div>\n</body>' in card_top.card_top(anchored)
    with pytest.raises(ValueError):
        card_top.card_top("<html><body><h1>x</h1></body></html>")
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (Debian package `chromium`; scripts/setup.sh installs it)")
    out = tmp_path / "top.png"
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "screenshot.sh"), "--top", str(card), str(out), "800x600"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == str(out) and not is_blank(out.read_bytes()), proc.stderr
