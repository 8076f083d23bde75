"""Open a page in a real headless Chromium (Debian's `chromium`, driven by Playwright).

Why Playwright: it reports console messages and uncaught page errors as events, reads the
rendered DOM text and takes screenshots, with the system Chromium (`executable_path`), so
nothing is downloaded. Chromium is started the way the project's docs and CI do it:
`--headless --no-sandbox --disable-gpu` with a fresh `--user-data-dir`, plus the flags that stop
it from reaching out to Google's services (this machine has no network).

`open_page` skips the calling test, with the reason printed by pytest's `-ra` summary, when
Chromium or Playwright is missing: a browser test never passes without a browser.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """The system Chromium, if installed (Debian package `chromium`)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_browser() -> str:
    """The Chromium path; skips the test (with the reason) when Chromium or Playwright is missing."""
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (Debian package `chromium`; scripts/setup.sh installs it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright is not installed (pip package `playwright`, pinned in the test extra)")
    return path


@dataclass
class RenderedPage:
    """What Chromium made of a page: console errors, uncaught errors, DOM text, a PNG screenshot."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)  # <img> that did not decode (first 60 chars of src)
    images: int = 0
    text: str = ""
    screenshot: bytes = b""
    boxes: dict[str, dict | None] = field(default_factory=dict)  # selector -> bounding box in CSS px (None: not drawn)

    @property
    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors + self.failed_requests


def open_page(path: Path, user_data_dir: Path, *, width: int = 1200, height: int = 900, full_page: bool = False,
              boxes: tuple[str, ...] = ()) -> RenderedPage:
    """Load a local HTML file in headless Chromium and report what happened; `boxes` are CSS
    selectors whose first match's bounding box (x, y, width, height, page top at y 0) is reported."""
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    result = RenderedPage()
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(user_data_dir), executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            page.on("console", lambda msg: result.console_errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: result.page_errors.append(str(exc)))
            page.on("requestfailed", lambda req: result.failed_requests.append(f"{req.url}: {req.failure}"))
            page.goto(Path(path).resolve().as_uri(), wait_until="load")
            result.text = page.inner_text("body")
            result.images = page.evaluate("document.images.length")
            result.broken_images = page.evaluate(
                "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                ".map(i => i.getAttribute('src').slice(0, 60))")
            for selector in boxes:
                element = page.query_selector(selector)
                result.boxes[selector] = element.bounding_box() if element is not None and element.is_visible() else None
            result.screenshot = page.screenshot(full_page=full_page)
        finally:
            context.close()
    return result


def is_blank(png: bytes) -> bool:
    """True when a screenshot is one flat colour (nothing rendered)."""
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.float64)
    return float(pixels.std()) < 1.0
