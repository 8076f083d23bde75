"""Render the data card (`<slug>.data.md`, `<slug>.data.html`) that `card.build.card_for_run` built.

Thumbnails come from the run folder (`data_card/*.png`): the Markdown links copies placed
under `figures/<slug>/data/`, the HTML embeds them as data URIs so it stays self-contained.
A thumbnail file that is missing from the run is shown as "–", never guessed.
"""

from __future__ import annotations

import base64
from pathlib import Path

from markupsafe import Markup

from .environment import macros
from .figures import figure_views
from .data_card_figures import data_figures
from ..card.data_card import ISSUE_NAMES, DataCard


def _thumbnail_bytes(card: DataCard, run_path: Path) -> dict[str, tuple[str, bytes]]:
    """relpath -> (file name, PNG bytes) for every thumbnail present in the run folder."""
    root = Path(run_path).resolve()
    out = {}
    for rel, stored in sorted(card.thumbnails.items()):
        path = (root / stored).resolve()
        if root in path.parents and path.is_file():
            out[rel] = (path.name, path.read_bytes())
    return out


def render_data_card(card: DataCard | None, *, slug: str, run_path: Path, env, formats) -> dict[str, str | bytes]:
    """{relative output path: content} of the data card (built once, with the model card) for the
    requested formats; nothing when the run has no data card."""
    if card is None:
        return {}
    figures = data_figures(card)
    figdir = f"figures/{slug}"
    views = figure_views(figures)
    images = _thumbnail_bytes(card, run_path)
    context = {"dc": card, "figures": views, "figdir": figdir, "issue_names": ISSUE_NAMES}
    outputs: dict[str, str | bytes] = {}
    if "md" in formats:
        thumbs = {rel: f"{figdir}/data/{fname}" for rel, (fname, _) in images.items()}
        text = env.get_template("data_card.md.jinja").render(context, m=macros(env, "md"), thumbs=thumbs, ext="md")
        outputs[f"{slug}.data.md"] = text
        for f in figures:
            outputs[f"{figdir}/{f.name}.svg"] = f.svg
        for fname, content in images.values():
            outputs[f"{figdir}/data/{fname}"] = content
    if "html" in formats:
        thumbs = {rel: "data:image/png;base64," + base64.b64encode(content).decode("ascii")
                  for rel, (_, content) in images.items()}
        folder = Path(env.loader.searchpath[0])
        css = (folder / "html" / "style.css").read_text(encoding="utf-8")
        text = env.get_template("data_card.html.jinja").render(context, m=macros(env, "html"), thumbs=thumbs,
                                                               ext="html", css=Markup(css))
        outputs[f"{slug}.data.html"] = text
    return outputs
