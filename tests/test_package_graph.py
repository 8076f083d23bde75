"""Packages import one way: down the layers that docs/architecture.md lists.

Every import in modelcard/ and training/ (at the top of a module, inside a function, or under
TYPE_CHECKING alike) is resolved to the package (or top-level module) it lands in. A package
may import from its own modules and from packages on lower lines of the list, never from one on
its own line or above. No name starting with `_` is imported from another package. The layer
lists are read from docs/architecture.md, so the page and the code cannot drift apart.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def layers(name: str, root: Path = ROOT) -> list[list[str]]:
    """The `<!-- layers:NAME -->` block of docs/architecture.md: one line per layer, lowest first."""
    text = (root / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(rf"<!-- layers:{name} -->\n```\n(.*?)```", text, re.S)
    assert block, f"docs/architecture.md has no `<!-- layers:{name} -->` block"
    rows = []
    for line in block.group(1).splitlines():
        names = line.split("#")[0].strip()
        if names:
            rows.append([n.strip().rstrip("/") for n in names.split(",")])
    return rows


def rank_of(rows: list[list[str]]) -> dict[str, int]:
    return {unit: i for i, row in enumerate(rows) for unit in row}


def unit(module: str) -> tuple[str, str]:
    """(wing, unit) of a dotted module: ("modelcard", "card") for modelcard.card.sections.x; training's
    own packages are units of the "training" wing, and training as a whole is one unit of modelcard's."""
    parts = module.split(".")
    wing = parts[0]
    return wing, (parts[1] if len(parts) > 1 else wing)


def module_name(path: Path, root: Path = ROOT) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def imports(path: Path, root: Path = ROOT):
    """(line, target module, imported names) of every import in the file that lands in modelcard or training."""
    module, is_package = module_name(path, root)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("modelcard", "training"):
                    yield node.lineno, alias.name, []
            continue
        else:
            continue
        if target.split(".")[0] in ("modelcard", "training"):
            # `from pkg import module` lands in that module
            yield node.lineno, target, names


def sources(root: Path = ROOT):
    for wing in ("modelcard", "training"):
        for path in sorted((root / wing).rglob("*.py")):
            yield path


def violations(root: Path = ROOT) -> list[str]:
    card_side, training_side = rank_of(layers("modelcard", root)), rank_of(layers("training", root))
    found = []
    for path in sources(root):
        module, _ = module_name(path, root)
        wing, here = unit(module)
        for line, target, names in imports(path, root):
            their_wing, there = unit(target)
            where = f"{path.relative_to(root)}:{line}"
            if (wing, here) != (their_wing, there):
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                if private:
                    found.append(f"{where} imports private {', '.join(private)} from {target}")
            if wing == their_wing == "training":
                ranks, a, b = training_side, here, there
            else:  # across the wings training counts as one unit of modelcard's list
                ranks = card_side
                a = "training" if wing == "training" else here
                b = "training" if their_wing == "training" else there
            if a == b:
                continue
            for name in (a, b):
                if name not in ranks:
                    found.append(f"{where}: `{name}` is in no layer of docs/architecture.md")
            if a in ranks and b in ranks and ranks[b] >= ranks[a]:
                found.append(f"{where}: {a} imports {target} ({b} is {'on the same line' if ranks[a] == ranks[b] else 'above'})")
    return sorted(set(found))


def test_every_package_imports_only_from_lower_layers():
    assert violations() == []


def test_every_package_is_in_a_layer():
    card_side, training_side = rank_of(layers("modelcard")), rank_of(layers("training"))
    units = {unit(module_name(p)[0]) for p in sources()}
    missing = sorted(f"{wing}/{u}" for wing, u in units
                     if u != wing and u not in (card_side if wing == "modelcard" else training_side))
    assert missing == []


@pytest.mark.parametrize("source,expected", [
    ("from modelcard.render.build import build_cards\n", "card imports modelcard.render.build (render is above)"),
    ("from ...check.gates import evaluate_policy\n", "card imports modelcard.check.gates (check is above)"),
    ("from ...compare.members import _find_record\n", "imports private _find_record"),
])
def test_an_upward_or_private_import_fails(tmp_path, source, expected):
    """The check is live: an upward import and a private name, planted in a copy of the tree, are named."""
    for name in ("modelcard", "training", "docs"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.png"))
    (tmp_path / "modelcard" / "card" / "sections" / "planted.py").write_text(source, encoding="utf-8")
    found = violations(tmp_path)
    assert any("planted.py" in v and expected in v for v in found), found
