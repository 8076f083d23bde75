"""The `>>>` examples in `modelcard.analysis` run, and every public function other code uses has one.

"Used" means named in `__all__` of the package (its lazily loaded public names) or imported from
`modelcard.analysis` by code outside it: the rest of `modelcard/`, `training/` and `bench/`. A module
imported whole (`from modelcard.analysis import label_issues as li`) counts the attributes read from it
(`li.measure`). A new public function used outside the package without an example fails here.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import modelcard.analysis as analysis

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "modelcard.analysis"
CALLERS = ("modelcard", "training", "bench")
MODULES = sorted(info.name for info in pkgutil.iter_modules(analysis.__path__))


def _absolute(node: ast.ImportFrom, path: Path) -> str:
    """The absolute module an `ImportFrom` names, resolving relative imports from `path`."""
    if not node.level:
        return node.module or ""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    base = parts[:len(parts) - node.level]
    return ".".join(base + ([node.module] if node.module else []))


def _used_in(path: Path) -> set[tuple[str, str]]:
    """(module, name) pairs of `modelcard.analysis` that one file imports, or reads from an imported module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used, aliases = set(), {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        module = _absolute(node, path)
        if module != PACKAGE and not module.startswith(PACKAGE + "."):
            continue
        for alias in node.names:
            if module == PACKAGE and alias.name in MODULES:
                aliases[alias.asname or alias.name] = alias.name
            elif module == PACKAGE:
                used.add((analysis._WHERE.get(alias.name, ""), alias.name))
            else:
                used.add((module.removeprefix(PACKAGE + "."), alias.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            used.add((aliases[node.value.id], node.attr))
    return used


def _used_functions() -> dict[str, object]:
    """`module.name` -> function, for every public function of the package used outside it."""
    pairs = {(module, name) for name, module in analysis._WHERE.items()}
    for caller in CALLERS:
        for path in sorted((ROOT / caller).rglob("*.py")):
            if (ROOT / "modelcard" / "analysis") not in path.parents:
                pairs |= _used_in(path)
    found = {}
    for module, name in sorted(pairs):
        value = getattr(importlib.import_module(f"{PACKAGE}.{module}"), name, None)
        if inspect.isfunction(value) and not name.startswith("_"):
            found[f"{module}.{name}"] = value
    return found


@pytest.mark.parametrize("module", MODULES)
def test_examples_run(module):
    result = doctest.testmod(importlib.import_module(f"{PACKAGE}.{module}"), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_used_public_function_has_an_example():
    used = _used_functions()
    assert len(used) > 30  # the scan found the callers (a broken scan must not pass by finding none)
    finder = doctest.DocTestFinder(recurse=False)
    missing = [name for name, function in used.items()
               if not any(test.examples for test in finder.find(function, name))]
    assert missing == []
