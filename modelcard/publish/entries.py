"""Find the cards in a cards/ folder and read what their files say, one `IndexRow` per card.

A model card is the files `<slug>.md`, `<slug>.html`, `<slug>.mct.json`, `<slug>.cdx.json`
(CycloneDX ML-BOM) and `<slug>.meta.json` (the sidecar `build` writes for indexes: run, dates, headline metric, check status, coverage and
the sha256 of every card file; see render/meta.py). A data card, `<slug>.data.md` /
`<slug>.data.html` / `<slug>.croissant.json`, belongs to the model card with the same slug. Nothing found is dropped: a
card whose files are missing, unreadable, malformed or changed since the build is listed with
what is wrong (`IndexRow.problems`).

Every path read from a file (figures, sidecar entries) must stay inside the cards folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from ..render.meta import META_FORMAT, META_SUFFIX

#: File name ending -> (data card?, kind); longest endings first so `.data.md` wins over `.md`.
SUFFIXES = ((".data.html", True, "html"), (".data.md", True, "md"), (".croissant.json", True, "croissant"),
            (META_SUFFIX, False, "meta"), (".mct.json", False, "json"), (".cdx.json", False, "cdx"),
            (".html", False, "html"), (".md", False, "md"))
SKIPPED = {"readme.md", "index.html"}   # notes about the folder, not cards

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_MD_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE)
_HTML_LINK = re.compile(r"<a\b[^>]*\bhref=\"([^\"]+)\"", re.IGNORECASE)


@dataclass
class IndexRow:
    """One card as the index lists it."""

    slug: str                          # e.g. "tuxpaint-stamps-mobilenetv2"
    name: str                          # e.g. "tuxpaint-stamps-mobilenetv2" (the slug when unknown)
    run_id: str | None = None          # e.g. "20261122T000037Z-01409c"
    date: str | None = None            # the run's end (else start), e.g. "2026-11-22T00:00:58Z"
    headline: dict | None = None       # e.g. {"set": "test", "metric": "accuracy", "value": 0.94, "ci_low": ...}
    checks: str = "unknown"            # "pass" | "fail" | "not checked" | "unknown" (no readable sidecar)
    checks_detail: str = ""            # e.g. "8 of 8 gates pass; 22 of 22 completeness items pass (policy.yaml)"
    coverage: dict | None = None       # e.g. {"filled": 56, "missing": 7, "outside": 11, "fraction": 0.889}
    links: dict[str, str] = field(default_factory=dict)       # kind -> file, e.g. {"html": "x.html", "meta": "x.meta.json"}
    data_links: dict[str, str] = field(default_factory=dict)  # e.g. {"html": "x.data.html", "md": "x.data.md"}
    problems: list[str] = field(default_factory=list)         # e.g. ["x.md is missing (listed in x.meta.json)"]
    copies: set[str] = field(default_factory=set)             # files to copy, relative to the cards folder


def card_files(cards_dir: Path) -> dict[str, dict[tuple[bool, str], str]]:
    """slug -> {(data card?, kind): file name}, from the names of the folder's files."""
    found: dict[str, dict[tuple[bool, str], str]] = {}
    for path in sorted(cards_dir.iterdir()):
        name = path.name
        if name.startswith(".") or name.lower() in SKIPPED or not path.is_file():
            continue
        for suffix, is_data, kind in SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                found.setdefault(name[: -len(suffix)], {})[(is_data, kind)] = name
                break
    return found


def read_cards(cards_dir: Path) -> list[IndexRow]:
    """Every card in `cards_dir`, sorted by slug."""
    return [read_card(cards_dir, slug, files) for slug, files in sorted(card_files(cards_dir).items())]


def read_card(cards_dir: Path, slug: str, files: dict[tuple[bool, str], str]) -> IndexRow:
    row = IndexRow(slug=slug, name=slug)
    model = {kind: name for (is_data, kind), name in files.items() if not is_data}
    row.data_links = {kind: name for (is_data, kind), name in files.items() if is_data}
    if not model:
        row.problems.append(f"data card {', '.join(sorted(row.data_links.values()))} has no model card {slug}.md "
                            "beside it; build the model card, or remove the data card")
    names = {**model, **{f"data_{k}": v for k, v in row.data_links.items()}}
    texts = {}
    for kind, name in sorted(names.items()):
        text = _read(cards_dir / name, row)
        if text is not None:
            texts[kind] = text
            row.copies.add(name)
    row.links = {kind: model[kind] for kind in ("html", "md", "json", "cdx", "meta") if kind in texts}
    for kind in ("html", "md", "json"):   # with a sidecar, the files it lists are the ones expected
        if kind not in model and model and "meta" not in model:
            row.problems.append(f"{slug}{_ending(kind)} is missing; rebuild the card with `modelcard build`")
    if "json" in texts:
        _read_mct(texts["json"], model["json"], row)
    if "md" in texts:
        _read_front_matter(texts["md"], model["md"], row)
    if "meta" in texts:
        _read_meta(cards_dir, texts["meta"], model["meta"], row)
    elif model:
        row.problems.append(f"{slug}{META_SUFFIX} is missing, so its run, date, checks and coverage are unknown; "
                            "rebuild the card with `modelcard build` (format json writes it)")
    for kind in ("md", "html", "data_md", "data_html"):
        if kind in texts:
            _copy_linked(cards_dir, texts[kind], names[kind], kind.endswith("md"), row)
    row.data_links = {kind: name for kind, name in row.data_links.items() if f"data_{kind}" in texts}
    return row


def _ending(kind: str) -> str:
    return {"html": ".html", "md": ".md", "json": ".mct.json"}[kind]


def _read(path: Path, row: IndexRow) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        row.problems.append(f"{path.name} is not UTF-8 text")
    except OSError as exc:
        row.problems.append(f"cannot read {path.name}: {exc.strerror or exc}")
    return None


def _read_mct(text: str, name: str, row: IndexRow) -> None:
    try:
        doc = json.loads(text)
        found = doc["model_details"]["name"]
    except (ValueError, KeyError, TypeError):
        row.problems.append(f"{name} is not a Model Card Toolkit JSON (no model_details.name)")
        return
    if isinstance(found, str) and found:
        row.name = found


def _read_front_matter(text: str, name: str, row: IndexRow) -> None:
    """The Markdown must start with the YAML front matter `build` writes (HF model card metadata)."""
    parts = text.split("\n---\n", 1) if text.startswith("---\n") else []
    try:
        meta = yaml.safe_load(parts[0][4:]) if len(parts) == 2 else None
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict):
        row.problems.append(f"{name} has no readable YAML front matter; is it a card `modelcard build` wrote?")


class _Malformed(ValueError):
    pass


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise _Malformed(what)


def _number(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _read_meta(cards_dir: Path, text: str, name: str, row: IndexRow) -> None:
    try:
        meta = json.loads(text)
        _need(isinstance(meta, dict), "not a JSON object")
        _need(meta.get("format") == META_FORMAT, f"format {meta.get('format')!r}, expected {META_FORMAT}")
        for key in ("name", "run_id"):
            _need(isinstance(meta.get(key), str) and meta[key], f"no {key}")
        for key in ("started_at", "ended_at"):
            _need(meta.get(key) is None or isinstance(meta[key], str), f"{key} is not text")
        head = meta.get("headline")
        _need(head is None or (isinstance(head, dict) and all(_number(head.get(k)) for k in ("value", "ci_low", "ci_high", "confidence"))
                               and isinstance(head.get("set"), str) and isinstance(head.get("metric"), str)),
              "malformed headline")
        checks = meta.get("checks")
        _need(checks is None or (isinstance(checks, dict) and isinstance(checks.get("passed"), bool)), "malformed checks")
        cover = meta.get("coverage")
        _need(isinstance(cover, dict) and all(_number(cover.get(k)) and cover.get(k) is not None
                                              for k in ("filled", "missing", "outside", "fraction")), "malformed coverage")
        files = meta.get("files")
        _need(isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()),
              "malformed files")
    except (ValueError, _Malformed) as exc:
        why = str(exc) if isinstance(exc, _Malformed) else "not valid JSON"
        row.problems.append(f"{name} is not a card sidecar `modelcard build` writes ({why}); rebuild the card")
        return
    row.name, row.run_id = meta["name"], meta["run_id"]
    row.date = meta.get("ended_at") or meta.get("started_at")
    row.headline, row.coverage = head, cover
    if checks is None:
        row.checks, row.checks_detail = "not checked", "built without --policy"
    else:
        row.checks = "pass" if checks["passed"] else "fail"
        row.checks_detail = f"{checks.get('summary') or ''} ({checks.get('policy_file') or 'policy'})".strip()
    for rel, sha256 in sorted(files.items()):
        path = _inside(cards_dir, rel)
        if path is None:
            row.problems.append(f"{name} lists {rel!r}, which is outside the cards folder; rebuild the card")
        elif not path.is_file():
            row.problems.append(f"{rel} is missing (listed in {name}); rebuild the card")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
            row.problems.append(f"{rel} changed after `modelcard build` wrote it; rebuild the card")
        else:
            row.copies.add(PurePosixPath(rel).as_posix())


def _inside(cards_dir: Path, rel: str) -> Path | None:
    """`cards_dir/rel` when `rel` is a relative path that stays inside `cards_dir` (links resolved)."""
    pure = PurePosixPath(rel)
    if not rel or pure.is_absolute() or ".." in pure.parts or "\\" in rel:
        return None
    path = cards_dir / Path(*pure.parts)
    try:
        path.resolve().relative_to(cards_dir.resolve())
    except ValueError:
        return None
    return path


def _local(target: str) -> str | None:
    """A link target that names a local file (no scheme, no fragment-only, no absolute path)."""
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target or target.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target):
        return None
    from urllib.parse import unquote

    return unquote(target)


def _copy_linked(cards_dir: Path, text: str, name: str, markdown: bool, row: IndexRow) -> None:
    """Copy the local files a card links to (figures); a missing image is a problem, a missing link is not."""
    images, links = (_MD_IMAGE, _MD_LINK) if markdown else (_HTML_IMAGE, _HTML_LINK)
    for pattern, required in ((images, True), (links, False)):
        for target in sorted(set(pattern.findall(text))):
            rel = _local(target)
            path = _inside(cards_dir, rel) if rel else None
            if path is not None and path.is_file():
                row.copies.add(PurePosixPath(rel).as_posix())
            elif rel and required:
                row.problems.append(f"{name} shows the image {rel}, which is not in the cards folder")
