"""`build_cards`: run record + card.yaml -> cards/<name>.md, .html, .mct.json, .cdx.json (CycloneDX
ML-BOM), .croissant.json (the data card as Croissant JSON-LD), the Hub's <name>.eval_results/*.yaml
(when the data has a Hub dataset id, docs/hub.md) and SVG figures; with format `pdf`, <name>.pdf and
<name>.data.pdf (render/pdf.py).

Everything is rendered in memory first and only then written, each file atomically, so a
failure (bad template, bad input) never leaves a half-written or mixed-version card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from markupsafe import Markup

from .. import atomic
from ..card.assemble import gap_line
from ..built_card import BuiltCard, card_for_run, data_texts
from ..card.sections.checks import ChecksSection
from ..check.coverage import coverage_fraction
from ..consistency import InconsistentCard, check_outputs
from .data_card import render_data_card
from .croissant import CROISSANT_SUFFIX, croissant_document, dump_croissant
from ..errors import UserError
from ..record import RunRef
from .anchors import add_anchors
from .environment import environment, macros, templates_dir
from .figures import build_figures, figure_views
from .frontmatter import dump_front_matter
from .hub import hub_dataset, eval_results_files, no_results_line
from .gallery import build_gallery
from .cyclonedx import CDX_SUFFIX, cyclonedx_document, dump_cyclonedx
from .mct import dump_mct, mct_document, validate_mct
from .meta import META_SUFFIX, card_meta, dump_meta
from .sections import SECTIONS

FORMATS = ("md", "html", "json", "pdf")
DEFAULT_FORMATS = ("md", "html", "json")  # pdf only when asked: it needs WeasyPrint and takes tens of seconds


@dataclass
class BuildResult:
    """What `build_cards` did: files written, missing human sections, and warnings for the reader."""

    written: list[Path] = field(default_factory=list)   # sorted
    gaps: list[str] = field(default_factory=list)       # e.g. "Uses / Out-of-scope use: add `uses.out_of_scope` to card.yaml"
    warnings: list[str] = field(default_factory=list)   # e.g. "run ... is not complete (status: failed) ..."
    checks: ChecksSection | None = None                 # with --policy: what the card's Checks subsection shows
    notes: list[str] = field(default_factory=list)      # e.g. "no Hub eval results and no model-index written: ..."


def _check_formats(formats: Sequence[str]) -> None:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserError(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")


def render_cards(run: RunRef, *, card_info: Path | None = None, formats: Sequence[str] = DEFAULT_FORMATS,
                 templates_dir_override: Path | None = None, runs_dir: Path | None = None,
                 mct_graphics: bool = False, policy: Path | None = None, compare: Sequence[RunRef] | None = None,
                 figures: bool = True):
    """Render in memory: returns (card, {relative path: bytes or str}). `mct_graphics` also
    rasterises the figures to PNG for the MCT JSON (its schema takes only PNG; off by default
    because it roughly doubles figure time). `policy` adds a "Checks" subsection (gates and
    completeness, with the policy file's sha256). Format `json` also writes `<slug>.meta.json`,
    the facts `modelcard publish` lists (render/meta.py). `figures=False` leaves the SVG figures out
    (the text of every format is the same but for their links; the property tests render thousands)."""
    _check_formats(formats)
    built = card_for_run(run, card_info, runs_dir, policy, compare=compare)
    return built.card, render_built(built, run, formats=formats, templates_dir_override=templates_dir_override,
                                    mct_graphics=mct_graphics, figures=figures)


def render_built(built: BuiltCard, run: RunRef, *, formats: Sequence[str] = DEFAULT_FORMATS,
                 templates_dir_override: Path | None = None, mct_graphics: bool = False,
                 figures: bool = True) -> dict[str, str | bytes]:
    """{relative path: bytes or str} for the card `card.build.card_for_run` built for `run`; an
    `InconsistentCard` when the files would contradict each other or the card's claims (the
    consistency check, `modelcard.consistency`), so nothing contradictory is ever written."""
    _check_formats(formats)
    card = built.card
    folder = templates_dir(templates_dir_override)
    env = environment(folder)
    data_card = card.data_card
    data_outputs = render_data_card(data_card, slug=card.slug, run_path=Path(run.path), env=env, formats=formats)
    drawn = build_figures(card, with_png=mct_graphics and "json" in formats) if figures else []
    card.figure_names = [f.name for f in drawn]
    figdir = f"figures/{card.slug}"
    outputs: dict[str, str | bytes] = {}
    views = figure_views(drawn)
    gallery = build_gallery(card, Path(run.path), figdir)
    context = {"card": card, "sections": SECTIONS, "figures": views, "figdir": figdir, "gallery": gallery}
    if "md" in formats:
        hub = hub_dataset(card, built.info)
        text = env.get_template("card.md.jinja").render(context, m=macros(env, "md"),
                                                        front_matter=dump_front_matter(card, hub), ext="md")
        outputs[f"{card.slug}.md"] = tidy_markdown(text)
        outputs.update(eval_results_files(card, hub))
        outputs.update(gallery.files)
        for f in drawn:
            outputs[f"{figdir}/{f.name}.svg"] = f.svg
    if "html" in formats:
        css = (folder / "html" / "style.css").read_text(encoding="utf-8")
        text = env.get_template("card.html.jinja").render(context, m=macros(env, "html"), css=Markup(css), ext="html")
        outputs[f"{card.slug}.html"] = _tidy_lines(add_anchors(text))
    for rel, content in data_outputs.items():
        outputs[rel] = content if not isinstance(content, str) else (
            tidy_markdown(content) if rel.endswith(".md") else _tidy_lines(add_anchors(content)))
    if "json" in formats:
        doc = mct_document(card, drawn)
        validate_mct(doc)
        outputs[f"{card.slug}.mct.json"] = dump_mct(doc)
        outputs[f"{card.slug}{CDX_SUFFIX}"] = dump_cyclonedx(cyclonedx_document(card))
        if data_card is not None:
            outputs[f"{card.slug}{CROISSANT_SUFFIX}"] = dump_croissant(croissant_document(data_card, card))
        cover = coverage_fraction(built.coverage).to_json()
        outputs[f"{card.slug}{META_SUFFIX}"] = dump_meta(card_meta(card, cover, outputs, built.inputs()))
    found = check_outputs(card.claims, outputs, data_texts(built),
                          tuple(card.decision.printed()) if card.decision is not None else ())
    if found:
        raise InconsistentCard(found)
    if "pdf" in formats:  # from the HTML of the checked card; WeasyPrint is imported only here
        from .pdf import render_pdfs
        outputs.update(render_pdfs(card, context, env=env, folder=folder, run_path=Path(run.path),
                                   finish=lambda text: _tidy_lines(add_anchors(text))))
    return outputs


def build_cards(run: RunRef, out_dir: Path, *, card_info: Path | None = None, formats: Sequence[str] = DEFAULT_FORMATS,
                templates_dir: Path | None = None, runs_dir: Path | None = None,
                mct_graphics: bool = False, policy: Path | None = None,
                compare: Sequence[RunRef] | None = None) -> BuildResult:
    """Render the run's card in every requested format and write them under `out_dir`."""
    _check_formats(formats)
    built = card_for_run(run, card_info, runs_dir, policy, compare=compare)
    card = built.card
    outputs = render_built(built, run, formats=formats, templates_dir_override=templates_dir, mct_graphics=mct_graphics)
    hub_note = no_results_line(card, hub_dataset(card, built.info)) if "md" in formats else None
    out_dir = atomic.ensure_writable_dir(Path(out_dir))  # after the card: a user's mistake leaves no folder behind
    written = []
    for rel, content in sorted(outputs.items()):
        path = out_dir / rel
        if path.parent != out_dir:
            atomic.ensure_writable_dir(path.parent)
        if isinstance(content, bytes):
            atomic.write_bytes(path, content)
        else:
            atomic.write_text(path, content)
        written.append(path)
    gaps = [gap_line(k) for k in card.gaps] + (card.data_card.gap_lines() if card.data_card else [])
    return BuildResult(written=sorted(written), gaps=gaps,
                       warnings=card.build_notes + card.warnings + card.artifact_problems, checks=card.checks,
                       notes=[hub_note] if hub_note else [])


def _tidy_lines(text: str) -> str:
    """Strip trailing spaces and drop empty lines outside `<pre>` (HTML ignores them there)."""
    out, in_pre = [], False
    for line in text.splitlines():
        if "<pre" in line:
            in_pre = True
        if in_pre or line.strip():
            out.append(line.rstrip() if not in_pre else line)
        if "</pre>" in line:
            in_pre = False
    return "\n".join(out) + "\n"


_ATX_HEADING = re.compile(r"^#{1,6} ")


def tidy_markdown(text: str) -> str:
    """Collapse runs of blank lines (template whitespace) to one, and drop the blank line after a
    heading (CommonMark renders the same without it, and the file reviewers diff is shorter),
    keeping code blocks intact."""
    out, blank, fence, heading = [], False, None, False
    for line in text.splitlines():
        stripped = line.strip()
        if fence is None and stripped.startswith("```"):
            fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
        elif fence is not None and stripped == fence:
            fence = None
            out.append(line.rstrip())
            blank = heading = False
            continue
        if fence is None and not stripped:
            blank = bool(out) and not heading
            continue
        if blank:
            out.append("")
            blank = False
        heading = fence is None and bool(_ATX_HEADING.match(line))
        out.append(line if fence is not None else line.rstrip())
    return "\n".join(out) + "\n"
