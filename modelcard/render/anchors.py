"""Heading anchors and the table of contents of an HTML card.

Every `<h1>`-`<h6>` gets an `id` made the way GitHub makes the anchors of Markdown headings
(lower case; everything but letters, digits, `_`, `-` and spaces dropped; spaces to `-`; a
repeated slug gets `-1`, `-2`, ... in document order), so `card.html#evaluation` and
`card.md#evaluation` point at the same heading. Where the layout holds `TOC_MARKER`, a
`<nav class="toc">` of the level-2 and level-3 headings replaces it. Pure text in, text out:
the same page always gets the same ids.
"""

from __future__ import annotations

import html
import re

#: Written by card.html.jinja where the table of contents goes (a layout without it gets none).
TOC_MARKER = "<!-- modelcard:toc -->"

_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NOT_SLUG = re.compile(r"[^\w\- ]", re.UNICODE)


def github_slug(text: str) -> str:
    """GitHub's anchor for a heading's text, e.g. "Bias, Risks, and Limitations" -> "bias-risks-and-limitations"."""
    return _NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")


def add_anchors(page: str) -> str:
    """`page` with an id on every heading and, at `TOC_MARKER`, the table of contents."""
    seen: dict[str, int] = {}
    entries: list[tuple[int, str, str]] = []  # (level, id, inner HTML)

    def anchor(match: re.Match) -> str:
        level, inner = int(match.group(1)), match.group(2)
        slug = github_slug(html.unescape(_TAG.sub("", inner)))
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        ident = slug if n == 0 else f"{slug}-{n}"
        entries.append((level, ident, inner))
        return f'<h{level} id="{html.escape(ident, quote=True)}">{inner}</h{level}>'

    page = _HEADING.sub(anchor, page)
    if TOC_MARKER in page:
        page = page.replace(TOC_MARKER, _toc(entries), 1)
    return page


def _toc(entries: list[tuple[int, str, str]]) -> str:
    """Nested lists of the level-2 headings and the level-3 headings under each; a level-3 heading before
    any level-2 one (the Decision under the summary) is an entry of its own."""
    groups: list[tuple[str, list[str]]] = []
    for level, ident, inner in entries:
        link = f'<a href="#{html.escape(ident, quote=True)}">{inner}</a>'
        if level == 2:
            groups.append((link, []))
        elif level == 3 and groups and groups[-1][1] is not None:
            groups[-1][1].append(link)
        elif level == 3:
            groups.append((link, None))
    lines = ['<nav class="toc" aria-label="Contents">', '<p class="toc-title"><strong>Contents</strong></p>', "<ul>"]
    for link, subs in groups:
        if subs:
            lines += [f"<li>{link}", "<ul>", *(f"<li>{sub}</li>" for sub in subs), "</ul></li>"]
        else:
            lines.append(f"<li>{link}</li>")
    lines += ["</ul>", "</nav>"]
    return "\n".join(lines)
