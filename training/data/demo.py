"""`--data demo`: real photo cut-outs from the Debian package `tuxpaint-stamps-default` (GPL-2+).

Why this data: it installs offline from the distribution's archive, and it is real photos, so a
demo run measures something. Class set (8 classes, about 230 images, package 2022.06.04-1):

| class      | folder (recursive)  | images |
| ---------- | ------------------- | ------ |
| birds      | animals/birds       | 35     |
| flowers    | plants/flowers      | 24     |
| fruit      | food/fruit          | 26     |
| household  | household           | 31     |
| mammals    | animals/mammals     | 64     |
| space      | space               | 16     |
| vegetables | food/vegetables     | 18     |
| vehicles   | vehicles            | 17     |

How it was chosen: folders of mostly photographs with at least 15 raster images once the rules
below are applied. Rules: PNG/JPG only (SVGs are drawings); drop the `_mirror`/`_flip`
variants (copies of another stamp); skip `cartoon/` subfolders (drawings) and `toys/` and
`plastic/` (a teddy bear is not a mammal, a plastic flower is not a flower). Left out: `symbols`
(letters and signs), `seasonal` and `clothes` (mostly drawings), `town` (mostly cartoons and
road signs), insects (9 photos) and fish (11). See docs/demo-data.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from modelcard.errors import UserError
from modelcard.record.model import IgnoredFiles

from .assemble import SourceInfo, SplitPlan, build_dataset
from .dataset import Dataset
from .scan import Candidate, inspect_all, left_out_kind, walk_files
from .split import SPLITS, validate_fractions

PACKAGE = "tuxpaint-stamps-default"
STAMPS_ROOT = Path("/usr/share/tuxpaint/stamps")
INSTALL_HINT = f"demo data needs the Debian package {PACKAGE}: run `sudo apt-get install {PACKAGE}`"

#: class name -> folder under the stamps root.
DEMO_CLASSES: dict[str, str] = {
    "birds": "animals/birds",
    "flowers": "plants/flowers",
    "fruit": "food/fruit",
    "household": "household",
    "mammals": "animals/mammals",
    "space": "space",
    "vegetables": "food/vegetables",
    "vehicles": "vehicles",
}
EXCLUDED_SUBFOLDERS = frozenset({"cartoon", "toys", "plastic"})
RASTER_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg"})
_VARIANT = re.compile(r"_(mirror|flip)$")


def package_version() -> str | None:
    """The installed package version from dpkg, or None where dpkg is unavailable."""
    if shutil.which("dpkg-query") is None:
        return None
    done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE], capture_output=True, text=True, check=False)
    version = done.stdout.strip() if done.returncode == 0 else ""
    return version or None


def stamps_root() -> Path:
    """Where the stamps live; a UserError with the install command if the package is missing."""
    if STAMPS_ROOT.is_dir():
        return STAMPS_ROOT
    if shutil.which("dpkg") is not None:
        done = subprocess.run(["dpkg", "-L", PACKAGE], capture_output=True, text=True, check=False)
        for line in done.stdout.splitlines():
            if line.rstrip("/").endswith("/tuxpaint/stamps") and Path(line).is_dir():
                return Path(line)
    raise UserError(INSTALL_HINT)


def demo_left_out_kind(path: Path, class_folder: Path) -> str | None:
    """Why a file of a demo class folder is left out (an `IgnoredFiles` kind; the first rule that
    applies), or None for a raster photo stamp: not an image, an SVG drawing, not PNG/JPEG, a
    mirror/flip variant, or under an excluded subfolder."""
    kind = left_out_kind(path)
    if kind is not None:
        return kind
    if path.suffix.lower() not in RASTER_EXTENSIONS:
        return "other_format"
    if _VARIANT.search(path.stem):
        return "variant_copy"
    if EXCLUDED_SUBFOLDERS.intersection(path.relative_to(class_folder).parts[:-1]):
        return "excluded_subfolder"
    return None


def is_demo_image(path: Path, class_folder: Path) -> bool:
    """A raster photo stamp: not a mirror/flip variant, not under an excluded subfolder."""
    return demo_left_out_kind(path, class_folder) is None


def demo_candidates(root: Path) -> tuple[list[Candidate], IgnoredFiles]:
    """The demo class files (sorted) and the other files of those folders, counted by why they were left out."""
    candidates: list[Candidate] = []
    kinds: list[str] = []
    for name, folder in sorted(DEMO_CLASSES.items()):
        class_folder = root / folder
        if not class_folder.is_dir():
            raise UserError(f"{class_folder} is missing, so {PACKAGE} looks incomplete; reinstall it: `sudo apt-get install --reinstall {PACKAGE}`")
        for path in walk_files(class_folder):
            kind = demo_left_out_kind(path, class_folder)
            if kind is None:
                candidates.append(Candidate(name, path, path.relative_to(root).as_posix()))
            else:
                kinds.append(kind)
    return candidates, IgnoredFiles.of(kinds, excluded_subfolders=EXCLUDED_SUBFOLDERS)


def load_demo(fractions: dict[str, float], seed: int, progress: bool = True, near_duplicates: str = "group") -> Dataset:
    """The demo dataset, split stratified and seeded like any folder."""
    root = stamps_root()
    candidates, ignored = demo_candidates(root)
    version = package_version()
    package = f"Debian package {PACKAGE}" + (f" {version}" if version else "")
    info = SourceInfo(
        source="demo",
        description=f"Tux Paint stamps: mostly photographs cut out onto transparent backgrounds (composited onto "
        f"white), with some drawings, "
        f"{len(DEMO_CLASSES)} classes, from the {package}",
        license=f"GPL-2.0-or-later ({package})",
        root=root,
    )
    plan = SplitPlan(SPLITS, fractions=validate_fractions(fractions), seed=seed, near_duplicates=near_duplicates)
    return build_dataset(inspect_all(candidates, progress), sorted(DEMO_CLASSES), info, plan, ignored)
