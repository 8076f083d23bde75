"""Only here because pyproject.toml cannot add a mapped package to the discovered ones:
`templates/` is shipped inside the wheel as `modelcard._templates` (see pyproject.toml), with
each of its folders as a data-only subpackage."""

from pathlib import Path

from setuptools import find_packages, setup

TEMPLATES = Path(__file__).resolve().parent / "templates"
template_packages = ["modelcard._templates"] + sorted(
    "modelcard._templates." + ".".join(d.relative_to(TEMPLATES).parts)
    for d in TEMPLATES.rglob("*") if d.is_dir() and not d.name.startswith((".", "__")))

setup(packages=find_packages(include=["modelcard", "modelcard.*", "training", "training.*"]) + template_packages)
