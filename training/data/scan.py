"""Find candidate image files and inspect each one: hash, full decode, perceptual hash, thumbnail.

Why a full decode here: a file that only fails halfway through training is far more costly than
one skipped (and listed with its reason) up front. Each file is read once; the bytes give the
sha256 and, decoded from memory, the pHash. Pillow releases the GIL while decoding, so a thread
pool uses every core. Memory stays flat in the number of files: a decoded image lives only inside
`inspect`, and `bounded_map` keeps at most a window of files in flight; what is kept per image is
its hashes, its size and a 3 KB thumbnail (the near-duplicate confirmation reads it).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from modelcard.record.model import IgnoredFiles

from .images import decode_bytes, failure_reason, is_image_name, tf_decodes_identically, to_rgb
from .phash import phash_variants
from .similarity import thumbnail
from .stream import bounded_map, default_workers


@dataclass(frozen=True)
class Candidate:
    """A file that claims to be an image of class `class_name`; `relpath` is POSIX, from the root."""

    class_name: str
    path: Path
    relpath: str


@dataclass(frozen=True)
class Inspected:
    """What one read of a candidate learned; `reason` is set (and the rest empty) when it failed."""

    candidate: Candidate
    sha256: str = ""
    phashes: tuple[int, int, int] | None = None
    tf_ready: bool = False
    reason: str | None = None
    thumb: np.ndarray | None = field(default=None, compare=False, repr=False)  # similarity.thumbnail
    size_bytes: int = 0  # the file's size, read with its bytes, e.g. 48213


def _visible(name: str) -> bool:
    return not name.startswith(".")


def walk_files(folder: Path) -> list[Path]:
    """Every non-hidden file below `folder`, recursively, in sorted (deterministic) order."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if _visible(d))
        found.extend(Path(dirpath) / f for f in sorted(filenames) if _visible(f))
    return sorted(found)


def class_folders(root: Path) -> list[Path]:
    """The visible subfolders of `root`, sorted: one per class."""
    return sorted(p for p in root.iterdir() if p.is_dir() and _visible(p.name))


def left_out_kind(path: Path) -> str | None:
    """Why a file in a class folder is left out (an `IgnoredFiles` kind), or None for an image name:
    "svg_drawing" for an SVG (vector, never decoded), "not_image" for any other non-image name."""
    if path.suffix.lower() == ".svg":
        return "svg_drawing"
    return None if is_image_name(path) else "not_image"


def root_files(root: Path) -> list[str]:
    """One "root_file" per visible file lying directly in `root`, in no class folder."""
    return ["root_file" for p in root.iterdir() if p.is_file() and _visible(p.name)]


def candidates_in_class_folders(root: Path, base: Path | None = None) -> tuple[list[Candidate], list[str], IgnoredFiles]:
    """Candidates of a `root/<class>/...` tree, its class names, and the files left out, by kind.

    Files that are not images by extension (`left_out_kind`) and files lying directly in `root`
    are left out, only counted. `base` is the folder relative paths start from (default `root`).
    """
    base = base or root
    folders = class_folders(root)
    kinds = root_files(root)
    candidates: list[Candidate] = []
    for folder in folders:
        for path in walk_files(folder):
            kind = left_out_kind(path)
            if kind is None:
                candidates.append(Candidate(folder.name, path, path.relative_to(base).as_posix()))
            else:
                kinds.append(kind)
    return candidates, [f.name for f in folders], IgnoredFiles.of(kinds)


def inspect(candidate: Candidate) -> Inspected:
    """Hash and fully decode one file; any failure becomes a reason, never an exception."""
    try:
        data = candidate.path.read_bytes()
        img = decode_bytes(data)
        tf_ready = tf_decodes_identically(img)
        rgb = to_rgb(img)
        phashes = phash_variants(rgb)
        thumb = thumbnail(rgb)
    except Exception as exc:  # noqa: BLE001 - a bad file must be listed, not crash the run
        return Inspected(candidate, reason=failure_reason(exc))
    return Inspected(candidate, hashlib.sha256(data).hexdigest(), phashes, tf_ready, thumb=thumb, size_bytes=len(data))


def inspect_all(candidates: list[Candidate], progress: bool = True, desc: str = "checking images") -> list[Inspected]:
    """Inspect every candidate (threaded, order preserved, a bounded window in flight); progress bar
    on stderr if a TTY."""
    results = bounded_map(inspect, candidates, default_workers())
    return list(tqdm(results, total=len(candidates), desc=desc, unit="img", disable=None if progress else True))
