"""`modelcard publish`: the index lists every card with its facts, in every sort order, with
working offline links, escaped text, broken cards listed with their problems, byte-identical
output, and one-line errors for a bad --cards or --out."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from modelcard.cli import main
from modelcard.publish.site import SORTS
from modelcard.render.build import build_cards

import card_fixtures as cf

PASSING = "gates:\n  - accuracy >= 0.0\n"
FAILING = "gates:\n  - accuracy >= 0.999\n  - emissions_kg <= 1.0\n"


@pytest.fixture(autouse=True)
def _away_from_repo_card_yaml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One card built with a passing policy; tests copy its folder and change the copies."""
    root = tmp_path_factory.mktemp("built")
    run = cf.write_run(root, cf.base_record())
    (root / "card.yaml").write_text(cf.CARD_YAML, encoding="utf-8")
    (root / "policy.yaml").write_text(PASSING, encoding="utf-8")
    build_cards(run, root / "cards", card_info=root / "card.yaml", policy=root / "policy.yaml")
    return root / "cards"


def _cards(built: Path, tmp_path: Path) -> Path:
    cards = tmp_path / "cards"
    shutil.copytree(built, cards)
    return cards


def _clone(built: Path, cards: Path, slug: str, **changes) -> dict:
    """Another card from the built one: its three card files under `slug` and a sidecar with `changes`."""
    (src_meta,) = built.glob("*.meta.json")
    meta = json.loads(src_meta.read_text(encoding="utf-8"))
    files = {}
    for ending in (".md", ".html", ".mct.json"):
        data = (built / f"{meta['slug']}{ending}").read_bytes()
        (cards / f"{slug}{ending}").write_bytes(data)
        files[f"{slug}{ending}"] = hashlib.sha256(data).hexdigest()
    meta.update(slug=slug, files=files, **changes)
    (cards / f"{slug}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


def _publish(cards: Path, out: Path) -> int:
    return main(["publish", "--cards", str(cards), "--out", str(out)])


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.rows: list[str] = []   # first cell's text per body row
        self._cell = None

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.refs.append(value)
        if tag == "tr":
            self._cell = 0
        elif tag == "td" and self._cell is not None:
            self._cell += 1
            if self._cell == 1:
                self.rows.append("")

    def handle_data(self, data):
        if self._cell == 1:
            self.rows[-1] += data


def _parse(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_the_sidecar_publish_reads(built):
    (meta_path,) = built.glob("*.meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    record = cf.base_record()
    accuracy = record["evaluations"]["test"]["metrics"]["accuracy"]
    assert meta["run_id"] == record["run_id"] and meta["started_at"] == record["provenance"]["started_at"]
    assert meta["headline"]["set"] == "test"
    assert (meta["headline"]["value"], meta["headline"]["ci_low"], meta["headline"]["ci_high"]) == \
           (accuracy["value"], accuracy["ci_low"], accuracy["ci_high"])
    assert meta["checks"]["passed"] is True and meta["checks"]["policy_file"] == "policy.yaml"
    cover = meta["coverage"]
    assert cover["filled"] + cover["missing"] > 0 and cover["fraction"] == cover["filled"] / (cover["filled"] + cover["missing"])
    assert any(rel.startswith("figures/") for rel in meta["files"])
    for rel, sha in meta["files"].items():
        assert hashlib.sha256((built / rel).read_bytes()).hexdigest() == sha, rel


def test_index_lists_the_card_with_its_facts_and_working_links(built, tmp_path):
    cards = _cards(built, tmp_path)
    assert _publish(cards, tmp_path / "site") == 0
    site = tmp_path / "site"
    meta = json.loads(next(cards.glob("*.meta.json")).read_text(encoding="utf-8"))
    html = (site / "index.html").read_text(encoding="utf-8")
    head = meta["headline"]
    assert meta["name"] in html and meta["run_id"] in html
    assert meta["ended_at"].replace("T", " ")[:16] in html
    assert f"{head['value']:.3f} [{head['ci_low']:.3f}, {head['ci_high']:.3f}]" in html and "test accuracy, 95% CI" in html
    assert ">pass<" in html
    cover = meta["coverage"]
    assert f"{cover['filled']}/{cover['filled'] + cover['missing']} ({cover['fraction']:.0%})" in html
    for ending in (".html", ".md", ".mct.json"):
        assert f'href="cards/{meta["slug"]}{ending}"' in html
    # Every local link of every page (and of the copied HTML card) names a file of the site.
    pages = [site / s.page for s in SORTS] + sorted((site / "cards").glob("*.html"))
    for page in pages:
        for ref in _parse(page).refs:
            if re.match(r"^[a-z]+:", ref) or ref.startswith("#"):
                continue
            assert (page.parent / unquote(ref)).is_file(), (page.name, ref)
    # The Markdown card's figures came along.
    md = (site / "cards" / f"{meta['slug']}.md").read_text(encoding="utf-8")
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert figures and all((site / "cards" / f).is_file() for f in figures)
    # Nothing external: no scripts, no stylesheets or fonts from elsewhere.
    for s in SORTS:
        page = (site / s.page).read_text(encoding="utf-8")
        assert "<script" not in page and "<link" not in page and "http" not in page and "@import" not in page


def test_sort_pages_order_the_rows(built, tmp_path):
    cards = _cards(built, tmp_path)
    (own,) = [p.name[: -len(".meta.json")] for p in cards.glob("*.meta.json")]
    for suffix in (".md", ".html", ".mct.json", ".cdx.json", ".meta.json"):
        (cards / f"{own}{suffix}").unlink()
    cover = lambda f: {"filled": f, "missing": 10 - f, "outside": 3, "fraction": f / 10}  # noqa: E731
    head = lambda v: {"set": "test", "metric": "accuracy", "value": v, "ci_low": v - .1, "ci_high": v + .05,  # noqa: E731
                      "confidence": 0.95, "method": "percentile"}
    check = lambda ok: {"passed": ok, "summary": "s", "policy_file": "policy.yaml", "policy_sha256": "0" * 64}  # noqa: E731
    _clone(built, cards, "alpha", name="Alpha", ended_at="2026-01-03T00:00:00Z", headline=head(0.7), checks=check(True),
           coverage=cover(9))
    _clone(built, cards, "bravo", name="bravo", ended_at="2026-01-01T00:00:00Z", headline=head(0.9), checks=None, coverage=cover(5))
    _clone(built, cards, "charlie", name="Charlie", ended_at="2026-01-02T00:00:00Z", headline=head(0.8), checks=check(False),
           coverage=cover(7))
    (cards / "delta.md").write_text("not a card\n", encoding="utf-8")  # broken: sorts last where it has no value
    assert _publish(cards, tmp_path / "site") == 1
    expected = {"index.html": ["Alpha", "bravo", "Charlie", "delta"],
                "index-by-date.html": ["Alpha", "Charlie", "bravo", "delta"],
                "index-by-metric.html": ["bravo", "Charlie", "Alpha", "delta"],
                "index-by-checks.html": ["Charlie", "Alpha", "bravo", "delta"],
                "index-by-coverage.html": ["Alpha", "Charlie", "bravo", "delta"]}
    for page, names in expected.items():
        rows = [r.split("run")[0].strip().split("\n")[0] for r in _parse(tmp_path / "site" / page).rows]
        assert [r[: len(n)] for r, n in zip(rows, names)] == names and len(rows) == 4, page
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert html.count('aria-sort="') == 1
        others = {s.page for s in SORTS} - {page}
        assert all(f'href="{o}"' in html for o in others)


def test_broken_cards_are_listed_with_their_problems(built, tmp_path, capsys):
    cards = _cards(built, tmp_path)
    good = _clone(built, cards, "good", name="good")
    _clone(built, cards, "changed", name="changed")
    with open(cards / "changed.md", "a", encoding="utf-8") as fh:
        fh.write("edited by hand\n")
    _clone(built, cards, "nofigure", name="nofigure")
    meta = json.loads((cards / "nofigure.meta.json").read_text(encoding="utf-8"))
    meta["files"]["figures/nofigure/gone.svg"] = "0" * 64
    meta["files"]["../outside.txt"] = "0" * 64
    (cards / "nofigure.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    (cards / "badjson.md").write_bytes((cards / "good.md").read_bytes())
    (cards / "badjson.mct.json").write_text("{not json", encoding="utf-8")
    (cards / "badjson.meta.json").write_text("[1, 2]", encoding="utf-8")
    (cards / "binary.md").write_bytes(b"\xff\xfe\x00garbage")
    (cards / "orphan.data.md").write_text("# Data card\n", encoding="utf-8")
    assert _publish(cards, tmp_path / "site") == 1
    err = capsys.readouterr().err
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    expected = {"changed": "changed.md changed after `modelcard build` wrote it",
                "nofigure": "figures/nofigure/gone.svg is missing (listed in nofigure.meta.json)",
                "badjson": "badjson.mct.json is not a Model Card Toolkit JSON",
                "binary": "binary.md is not UTF-8 text",
                "orphan": "data card orphan.data.md has no model card orphan.md"}
    for slug, problem in expected.items():
        assert f"warning: {slug}: {problem}" in err
        assert re.sub(r"`([^`]+)`", r"<code>\1</code>", problem) in html
    assert "badjson.meta.json is not a card sidecar" in err and "is outside the cards folder" in err
    assert "binary.html is missing" in err and "binary.meta.json is missing" in err
    assert not (tmp_path / "site" / "outside.txt").exists() and "secret" not in _tree(tmp_path / "site").values()
    assert html.count('class="broken"') == len(expected)  # the built card and "good" are fine
    assert "warning: good:" not in err and f"cards/{good['slug']}.html" in html


def test_data_cards_are_linked_from_their_model_cards_row(built, tmp_path):
    cards = _cards(built, tmp_path)
    slug = json.loads(next(cards.glob("*.meta.json")).read_text(encoding="utf-8"))["slug"]
    (cards / "figures" / f"{slug}.data").mkdir(parents=True)
    (cards / "figures" / f"{slug}.data" / "counts.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (cards / f"{slug}.data.md").write_text(f"# Data card\n\n![counts](figures/{slug}.data/counts.svg)\n", encoding="utf-8")
    (cards / f"{slug}.data.html").write_text("<!DOCTYPE html><html><body><h1>Data card</h1></body></html>\n")
    assert _publish(cards, tmp_path / "site") == 0
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert html.count("<tr") == 2  # header + one card: the data card is not a row of its own
    assert f'href="cards/{slug}.data.html"' in html and f'href="cards/{slug}.data.md"' in html
    assert (tmp_path / "site" / "cards" / "figures" / f"{slug}.data" / "counts.svg").is_file()


def test_text_from_cards_is_escaped(built, tmp_path):
    cards = _cards(built, tmp_path)
    evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    _clone(built, cards, "evil", name=evil, run_id='"><b>run</b>')
    (cards / "<i>odd&name.md").write_text("not a card", encoding="utf-8")
    _publish(cards, tmp_path / "site")
    for s in SORTS:
        html = (tmp_path / "site" / s.page).read_text(encoding="utf-8")
        assert "<script" not in html and "<img" not in html and "<b>run" not in html and "<i>odd" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img src=x" in html
        assert "&lt;i&gt;odd&amp;name" in html and 'href="cards/%3Ci%3Eodd%26name.md"' in html


def test_output_is_deterministic_and_replaces_an_earlier_site(built, tmp_path):
    cards = _cards(built, tmp_path)
    _clone(built, cards, "second", name="second")
    assert _publish(cards, tmp_path / "a") == 0
    assert _publish(cards, tmp_path / "b") == 0
    moved = tmp_path / "elsewhere" / "cards"
    shutil.copytree(cards, moved)
    assert _publish(moved, tmp_path / "c") == 0
    first = _tree(tmp_path / "a")
    assert first == _tree(tmp_path / "b") == _tree(tmp_path / "c")
    for suffix in (".md", ".html", ".mct.json", ".cdx.json", ".meta.json"):
        (cards / f"second{suffix}").unlink(missing_ok=True)
    assert _publish(cards, tmp_path / "a") == 0   # an earlier site is replaced as a whole
    again = _tree(tmp_path / "a")
    assert not [rel for rel in again if "second" in rel] and "second" not in again["index.html"].decode()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folders left


@pytest.mark.parametrize("case", ["missing", "file", "empty", "out_is_file", "foreign_out", "out_in_cards",
                                  "cards_in_out", "unwritable"])
def test_usage_errors_exit_2_with_one_line(built, tmp_path, capsys, case):
    cards, out = _cards(built, tmp_path), tmp_path / "site"
    if case == "missing":
        cards = tmp_path / "nope"
    elif case == "file":
        cards = tmp_path / "card.md"
        cards.write_text("x")
    elif case == "empty":
        cards = tmp_path / "empty"
        cards.mkdir()
    elif case == "out_is_file":
        out.write_text("x")
    elif case == "foreign_out":
        out.mkdir()
        (out / "notes.txt").write_text("mine")
    elif case == "out_in_cards":
        out = cards / "site"
    elif case == "cards_in_out":
        out = tmp_path
    elif case == "unwritable":
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        # root writes through permission bits: /proc refuses everyone
        out = Path("/proc/modelcard-publish-test/site") if os.geteuid() == 0 else locked / "site"
    before = _tree(tmp_path)
    try:
        assert _publish(cards, out) == 2
    finally:
        if case == "unwritable":
            (tmp_path / "locked").chmod(0o755)
    err = capsys.readouterr().err
    assert err.startswith("modelcard publish: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert _tree(tmp_path) == before   # nothing written


def test_cli_needs_out(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["publish"])
    assert exc.value.code == 2 and "--out" in capsys.readouterr().err


def test_sidecar_says_fail_or_not_checked(tmp_path):
    run = cf.write_run(tmp_path, cf.base_record())
    (tmp_path / "failing.yaml").write_text(FAILING, encoding="utf-8")
    build_cards(run, tmp_path / "failed", formats=["json"], policy=tmp_path / "failing.yaml")
    build_cards(run, tmp_path / "unchecked", formats=["json"])
    (failed,) = (tmp_path / "failed").glob("*.meta.json")
    (unchecked,) = (tmp_path / "unchecked").glob("*.meta.json")
    checks = json.loads(failed.read_text(encoding="utf-8"))["checks"]
    assert checks["passed"] is False and checks["summary"].startswith("1 of 2 policy gates pass, 1 fails; ")
    assert json.loads(unchecked.read_text(encoding="utf-8"))["checks"] is None
    assert sorted(json.loads(unchecked.read_text(encoding="utf-8"))["files"]) == sorted(
        failed.name.replace(".meta.json", suffix) for suffix in (".cdx.json", ".mct.json"))
    assert _publish(tmp_path / "failed", tmp_path / "site") == 0
    assert ">fail<" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert _publish(tmp_path / "unchecked", tmp_path / "site") == 0   # replaces the earlier site
    assert ">not checked<" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_a_failed_write_leaves_the_earlier_site_whole(built, tmp_path, monkeypatch, capsys):
    cards = _cards(built, tmp_path)
    assert _publish(cards, tmp_path / "site") == 0
    before = _tree(tmp_path / "site")
    _clone(built, cards, "second", name="second")
    real, calls = Path.write_bytes, []

    def flaky(self, data):
        calls.append(self)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    assert _publish(cards, tmp_path / "site") == 2
    assert "No space left on device" in capsys.readouterr().err
    assert _tree(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards", "site"]   # no temporary folder left
