"""Jinja2 environments for the card templates: where templates come from and how text is escaped.

One environment serves both formats: the section partials are shared and only the macro
module (`md/macros.jinja` or `html/macros.jinja`, passed in as `m`) differs. Autoescape is on for
both, so nothing from a run record or card.yaml can inject HTML (Hugging Face renders inline HTML
in Markdown); the Markdown macros add table-cell escaping (`|`, backticks, newlines).
`StrictUndefined` turns a missing field into an error instead of a blank on the card. Compiled
templates are cached by Jinja's bytecode cache (per user, in the temp folder), like `.pyc` files.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..card import formatting
from ..card.assemble import slugify
from ..errors import UserError

CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PACKAGED_TEMPLATES = "modelcard._templates"


def templates_dir(override: Path | None = None) -> Path:
    """`--templates DIR`, else the checkout's `templates/`, else the copy packaged in the wheel."""
    if override is not None:
        override = Path(override)
        if not (override / "card.md.jinja").is_file():
            raise UserError(f"templates folder {override} has no card.md.jinja; copy the default templates/ "
                            "folder and edit it")
        return override
    if (CHECKOUT_TEMPLATES / "card.md.jinja").is_file():
        return CHECKOUT_TEMPLATES
    spec = importlib.util.find_spec(PACKAGED_TEMPLATES)
    if spec is None or not spec.submodule_search_locations:
        raise UserError("modelcard's templates are missing from this installation; reinstall modelcard "
                        "or pass --templates DIR")
    return Path(list(spec.submodule_search_locations)[0])


_ENTITY_START = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def md_text(value) -> Markup:
    """Prose for Markdown: `<`, `>` (and an `&` that would start an entity) become entities, so
    no HTML gets through; a plain `&` stays readable in the raw file reviewers diff."""
    if isinstance(value, Markup):
        return value
    text = _ENTITY_START.sub("&amp;", str(value))
    return Markup(text.replace("<", "&lt;").replace(">", "&gt;"))


def md_cell(value) -> Markup:
    """A Markdown table cell: prose escaping plus `|`, backticks and newlines, so the row stays one row."""
    text = str(md_text(value))
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    return Markup(" ".join(text.splitlines()))


def md_fence(code: str) -> str:
    """A backtick fence longer than any backtick run in `code` (CommonMark), so code cannot close it."""
    longest, run = 0, 0
    for ch in code:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def html_inline(value) -> Markup:
    """Text for HTML: every character escaped, then `code spans` shown as <code> (as Markdown would)."""
    if isinstance(value, Markup):
        return value
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", str(escape(str(value)))))


def html_paragraphs(value) -> Markup:
    """Human text as HTML paragraphs (blank lines split them), every character escaped."""
    parts = [p.strip() for p in str(value).split("\n\n") if p.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(html_inline(p)) for p in parts)


def signed(value) -> str:
    """A difference with its sign, e.g. "-0.170"."""
    return formatting.MISSING if value is None else f"{value:+.3f}"


def plain_pair(pair) -> list[str]:
    """(key, value) -> [key, value as text], for two-column tables of settings."""
    key, value = pair
    return [str(key), formatting.plain(value)]


def zip_rows(first, second) -> list[list]:
    """Two columns -> table rows."""
    return [list(row) for row in zip(first, second)]


def environment(folder: Path) -> jinja2.Environment:
    """The Jinja environment reading `folder` (see `templates_dir`)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, bytecode_cache=_bytecode_cache())
    env.filters.update(formatting.FILTERS)
    env.filters.update({"signed": signed, "slug": slugify, "plain_pair": plain_pair, "zip_rows": zip_rows,
                        "md_text": md_text, "md_cell": md_cell, "md_fence": md_fence,
                        "html_paragraphs": html_paragraphs, "html_inline": html_inline})
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    try:
        return jinja2.FileSystemBytecodeCache()
    except OSError:  # no usable temp folder: compile every time
        return None


def macros(env: jinja2.Environment, fmt: str):
    """The format's macro module (`md/macros.jinja` or `html/macros.jinja`), passed to sections as `m`."""
    try:
        return env.get_template(f"{fmt}/macros.jinja").module
    except jinja2.TemplateNotFound as exc:
        raise UserError(f"template {exc.name} is missing from {env.loader.searchpath[0]}; copy it from the default "
                        "templates/ folder") from None
