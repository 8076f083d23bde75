"""The section registry (modelcard/card/registry.py): every card section registers itself once, in
its own module, and the partial list, headings, completeness and coverage are derived from it.

References: the template partials on disk, the rendered golden card (tests/golden/stamp-classifier.md)
and the section modules' source; a toy section registered here shows up in what is derived.
"""

import ast
import importlib
import pkgutil
import re
from dataclasses import fields, replace
from pathlib import Path

import modelcard.card.sections as sections_pkg
from modelcard.card import CardInfo, assemble_card
from modelcard.card.model import Card
from modelcard.card.registry import REGISTRY, Registry
from modelcard.card.section_spec import CoverageItem, Heading, SectionSpec
from modelcard.check.completeness import from_card
from modelcard.check.coverage import coverage
from modelcard.check.coverage_items import ITEMS, OUTSIDE
from modelcard.render.sections import HEADINGS, SECTIONS
from tests.card_fixtures import base_record

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
GOLDEN_MD = ROOT / "tests" / "golden" / "stamp-classifier.md"


def _h2(partial: str) -> list[str]:
    """The level-2 headings a partial writes with the `m.heading(2, "...")` macro."""
    return re.findall(r'm\.heading\(2, "([^"]+)"\)', partial)


def test_every_registered_partial_exists_and_both_layouts_include_the_registered_list():
    for name in REGISTRY.partials:
        assert (TEMPLATES / "sections" / f"{name}.jinja").is_file(), name
    for layout in ("card.md.jinja", "card.html.jinja"):  # both loop over the registered partials
        text = (TEMPLATES / layout).read_text(encoding="utf-8")
        assert '{% for section in sections %}' in text and '"sections/" ~ section ~ ".jinja"' in text, layout
    for fmt in ("md", "html"):  # and each format has the macros the partials call
        assert (TEMPLATES / fmt / "macros.jinja").is_file()
    assert SECTIONS == REGISTRY.partials and HEADINGS == REGISTRY.heading_titles


def _with_partial():
    """The sections with a partial of their own (the comparison's two tables are included by others')."""
    return [s for s in REGISTRY.sections if s.partial]


def test_each_section_registers_the_headings_its_partial_writes():
    for section in _with_partial():
        partial = (TEMPLATES / "sections" / f"{section.name}.jinja").read_text(encoding="utf-8")
        assert _h2(partial) == [h.title for h in section.headings], section.name


def test_every_heading_appears_in_the_golden_card_in_order():
    lines = GOLDEN_MD.read_text(encoding="utf-8").splitlines()
    h2 = [line[3:].strip() for line in lines if line.startswith("## ")]
    assert h2 == list(REGISTRY.heading_titles)


def test_every_section_module_registers_itself_and_the_registry_holds_each_once():
    registering = []
    for info in pkgutil.iter_modules(sections_pkg.__path__):
        module = importlib.import_module(f"{sections_pkg.__name__}.{info.name}")
        if hasattr(module, "SECTION"):
            assert module.SECTION.name == info.name, info.name  # registered in its own module, by its name
            registering.append(module.SECTION)
    assert sorted(s.name for s in registering if s.partial) == sorted(REGISTRY.partials)
    assert len(set(REGISTRY.partials)) == len(REGISTRY.partials)
    assert all(any(s is r for r in registering) for s in REGISTRY.sections)
    # every partial the card loop renders is a registered section, and nothing else is
    top_level = {p.stem for p in (TEMPLATES / "sections").glob("*.jinja")
                 if not re.search(r'include "sections/' + p.stem + r'\.jinja"',
                                  "".join(q.read_text(encoding="utf-8") for q in (TEMPLATES / "sections").glob("*.jinja")))}
    assert top_level == set(REGISTRY.partials)


def test_each_builder_lives_in_its_section_module_and_fills_a_card_field():
    card_fields = {f.name for f in fields(Card)}
    for section in REGISTRY.sections:
        assert section.build.__module__ == f"modelcard.card.sections.{section.name}", section.name
        assert section.attr in card_fields, section.name


def test_items_and_probes_are_registered_once():
    ids = [item.id for item in ITEMS]
    assert len(ids) == len(set(ids))
    owned = [item.id for s in REGISTRY.sections for item in s.coverage]
    assert sorted(owned + [item.id for item in OUTSIDE]) == sorted(ids)
    assert all(item.outside is None for s in REGISTRY.sections for item in s.coverage)
    names = [p for s in REGISTRY.sections for p in s.probes]
    assert len(names) == len(set(names)) == len(REGISTRY.probes)


def test_the_registry_is_the_only_list_of_sections():
    """No module but a section's own lists its headings (three or more of them) again."""
    for path in (ROOT / "modelcard").rglob("*.py"):
        if path.parent.name == "sections" and "\nSECTION = SectionSpec(" in path.read_text(encoding="utf-8"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        listed = literals & set(REGISTRY.heading_titles)
        assert len(listed) < 3, f"{path.relative_to(ROOT)} lists headings {sorted(listed)}"


# ---- a toy section ---------------------------------------------------------------------------------

def _toy_registry() -> Registry:
    toy = SectionSpec(
        "toy", order=125, build=lambda inputs: None, attr="toy",
        headings=(Heading("Toy Facts", ("more_information",), lambda c: bool(c.evaluation.sets)),),
        probes={"toy_probe": lambda c: bool(c.details.class_names)},
        coverage=(CoverageItem("hf.toy", "hf", "Toy Facts", "A toy item", where="Toy Facts", measured=("toy_probe",)),
                  CoverageItem("aiv.2a.toy", "annex_iv", "2(a)", "A toy Annex IV item", where="Toy Facts",
                               human=("contact",))))
    sections = list(REGISTRY.sections)
    sections.insert([s.name for s in sections].index("specs") + 1, toy)
    return Registry(tuple(sections))


def test_a_toy_section_shows_up_in_headings_completeness_and_coverage_without_other_edits():
    reg = _toy_registry()
    assert reg.partials[reg.partials.index("specs") + 1] == "toy"
    assert reg.heading_titles == HEADINGS[:HEADINGS.index("Technical Specifications") + 1] + ("Toy Facts",) + \
        HEADINGS[HEADINGS.index("Technical Specifications") + 1:]
    card = assemble_card(base_record(), CardInfo(), run_path=Path("runs/x"))
    items = {i.item: i for i in from_card(card, CardInfo(), registry=reg)}
    assert items["Section: Toy Facts"].passed and items["Section: Toy Facts"].detail == "measured"
    assert "Section: Toy Facts" not in {i.item for i in from_card(card, CardInfo())}
    rows = {r.id: r for r in coverage(card, CardInfo(), registry=reg)}
    assert rows["hf.toy"].status == "measured" and rows["hf.toy"].sources == ["measured: toy_probe"]
    assert rows["aiv.2a.toy"].status == "missing"
    with_contact = replace(CardInfo(), contact="jane@example.org")
    assert {r.id: r for r in coverage(card, with_contact, registry=reg)}["aiv.2a.toy"].status == "human"
    order = [r.id for r in coverage(card, CardInfo(), registry=reg)]
    assert order.index("hf.toy") == order.index("hf.compute") + 1  # HF items in card order
    assert order.index("aiv.2a") < order.index("aiv.2a.toy") < order.index("aiv.2b.choices")  # Annex IV by point
    assert "hf.toy" not in {r.id for r in coverage(card, CardInfo())}


def test_card_and_check_import_no_render_module():
    """`check` builds the card with card/build.py, as `build` does, and renders nothing: no module of
    modelcard/card or modelcard/check imports modelcard.render, at the top or inside a function."""
    offenders = []
    for package in ("card", "check"):
        for path in sorted((ROOT / "modelcard" / package).rglob("*.py")):
            depth = len(path.relative_to(ROOT / "modelcard").parts) - 1  # dots that reach modelcard/
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [("." * node.level if node.level else "") + (node.module or "")]
                         if isinstance(node, ast.ImportFrom) else [])
                for name in names:
                    absolute = name.startswith("modelcard.render")
                    relative = name.startswith("." * (depth + 1) + "render") and name[depth + 1] != "."
                    if absolute or relative:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert offenders == []


def test_the_card_is_typed_with_real_classes():
    """Every Card field and every section value field has a real type (no bare Any/object), and each
    annotation resolves to the section dataclass that builds it."""
    import typing

    import modelcard.card.model as model
    import modelcard.card.parts as parts
    from modelcard.card.intervals import IntervalMethods
    from modelcard.card.sections.checks import ChecksSection
    from modelcard.card.sections.comparison import Comparison
    from modelcard.card.sections.costs import RunCosts, SweepCost
    from modelcard.card.sections.decision import Decision
    from modelcard.card.sections.emission_claims import EmissionFigures
    from modelcard.card.sections.robustness import RobustnessResults
    from modelcard.card.sections.scorecard_parts import Scorecard
    from modelcard.card.sections.seeds_cv import SeedsCV
    from modelcard.card.sections.summary import Summary
    from modelcard.card.data_card import DataCard
    from modelcard.record.artifacts import ArtifactCheck

    names = {c.__name__: c for c in (IntervalMethods, ChecksSection, Comparison, RunCosts, SweepCost, EmissionFigures,
                                     RobustnessResults, Decision,
                                     Scorecard, SeedsCV, Summary, DataCard, ArtifactCheck)}
    classes = [model.Card] + [c for c in vars(parts).values()
                              if isinstance(c, type) and c.__module__ == parts.__name__]
    for cls in classes:
        hints = typing.get_type_hints(cls, localns=names)
        for f in fields(cls):
            assert hints[f.name] not in (typing.Any, object, typing.Optional[typing.Any]), f"{cls.__name__}.{f.name}"
            assert str(f.type).split(" | ")[0] not in ("Any", "object", "typing.Any"), f"{cls.__name__}.{f.name}"
    hints = typing.get_type_hints(model.Card, localns=names)
    assert hints["scorecard"] == typing.Optional[Scorecard] and hints["checks"] == typing.Optional[ChecksSection]
    assert typing.get_type_hints(parts.EvaluationResults, localns=names)["robustness"] == typing.Optional[RobustnessResults]
    assert model.Uses is CardInfo().uses.__class__  # one Uses class: card.yaml's


def test_each_section_registers_the_gap_lines_its_partial_shows():
    from modelcard.card.assemble import GAP_SECTIONS

    for section in _with_partial():
        partial = (TEMPLATES / "sections" / f"{section.name}.jinja").read_text(encoding="utf-8")
        assert set(re.findall(r'm\.gap\("([^"]+)"\)', partial)) == set(section.gaps), section.name
    assert list(GAP_SECTIONS) == [k for s in REGISTRY.sections for k in s.gaps]
    card = assemble_card(base_record(), CardInfo(), run_path=Path("runs/x"))
    assert set(card.gaps) <= set(GAP_SECTIONS) and "uses.direct" in card.gaps
    filled = assemble_card(base_record(), replace(CardInfo(), contact="jane@example.org"), run_path=Path("runs/x"))
    assert set(card.gaps) - set(filled.gaps) == {"contact"}
