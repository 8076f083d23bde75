"""Only here because pyproject.toml cannot add a mapped package to the discovered ones:
`templates/` is shipped inside the wheel as `modelcard._templates` (see pyproject.toml)."""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["modelcard", "modelcard.*", "training", "training.*"]) + ["modelcard._templates"])
