"""Completeness of a Markdown card read without its run (`check --card cards/NAME.md`).

Only what the text shows can be checked: the section headings, whether each holds anything
besides "Not provided" gap lines, the sign-off sections, and placeholder text. Works on cards
written by `modelcard build` and on hand-written Hugging Face template cards (headings are
matched without case, commas, or "(opt)"/"[optional]" marks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..card.registry import REGISTRY
from .completeness import SIGN_OFF, Item
from .placeholders import placeholder_in

_GAP = re.compile(r"Not provided: add `([^`]+)` to card\.yaml")
_FENCE = re.compile(r"^\s*(```+|~~~+)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LICENSE = re.compile(r"\*\*License\*\*\s*:\s*(.*)$", re.IGNORECASE)

#: Where each sign-off key shows on a card: a heading whose own text must be written, or a field line.
SIGN_OFF_PLACES = {"uses.direct": "Direct Use", "uses.out_of_scope": "Out-of-Scope Use",
                   "bias_risks_limitations": "Bias, Risks, and Limitations", "contact": "Model Card Contact",
                   "license": "**License**:"}

#: Checks that a Markdown card cannot answer; `check --card` lists them as not checked.
NEEDS_RUN = ("policy gates (need the run record: use --run)", "run status and run-file checksums (use --run)",
             "documentation coverage, measured vs human (use --run)")


@dataclass
class Block:
    """A heading and the lines up to the next heading of any level."""

    level: int
    title: str
    lines: list[str] = field(default_factory=list)


def normalise(title: str) -> str:
    """"Bias, Risks and Limitations (opt)" -> "bias risks and limitations"."""
    title = re.sub(r"\((opt|optional)\)|\[(opt|optional)\]", "", title, flags=re.IGNORECASE)
    return " ".join(title.replace(",", " ").lower().split())


def blocks(text: str) -> list[Block]:
    """The card as heading blocks (front matter dropped; `#` lines inside code fences are not headings)."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
        lines = lines[end + 1:] if end is not None else lines
    out, fence = [Block(0, "")], None
    for line in lines:
        fence_mark = _FENCE.match(line)
        heading = _HEADING.match(line) if fence is None else None
        if fence_mark:
            fence = None if fence and fence_mark.group(1)[0] == fence[0] else (fence or fence_mark.group(1))
        elif heading:
            out.append(Block(len(heading.group(1)), heading.group(2)))
            continue
        out[-1].lines.append(line)
    return out


def _content(lines: list[str]) -> list[str]:
    return [line for line in lines if line.strip() and not _GAP.search(line)]


def _section(all_blocks: list[Block], title: str, own_only: bool = False) -> list[str] | None:
    """Body lines under the heading `title`: up to the next heading of the same or a higher level
    (or, with `own_only`, of any level); None when there is no such heading."""
    for i, block in enumerate(all_blocks):
        if block.level and normalise(block.title) == normalise(title):
            body = list(block.lines)
            if not own_only:
                for later in all_blocks[i + 1:]:
                    if later.level <= block.level:
                        break
                    body += [f"{'#' * later.level} {later.title}", *later.lines]
            return body
    return None


def _sign_off(all_blocks: list[Block], key: str) -> tuple[bool, str]:
    place = SIGN_OFF_PLACES[key]
    if key == "license":
        values = [m.group(1).strip() for b in all_blocks for line in b.lines if (m := _LICENSE.search(line))]
        ok = any(v and v not in ("–", "-") for v in values)
        return ok, "licence stated" if ok else "missing: no `**License**:` line with a value"
    body = _section(all_blocks, place, own_only=True)
    if body is None:
        return False, f"missing: no `{place}` heading"
    content = _content(body)
    if not content:
        return False, f"missing: the `{place}` section has no text" + (
            f" (add `{key}` to card.yaml)" if any(_GAP.search(line) for line in body) else "")
    if all(placeholder_in(line) for line in content):
        return False, f"the `{place}` section is still a placeholder"
    return True, f"`{place}` is written"


def from_markdown(text: str) -> list[Item]:
    """Completeness of a rendered Markdown card: headings, gap lines, sign-off sections, placeholders."""
    all_blocks = blocks(text)
    items: list[Item] = []
    for heading in REGISTRY.heading_titles:
        body = _section(all_blocks, heading)
        if body is None:
            items.append(Item(f"Section: {heading}", False, "missing: the card has no such heading"))
            continue
        content = [line for line in _content(body) if not _HEADING.match(line)]
        gaps = [g for line in body for g in _GAP.findall(line)]
        note = f" (not provided: {', '.join(gaps)})" if gaps else ""
        items.append(Item(f"Section: {heading}", bool(content),
                          ("has content" if content else "missing: nothing but headings or gap lines") + note))
    for label, key in SIGN_OFF:
        ok, detail = _sign_off(all_blocks, key)
        items.append(Item(f"Sign-off: {label}", ok, detail))
    found = [(n, what) for n, line in enumerate(text.splitlines(), 1) if (what := placeholder_in(line))]
    items += [Item("No placeholder text", False, f"line {n}: {what}") for n, what in found]
    if not found:
        items.append(Item("No placeholder text", True, "none on the card"))
    return items
