"""`build --format pdf`: the example card and its data card as PDF, read back with poppler's `pdftotext`.

Page 1 holds every stated bar's verdict and every policy gate, as the built card states them; every
page names the run, the record's date and "page N of M"; figures stay vector; two builds give the
same bytes. Skipped, with the reason, where WeasyPrint or poppler-utils is missing (scripts/setup.sh
installs both). The unit tests at the end need neither.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from modelcard.errors import UserError
from modelcard.record import RunRef, read_record
from modelcard.render import pdf

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "examples" / "runs" / "20261207T210314Z-7599e4"
SLUG = "tuxpaint-stamps-mobilenetv2"


def _weasyprint_problem() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"WeasyPrint cannot be loaded ({exc}); scripts/setup.sh installs it"
    return None


needs_pdf = pytest.mark.skipif(_weasyprint_problem() is not None or shutil.which("pdftotext") is None,
                               reason=_weasyprint_problem() or "pdftotext (poppler-utils) is missing; "
                               "scripts/setup.sh installs it")


def _build(out: Path, monkeypatch) -> Path:
    from modelcard.cli import main

    monkeypatch.chdir(ROOT)  # the card names the run by its path relative to the repository
    code = main(["build", "--run", str(RUN.relative_to(ROOT)), "--out", str(out), "--format", "pdf",
                 "--card-info", "card.yaml", "--policy", "policy.yaml"])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        return _build(tmp_path_factory.mktemp("pdf"), mp)


@pytest.fixture(scope="module")
def card(built):
    """The built card the PDF was made from (the values the PDF must state, never recomputed)."""
    from modelcard.built_card import card_for_run

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        run = RunRef(RUN.relative_to(ROOT), read_record(RUN))
        return card_for_run(run, ROOT / "card.yaml", None, ROOT / "policy.yaml").card


def _text(path: Path, *pages: int, layout: bool = False) -> str:
    """pdftotext of these pages (all without any); `layout` keeps each line's words in reading order
    (a gate's badge beside its name)."""
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    cmd = ["pdftotext", *span, *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    """Text with every run of whitespace one space (pdftotext breaks lines where the page does)."""
    return " ".join(text.replace("`", "").split())


@needs_pdf
def test_page_one_has_every_verdict_and_every_gate(built, card):
    page1 = _flat(_text(built / f"{SLUG}.pdf", 1, layout=True))
    s = card.scorecard
    assert s.outcomes and s.gates, "the example card states bars and is checked against a policy"
    assert "Decision: the stated bars" in page1 and "Policy gates" in page1
    for o in s.outcomes:
        assert f"{o.outcome} {_flat(o.bar)}" in page1
    assert _flat(s.checks_summary) in page1
    for g in s.gates:
        assert _flat(f"{'pass' if g.passed else 'fail'} {g.check} {g.value} ({g.bound}") in page1
    assert "not established" in page1 and "fail accuracy.ci_low" in page1


@needs_pdf
@pytest.mark.parametrize("name, kind", [(f"{SLUG}.pdf", "Model card"), (f"{SLUG}.data.pdf", "Data card")])
def test_every_page_names_the_run_the_date_and_its_number(built, card, name, kind):
    pages = _text(built / name).split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) >= 2
    ended = card.specs.provenance["ended_at"]
    for n, page in enumerate(pages, start=1):
        flat = _flat(page)
        assert f"{kind} · run {card.details.run_id}" in flat, n
        assert f"run ended {ended}" in flat, n
        assert f"page {n} of {len(pages)}" in flat, n


@needs_pdf
def test_the_data_card_pdf_and_the_dates_come_from_the_record(built, card):
    data = built / f"{SLUG}.data.pdf"
    assert data.read_bytes().startswith(b"%PDF-")
    assert "Data Card for" in _flat(_text(data, 1))
    if shutil.which("pdfinfo"):
        for name in (f"{SLUG}.pdf", f"{SLUG}.data.pdf"):
            info = subprocess.run(["pdfinfo", "-isodates", str(built / name)], capture_output=True, text=True).stdout
            ended = card.specs.provenance["ended_at"]
            assert re.search(rf"CreationDate:\s+{ended}", info) and re.search(rf"ModDate:\s+{ended}", info), info


@needs_pdf
def test_figures_are_vector(built):
    """The figures' own words are PDF text (a raster copy would have none), and the only bitmaps in
    the PDF are those the HTML card embeds as bitmaps (thumbnails, heat maps inside an SVG)."""
    html = (ROOT / "cards" / f"{SLUG}.html").read_text(encoding="utf-8")
    words = {w for w in re.findall(r"<text[^>]*>([^<]+)</text>", html) if re.fullmatch(r"[A-Za-z][A-Za-z ()]{5,}", w)}
    assert len(words) >= 10
    text = _flat(_text(built / f"{SLUG}.pdf"))
    missing = [w for w in words if w not in text]
    assert len(missing) <= len(words) // 10, missing
    if shutil.which("pdfimages"):
        listing = subprocess.run(["pdfimages", "-list", str(built / f"{SLUG}.pdf")], capture_output=True,
                                 text=True, check=True).stdout.splitlines()[2:]
        rasters = sum(1 for line in listing if line.split()[2] == "image")
        assert rasters <= html.count("<img ") + html.count("<image ")


@needs_pdf
def test_two_builds_give_the_same_bytes(built, tmp_path, monkeypatch):
    again = _build(tmp_path / "again", monkeypatch)
    for name in (f"{SLUG}.pdf", f"{SLUG}.data.pdf"):
        assert (again / name).read_bytes() == (built / name).read_bytes(), name


def test_pdf_is_not_a_default_format_and_default_builds_never_load_weasyprint(tmp_path):
    code = ("import sys; from modelcard.cli import main; "
            f"rc = main(['build', '--run', {str(RUN)!r}, '--out', {str(tmp_path)!r}, '--card-info', "
            f"{str(ROOT / 'card.yaml')!r}]); assert rc == 0; assert 'weasyprint' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
    assert (tmp_path / f"{SLUG}.html").is_file() and not list(tmp_path.glob("*.pdf"))


def test_missing_weasyprint_is_one_line_with_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` raises ImportError
    with pytest.raises(UserError, match=r"--format pdf needs WeasyPrint.*scripts/setup.sh"):
        pdf.write_pdf("<html><head></head><body></body></html>", None)


def test_page_one_order_and_record_date():
    assert pdf.pdf_sections(["header", "summary", "scorecard", "decision", "uses"]) == [
        "header", "scorecard", "decision", "summary", "uses"]
    assert pdf.pdf_sections(["header", "uses"]) == ["header", "uses"]
    assert pdf.record_date({"started_at": "2026-01-01T00:00:00Z", "ended_at": "2026-01-01T00:05:00Z"}) == (
        "run ended", "2026-01-01T00:05:00Z")
    assert pdf.record_date({"started_at": "2026-01-01T00:00:00Z", "ended_at": None}) == (
        "run started", "2026-01-01T00:00:00Z")
    assert pdf.record_date(None) == ("undated", None)


def test_margin_text_is_escaped_as_css_strings():
    assert pdf.css_string('a"b\\c\nd') == '"a\\"b\\\\c\\a d"'
    css = pdf.margin_css("Model card", 'x"}{', "run ended", "2026-01-01T00:00:00Z")
    assert '"Model card · run x\\"}{"' in css
    assert pdf.with_print_style("<head><style>a{}</style></head><body>", "b{}") == (
        "<head><style>a{}</style><style>\nb{}</style>\n</head><body>")


@needs_pdf
def test_a_minimal_record_without_a_policy(tmp_path):
    """A run with no policy, no data card and no end date still gets its PDF: page 1 says the gates were
    not checked, and the pages are dated from the run's start."""
    from card_fixtures import base_record, write_run
    from modelcard.render.build import build_cards

    record = base_record()
    record["provenance"]["ended_at"] = None
    run = write_run(tmp_path, record)
    result = build_cards(run, tmp_path / "cards", formats=["pdf"])
    assert [p.suffix for p in result.written] == [".pdf"]
    text = _flat(_text(result.written[0], 1, layout=True))
    assert "Policy gates Not checked: built without --policy" in text
    assert f"run {record['run_id']}" in text and f"run started {record['provenance']['started_at']}" in text


def test_loading_weasyprint_leaves_truncated_images_an_error():
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import; the PDF renderer puts it back,
    so a later data scan in the same process still skips a truncated file instead of padding it with grey."""
    from PIL import ImageFile

    from modelcard.render.pdf import _weasyprint

    pytest.importorskip("weasyprint")
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    _weasyprint()
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
