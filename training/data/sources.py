"""Resolve `--data` and `--eval-set` values into loaded, checked `Dataset`s.

`--data` is `demo` (Tux Paint photo stamps from Debian), `tfds:NAME` (tf_flowers,
stanford_dogs, cifar10; needs internet) or a folder path. `--eval-set NAME=DIR` adds a folder
with the same classes, loaded whole as one evaluation split.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from modelcard.errors import UserError

from .assemble import SourceInfo, SplitPlan, build_dataset
from .dataset import Dataset
from .demo import load_demo
from .folder import check_folder, class_difference, load_folder
from .scan import candidates_in_class_folders, inspect_all
from .tfds_source import load_tfds

DEFAULT_FRACTIONS = {"train": 0.7, "val": 0.15, "test": 0.15}
DEFAULT_SEED = 0
EVAL_SPLIT = "eval"


@dataclass(frozen=True)
class DataSpec:
    """A parsed `--data` value: kind is "demo", "tfds" or "folder"; value the name or path."""

    kind: str
    value: str


def parse_data_spec(spec: str) -> DataSpec:
    """Parse `--data`; an empty value is a UserError."""
    spec = spec.strip()
    if not spec:
        raise UserError("--data is empty; pass demo, tfds:NAME or a folder with one subfolder of images per class")
    if spec == "demo":
        return DataSpec("demo", "demo")
    if spec.startswith("tfds:"):
        return DataSpec("tfds", spec[len("tfds:") :])
    return DataSpec("folder", spec)


def default_cache_dir() -> Path:
    """Where downloads and converted images are kept: $XDG_CACHE_HOME/modelcard (or ~/.cache)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "modelcard"


def resolve_source(
    spec: str,
    fractions: dict[str, float] | None = None,
    seed: int = DEFAULT_SEED,
    cache_dir: Path | None = None,
    progress: bool = True,
    near_duplicates: str = "group",
) -> Dataset:
    """Load `--data` as a split, checked `Dataset` (fractions default to 70/15/15).

    `near_duplicates` (`assemble.NEAR_MODES`): group confirmed near duplicates in one split
    (default), only report them, or skip the near-duplicate search (exact copies are always grouped).
    """
    parsed = parse_data_spec(spec)
    fractions = dict(DEFAULT_FRACTIONS if fractions is None else fractions)
    if parsed.kind == "demo":
        return load_demo(fractions, seed, progress, near_duplicates)
    if parsed.kind == "tfds":
        return load_tfds(parsed.value, fractions, seed, cache_dir or default_cache_dir(), progress, near_duplicates)
    return load_folder(Path(parsed.value), fractions, seed, progress, near_duplicates=near_duplicates)


def parse_eval_set_option(value: str) -> tuple[str, Path]:
    """Parse `--eval-set NAME=DIR`."""
    name, sep, directory = value.partition("=")
    name, directory = name.strip(), directory.strip()
    if not sep or not name or not directory:
        raise UserError(f"--eval-set {value!r} is not NAME=DIR; e.g. --eval-set shifted=path/to/folder")
    if name in {"train", "val", "test"}:
        raise UserError(f"--eval-set name '{name}' is taken by a split; choose another name, e.g. {name}-extra")
    return name, Path(directory)


def load_eval_set(name: str, directory: Path | str, class_names: list[str], progress: bool = True) -> Dataset:
    """A labelled folder with exactly the training classes, loaded whole as split "eval"."""
    root = check_folder(Path(directory))
    candidates, classes, ignored = candidates_in_class_folders(root)
    if classes != sorted(class_names):
        detail = class_difference(sorted(class_names), classes)
        raise UserError(f"eval set '{name}' ({root}) classes differ from the training classes ({detail}); give it the same class subfolders")
    plan = SplitPlan((EVAL_SPLIT,), predefined={c.relpath: EVAL_SPLIT for c in candidates})
    info = SourceInfo(source=f"eval-set:{name}", description=None, license=None, root=root)
    return build_dataset(inspect_all(candidates, progress, desc=f"checking {name}"), list(class_names), info, plan, ignored)
