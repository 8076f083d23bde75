"""Image folders in the Keras `image_dataset_from_directory` layout: `ROOT/<class>/<image>`.

If ROOT holds `train/`, `val/` (or `validation/`) and `test/`, each with the same class
subfolders, that split is used as given; otherwise the files are split stratified and seeded.
"""

from __future__ import annotations

from pathlib import Path

from modelcard.errors import UserError
from modelcard.record.model import IgnoredFiles

from .assemble import SourceInfo, SplitPlan, build_dataset
from .dataset import Dataset
from .scan import Candidate, candidates_in_class_folders, class_folders, inspect_all, root_files
from .split import SPLITS, validate_fractions

_SPLIT_FOLDERS = {"train": ("train",), "val": ("val", "validation"), "test": ("test",)}


def check_folder(root: Path) -> Path:
    """The resolved folder, or a UserError saying what is wrong with it."""
    root = Path(root).expanduser()
    if not root.exists():
        raise UserError(f"data folder {root} does not exist; pass --data demo, tfds:NAME or a folder with one subfolder per class")
    if not root.is_dir():
        raise UserError(f"--data {root} is a file, not a folder; pass a folder with one subfolder of images per class")
    if not class_folders(root):
        what = "is empty" if not any(root.iterdir()) else "has no class subfolders"
        raise UserError(f"data folder {root} {what}; put images in one subfolder per class ({root}/<class>/<image>.jpg)")
    return root.resolve()


def class_difference(expected: list[str], found: list[str]) -> str:
    """'missing a, b; unknown c': how the class set `found` differs from `expected`."""
    missing = sorted(set(expected) - set(found))
    unknown = sorted(set(found) - set(expected))
    parts = [f"missing {', '.join(missing)}" if missing else "", f"unknown {', '.join(unknown)}" if unknown else ""]
    return "; ".join(p for p in parts if p)


def predefined_split_folders(root: Path, required: tuple[str, ...] = SPLITS) -> dict[str, Path] | None:
    """{split: folder} when ROOT uses train/val/test folders, None when it has none of them.

    Every split in `required` must be there (`train` needs all three; `evaluate` only `test`);
    the split folders present are returned.
    """
    present = {p.name for p in class_folders(root)}
    found = {split: next((root / n for n in names if n in present), None) for split, names in _SPLIT_FOLDERS.items()}
    if all(folder is None for folder in found.values()):
        return None
    missing = [f"{split}/" for split in required if found[split] is None]
    if missing:
        needed = "all of train/, val/ and test/" if set(required) == set(SPLITS) else " and ".join(f"{s}/" for s in required)
        raise UserError(
            f"data folder {root} has some split folders but not {', '.join(missing)}; provide {needed} "
            "or no split folders (modelcard then splits the class folders itself)"
        )
    return {split: folder for split, folder in found.items() if folder is not None}


def _predefined_candidates(root: Path, folders: dict[str, Path]) -> tuple[list[Candidate], list[str], IgnoredFiles,
                                                                          dict[str, str]]:
    per_split = {split: candidates_in_class_folders(folder, base=root) for split, folder in folders.items()}
    class_sets = {split: classes for split, (_, classes, _) in per_split.items()}
    first = next(iter(class_sets))  # train when present
    train_classes = class_sets[first]
    for split, classes in class_sets.items():
        if classes != train_classes:
            detail = class_difference(train_classes, classes)
            raise UserError(f"{folders[split]} has different classes from {folders[first]} ({detail}); every split folder needs the same class subfolders")
    candidates = [c for cands, _, _ in per_split.values() for c in cands]
    ignored = IgnoredFiles.of(root_files(root))
    for _, _, left_out in per_split.values():
        ignored = ignored.plus(left_out)
    assignment = {c.relpath: split for split, (cands, _, _) in per_split.items() for c in cands}
    return candidates, train_classes, ignored, assignment


def load_folder(
    root: Path | str,
    fractions: dict[str, float],
    seed: int,
    progress: bool = True,
    info: SourceInfo | None = None,
    near_duplicates: str = "group",
    required_splits: tuple[str, ...] = SPLITS,
) -> Dataset:
    """Scan, check and split an image folder (see the module docstring for the layout).

    With split folders, those in `required_splits` must exist and the dataset has the ones present.
    """
    root = check_folder(Path(root))
    info = info or SourceInfo(source=str(root), description=None, license=None, root=root)
    folders = predefined_split_folders(root, required_splits)
    if folders is not None:
        candidates, classes, ignored, assignment = _predefined_candidates(root, folders)
        plan = SplitPlan(tuple(folders), predefined=assignment, near_duplicates=near_duplicates)
    else:
        candidates, classes, ignored = candidates_in_class_folders(root)
        plan = SplitPlan(SPLITS, fractions=validate_fractions(fractions), seed=seed, near_duplicates=near_duplicates)
    return build_dataset(inspect_all(candidates, progress), classes, info, plan, ignored)
