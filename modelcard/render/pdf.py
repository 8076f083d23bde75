"""`build --format pdf`: the HTML card and its data card as PDF (`<slug>.pdf`, `<slug>.data.pdf`), for an
auditor who reads a dated report rather than clicking around.

The PDF is laid out by WeasyPrint (the optional `pdf` extra, imported here only, and only for
`--format pdf`) from HTML rendered with the same partials and the same built card as the HTML card:
nothing is recomputed. Only the order differs: page 1 is the summary page, the header, the
scorecard (each bar's verdict, the policy gates with the checks' verdict, headline scores, risks)
and the Decision; the plain-words summary and the rest of the card start on page 2
(`templates/html/pdf.css`, on top of `style.css`).

Every page names the run, the record's date and "page N of M" (CSS `@page` margin boxes).

Reproducible: the date is the record's (`provenance.ended_at`, else `started_at`), never the clock,
and it is also the PDF's creation and modification date; WeasyPrint writes no file identifier
(`pdf_identifier` stays off) and names its font subsets from their content, so the same card
gives the same bytes (`tests/test_pdf.py`). Figures stay vector: the SVGs are inline in the HTML
and WeasyPrint draws them as PDF paths and text. Nothing is fetched: only `data:` URLs (the
thumbnails embedded in the HTML) are loaded.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Callable, Sequence

from markupsafe import Markup

from ..errors import UserError
from .data_card import render_data_card
from .environment import macros

PDF_SUFFIX = ".pdf"
DATA_PDF_SUFFIX = ".data.pdf"
PDF_CSS = "pdf.css"  # under templates/html/
# The sections of page 1, in this order; every other section follows in card order.
FRONT = ("header", "scorecard", "decision")
# WeasyPrint draws an inline SVG as an image of its own, so the page's CSS does not reach inside it: the
# scorecard's interval bars get their fills (style.css's `.sc-track`, `.sc-ci`, `.sc-point`) in the SVG.
_SC_BAR = re.compile(r'(<svg class="sc-bar"[^>]*>)')
SC_BAR_STYLE = "<style>.sc-track{fill:#ccc}.sc-ci{fill:#7aa7d8}.sc-point{fill:#12355b}</style>"
INSTALL_HINT = ("install WeasyPrint with `.venv/bin/python -m pip install -c requirements.lock -e .[pdf]` "
                "(or run scripts/setup.sh, which also installs the Debian libraries it needs)")


def pdf_sections(sections: Sequence[str]) -> list[str]:
    """The card's partials in PDF order: `FRONT` (those the card has) first, then the rest in card order."""
    front = [s for s in FRONT if s in sections]
    return front + [s for s in sections if s not in front]


def record_date(provenance: dict | None) -> tuple[str, str | None]:
    """(what the date is, UTC ISO 8601 date) from the record's provenance: when the run ended, else
    when it started; ("undated", None) when the record has neither. Never the clock."""
    provenance = provenance or {}
    for key, label in (("ended_at", "run ended"), ("started_at", "run started")):
        if provenance.get(key):
            return label, str(provenance[key])
    return "undated", None


def css_string(text: str) -> str:
    """`text` as a CSS string literal: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def margin_css(kind: str, run_id: str, date_label: str, date: str | None) -> str:
    """The `@page` margin boxes every page carries: what the document is, its run, the record's date.
    ("page N of M" is in pdf.css.)"""
    when = f"{date_label} {date}" if date else date_label
    return ("@page {\n"
            f"  @top-left {{ content: {css_string(f'{kind} · run {run_id}')}; }}\n"
            f"  @top-right {{ content: {css_string(when)}; }}\n"
            f"  @bottom-left {{ content: {css_string(f'run {run_id} · {when}')}; }}\n"
            "}\n")


def _weasyprint():
    """The weasyprint module, or a `UserError` saying how to install it (missing package, or missing
    Debian libraries such as Pango, which its import loads)."""
    from PIL import ImageFile

    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint
        import weasyprint.images  # noqa: F401 - it sets Pillow's LOAD_TRUNCATED_IMAGES on import
    except (ImportError, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"--format pdf needs WeasyPrint, which could not be loaded ({first}); "
                        f"{INSTALL_HINT}") from None
    finally:  # a process-wide Pillow setting is not WeasyPrint's to change: a truncated image must stay an error
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return weasyprint


def with_print_style(html: str, css: str) -> str:
    """`html` with `css` in a `<style>` after its own (before `</head>`), so the print rules win over
    style.css at the same specificity (WeasyPrint's `stylesheets=` are user sheets, which lose to the
    page's), and the scorecard's bars with their fills inside their SVG (`SC_BAR_STYLE`)."""
    head_end = html.find("</head>")
    if head_end < 0:
        raise ValueError("the HTML card has no </head>")
    html = _SC_BAR.sub(lambda m: m.group(1) + SC_BAR_STYLE, html)
    return f"{html[:head_end]}<style>\n{css}</style>\n{html[head_end:]}"


def write_pdf(html: str, date: str | None) -> bytes:
    """PDF bytes of `html`, with `date` (W3C date-time) as its creation and modification date.
    WeasyPrint's log (CSS it ignores, such as `overflow-x`) is kept off stderr."""
    weasyprint = _weasyprint()
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    logger = logging.getLogger("weasyprint")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.ERROR)
    logger.propagate = False
    try:
        document = weasyprint.HTML(string=html, url_fetcher=fetcher).render()
        document.metadata.created = document.metadata.modified = date
        return document.write_pdf()
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


def render_pdfs(card, context: dict, *, env, folder: Path, run_path: Path,
                finish: Callable[[str], str]) -> dict[str, bytes]:
    """{`<slug>.pdf`: bytes, `<slug>.data.pdf`: bytes (when the run has a data card)} of the built
    `card`; `context` is the HTML card's template context and `finish` the same post-processing the
    HTML card gets (heading anchors, tidy lines), so the PDF's HTML is the HTML card reordered."""
    _weasyprint()  # fail with the install hint before any work
    style = (folder / "html" / "style.css").read_text(encoding="utf-8")
    pdf_css = (folder / "html" / PDF_CSS).read_text(encoding="utf-8")
    label, date = record_date(card.specs.provenance if card.specs is not None else None)
    run_id = card.details.run_id
    html = finish(env.get_template("card.html.jinja").render(
        context, sections=pdf_sections(context["sections"]), m=macros(env, "html"), css=Markup(style), ext="html"))
    outputs = {f"{card.slug}{PDF_SUFFIX}": write_pdf(
        with_print_style(html, pdf_css + margin_css("Model card", run_id, label, date)), date)}
    data_html = render_data_card(card.data_card, slug=card.slug, run_path=run_path, env=env, formats=("html",))
    for text in data_html.values():
        outputs[f"{card.slug}{DATA_PDF_SUFFIX}"] = write_pdf(
            with_print_style(finish(text), pdf_css + margin_css("Data card", run_id, label, date)), date)
    return outputs
