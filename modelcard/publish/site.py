"""Render the index of a cards/ folder in every sort order and write the site atomically.

Sorting needs no JavaScript: each sortable column has its own pre-rendered page
(`index.html` by name, `index-by-date.html`, ...) and the column headings link to them. The
cards and their figures are copied under `site/cards/` so every link works offline; the pages
inline their CSS and load nothing from elsewhere. Same cards, same bytes: no timestamps, and
every list has a fixed order (ties broken by name, then slug).

The whole site is written to a temporary folder beside `--out` and then moved into place, so a
failure never leaves a half-written site. An existing `--out` is replaced only when an earlier
`modelcard publish` wrote it (it holds the marker file `.modelcard-site`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from markupsafe import Markup

from ..card.formatting import MISSING, num
from ..errors import UserError
from .entries import IndexRow

MARKER = ".modelcard-site"
MARKER_TEXT = "Written by `modelcard publish`; the next publish replaces this whole folder.\n"
CARDS = "cards"
CHECK_ORDER = {"fail": 0, "pass": 1, "not checked": 2}


@dataclass(frozen=True)
class SortOrder:
    key: str                                   # e.g. "date"
    page: str                                  # e.g. "index-by-date.html"
    title: str                                 # column heading, e.g. "Date (UTC)"
    words: str                                 # e.g. "date"
    order: str                                 # in words, e.g. "newest first"
    descending: bool
    value: Callable[[IndexRow], object]        # None sorts last

    @property
    def aria(self) -> str:
        return "descending" if self.descending else "ascending"

    @property
    def arrow(self) -> str:
        return "▼" if self.descending else "▲"


SORTS = (
    SortOrder("name", "index.html", "Name", "name", "A to Z", False, lambda r: r.name.casefold()),
    SortOrder("date", "index-by-date.html", "Date (UTC)", "date", "newest first", True, lambda r: r.date),
    SortOrder("metric", "index-by-metric.html", "Headline metric", "headline metric", "highest first", True,
              lambda r: (r.headline or {}).get("value")),
    SortOrder("checks", "index-by-checks.html", "Checks", "check status", "failures first", False, lambda r: CHECK_ORDER.get(r.checks)),
    SortOrder("coverage", "index-by-coverage.html", "Coverage", "documentation coverage", "highest first", True,
              lambda r: (r.coverage or {}).get("fraction")),
)


def sorted_rows(rows: list[IndexRow], sort: SortOrder) -> list[IndexRow]:
    """Rows in `sort`'s order; rows without the value last; ties by name, then slug."""
    base = sorted(rows, key=lambda r: (r.name.casefold(), r.name, r.slug))
    known = [r for r in base if sort.value(r) is not None]
    return sorted(known, key=sort.value, reverse=sort.descending) + [r for r in base if sort.value(r) is None]


def _href(rel: str) -> str:
    return f"{CARDS}/{quote(rel)}"


def _date(iso: str | None) -> str:
    """"2026-11-22T00:00:58Z" -> "2026-11-22 00:00"."""
    if not iso:
        return MISSING
    return iso.replace("T", " ")[:16]


def _metric(head: dict | None) -> tuple[str, str]:
    """("0.938 [0.799, 0.983]", "test accuracy, 95% CI (Wilson score interval)")."""
    if not head or head.get("value") is None:
        return MISSING, ""
    text = num(head["value"])
    what = f"{head['set']} {head['metric'].replace('_', ' ')}"
    if head.get("ci_low") is not None and head.get("ci_high") is not None:
        text += f" [{num(head['ci_low'])}, {num(head['ci_high'])}]"
        confidence = head.get("confidence")
        what += f", {confidence:.0%} CI" if confidence is not None else ", CI"
        if isinstance(head.get("method"), str) and head["method"]:
            what += f" ({head['method']})"
    return text, what


def _coverage(cover: dict | None) -> tuple[str, str]:
    """("56/63 (89%)", "11 items are human, outside the card")."""
    if not cover:
        return MISSING, ""
    holdable = int(cover["filled"]) + int(cover["missing"])
    return (f"{int(cover['filled'])}/{holdable} ({cover['fraction']:.0%})",
            f"{int(cover['outside'])} more are human, outside the card")


def row_view(row: IndexRow) -> dict:
    """What the template shows for one row: text only (autoescaped there) and quoted links."""
    metric, metric_sub = _metric(row.headline)
    coverage, coverage_sub = _coverage(row.coverage)
    labels = {"html": "HTML", "md": "Markdown", "json": "JSON", "cdx": "CycloneDX", "meta": "facts",
              "croissant": "Croissant"}
    files = [(labels[k], _href(row.links[k])) for k in ("html", "md", "json", "cdx", "meta") if k in row.links]
    data = [(labels[k], _href(row.data_links[k])) for k in ("html", "md", "croissant") if k in row.data_links]
    return {"name": row.name, "run_id": row.run_id, "date": _date(row.date), "metric": metric, "metric_sub": metric_sub,
            "checks": row.checks, "checks_detail": row.checks_detail, "coverage": coverage,
            "coverage_sub": coverage_sub, "card_href": _href(row.links["html"]) if "html" in row.links else None,
            "files": files, "data_files": data, "problems": row.problems}


def render_site(rows: list[IndexRow], cards_dir: Path) -> dict[str, bytes]:
    """Every file of the site: {relative path: bytes}."""
    from ..render.environment import environment, templates_dir

    folder = templates_dir()
    env = environment(folder)
    template = env.get_template("publish/index.html.jinja")
    css = Markup((folder / "publish" / "style.css").read_text(encoding="utf-8"))
    n_broken = sum(bool(r.problems) for r in rows)
    site: dict[str, bytes] = {MARKER: MARKER_TEXT.encode("utf-8")}
    for sort in SORTS:
        views = [row_view(r) for r in sorted_rows(rows, sort)]
        html = template.render(rows=views, sorts=SORTS, sort=sort, n_broken=n_broken, css=css)
        site[sort.page] = ("\n".join(line.rstrip() for line in html.splitlines() if line.strip()) + "\n").encode("utf-8")
    for row in rows:
        for rel in sorted(row.copies):
            site[f"{CARDS}/{rel}"] = (cards_dir / rel).read_bytes()
    return dict(sorted(site.items()))


def check_out_dir(out: Path, cards_dir: Path) -> None:
    """`--out` must not hold the cards and must be new, empty or an earlier publish (else exit 2)."""
    out_r, cards_r = out.resolve(), cards_dir.resolve()
    if out_r == cards_r or out_r.is_relative_to(cards_r) or cards_r.is_relative_to(out_r):
        raise UserError(f"--out {out} and --cards {cards_dir} overlap; publish to a folder outside the cards "
                        "(e.g. --out site/)")
    if out.is_symlink():
        raise UserError(f"--out {out} is a symbolic link; pass the folder it points to, or a new folder")
    if out.exists():
        if not out.is_dir():
            raise UserError(f"--out {out} exists and is not a folder; choose a folder (e.g. --out site/)")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise UserError(f"--out {out} is not empty and was not written by `modelcard publish`; choose a new "
                            "or empty folder (publish replaces the whole folder)")


def write_site(out: Path, site: dict[str, bytes]) -> None:
    """Write every file into a temporary folder beside `out`, then swap it in (the old site is removed)."""
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise UserError(f"cannot write the site to {out}: {exc.strerror or exc}; choose a writable --out") from None
    old = None
    try:
        os.chmod(tmp, 0o755)
        for rel, data in site.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            os.chmod(path, 0o644)
        if out.exists():
            old = parent / f"{tmp.name}.old"
            os.replace(out, old)
        os.replace(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            with contextlib.suppress(OSError):
                os.replace(old, out)
        raise UserError(f"cannot write the site to {out}: {exc.strerror or exc}; choose a writable --out") from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def publish(cards_dir: Path, out: Path) -> tuple[list[IndexRow], list[str]]:
    """Read the cards, render and write the site; returns the rows and the pages written."""
    from .entries import read_cards

    cards_dir, out = Path(cards_dir), Path(out)
    if not cards_dir.is_dir():
        what = "does not exist" if not cards_dir.exists() else "is not a folder"
        raise UserError(f"--cards {cards_dir} {what}; pass the folder `modelcard build` wrote (default cards/)")
    check_out_dir(out, cards_dir)
    try:
        rows = read_cards(cards_dir)
    except OSError as exc:
        raise UserError(f"cannot read --cards {cards_dir}: {exc.strerror or exc}; check its permissions") from None
    if not rows:
        raise UserError(f"no cards in {cards_dir}; build one with `modelcard build --out {cards_dir}`")
    write_site(out, render_site(rows, cards_dir))
    return rows, [s.page for s in SORTS]
