"""A labelled folder of real pictures at any scale, assembled offline from Debian packages.

The pictures are clip art and icons drawn by people, as their packages ship them: the
categorised clip art of `openclipart-png`, and the PNG icons of five icon themes, each icon as
its designers drew it at several sizes (32 to 256 px; small sizes are hinted by hand, not
scaled). No picture is augmented, rasterised or resized here. Classes:

- `clipart-<category>[-<subcategory>]`: the openclipart folder, two levels at most
  (`food/fruit` gives `clipart-food-fruit`); `unsorted` is left out;
- `icon-<context>-<family>`: the freedesktop context folder of an icon (`actions`, `places`,
  `mimetypes`, ...) and the first word of its name (`folder-music` is family `folder`), pooled
  over the themes, so a class holds the same kind of icon in several styles and sizes.

The `.deb` files are fetched once with `apt-get download` (no root needed) and unpacked with
`dpkg-deb -x` under the cache folder (`$MODELCARD_BENCH_CACHE`, default
`~/.cache/modelcard/bench`); nothing is installed and nothing goes into the repository.
Symbolic links (icon aliases) and byte-identical files are skipped. `assemble` picks the largest
classes, caps them so that the total is the number of images asked for, and hard-links the
chosen files into `<out>/<class>/`; `subset` takes a stratified, nested subset of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CACHE = Path(os.environ.get("MODELCARD_BENCH_CACHE", "~/.cache/modelcard/bench")).expanduser()
CLIPART = "openclipart-png"
ICON_THEMES = ("oxygen-icon-theme", "moka-icon-theme", "faenza-icon-theme", "gnome-icon-theme", "tango-icon-theme",
               "papirus-icon-theme")
SVG_THEMES = frozenset({"papirus-icon-theme"})  # drawn as SVG per size; rasterised at that size by rsvg-convert
RASTERISER = "librsvg2-bin"  # rsvg-convert, unpacked beside the pictures when not installed (needs librsvg2-2)
PACKAGES = (CLIPART, *ICON_THEMES)
CONTEXTS = frozenset({"actions", "animations", "apps", "categories", "devices", "emblems", "emotes", "mimetypes",
                      "places", "status"})
SIZE_DIR = re.compile(r"^(\d+)(?:x(\d+))?(@2x)?$")  # 48x48, 32x32@2x, or 48 (Faenza)
MIN_ICON_PX = 32  # icons drawn smaller than this are left out (a 16 px icon upscaled to 160 px is a blur)
SKIP_CLIPART = frozenset({"unsorted"})
MAX_SIDE_PX = 4096  # larger clip art is left out (one openclipart PNG is 231 Mpx, beyond PIL's bomb limit)


class SourceMissing(RuntimeError):
    """A source package is neither cached nor downloadable (offline without a cache)."""


@dataclass(frozen=True)
class Picture:
    path: Path  # the unpacked file (PNG, or SVG for SVG_THEMES)
    source: str  # Debian package
    label: str  # class name
    px: int  # drawn size for icons (from the folder name), 0 for clip art
    name: str  # unique file name in the assembled folder


def fetch(packages: tuple[str, ...] = PACKAGES, cache: Path = CACHE, download: bool = True) -> dict[str, str]:
    """Download (once) and unpack (once) each package under `cache`; returns {package: version}."""
    debs, root = cache / "debs", cache / "root"
    debs.mkdir(parents=True, exist_ok=True)
    versions = {}
    for package in packages:
        found = sorted(debs.glob(f"{package}_*.deb"))
        if not found:
            if not download:
                raise SourceMissing(f"{package}: no .deb in {debs} (run bench/e2e_scale.py once with network access)")
            done = subprocess.run(["apt-get", "download", package], cwd=debs, capture_output=True, text=True)
            found = sorted(debs.glob(f"{package}_*.deb"))
            if done.returncode != 0 or not found:
                raise SourceMissing(f"{package}: apt-get download failed: {done.stderr.strip()[-500:]}")
        deb = found[-1]
        versions[package] = urllib.parse.unquote(deb.name.split("_")[1])
        target, marker = root / package, root / f"{package}.unpacked"
        if not marker.exists() or marker.read_text() != deb.name:
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
            marker.write_text(deb.name)
    return versions


def _longest_side(path: Path) -> int:
    from PIL import Image

    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path) as im:  # reads the header only
            return max(im.size)
    except OSError:
        return 1 << 30  # unreadable: left out
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _family(stem: str) -> str:
    return re.split(r"[-_.]", stem.lower(), maxsplit=1)[0]


def inventory(cache: Path = CACHE, packages: tuple[str, ...] = PACKAGES) -> list[Picture]:
    """Every usable picture of the unpacked packages, with its class; sorted by path."""
    pictures = []
    for package in packages:
        top = cache / "root" / package
        pattern = "*.svg" if package in SVG_THEMES else "*.png"
        for path in sorted(top.rglob(pattern)):
            if path.is_symlink() or not path.is_file():
                continue
            rel = path.relative_to(top).parts
            name = package.split("-")[0] + "__" + "__".join(rel[3:-1] + (path.stem + ".png",))
            if package == CLIPART:
                parts = rel[rel.index("png") + 1:-1] if "png" in rel else ()
                if not parts or parts[0] in SKIP_CLIPART or _longest_side(path) > MAX_SIDE_PX:
                    continue
                pictures.append(Picture(path, package, "clipart-" + "-".join(parts[:2]).replace("_", "-"), 0, name))
                continue
            if "icons" not in rel:
                continue
            sizes = [m for m in map(SIZE_DIR.match, rel) if m]
            contexts = [p for p in rel if p in CONTEXTS]
            if len(sizes) != 1 or len(contexts) != 1:
                continue
            px = int(sizes[0].group(1)) * (2 if sizes[0].group(3) else 1)
            if px < MIN_ICON_PX:
                continue
            pictures.append(Picture(path, package, f"icon-{contexts[0]}-{_family(path.stem)}", px, name))
    return pictures


def _unique(pictures: list[Picture]) -> list[Picture]:
    """Drop byte-identical copies (the first in path order is kept)."""
    seen, kept = set(), []
    for p in pictures:
        digest = hashlib.sha1(p.path.read_bytes()).digest()
        if digest not in seen:
            seen.add(digest)
            kept.append(p)
    return kept


def choose(pictures: list[Picture], n_images: int, n_classes: int, seed: int = 0,
           min_per_class: int = 20) -> dict[str, list[Picture]]:
    """The `n_classes` largest classes, capped so that about `n_images` are taken in all.

    The cap is water-filled: the largest c with sum(min(n_k, c)) <= n_images, then one more
    picture for the largest classes until the total is reached. Within a class the pictures
    are taken in a seeded random order (mixing sources and sizes); the rest of that order is kept
    for `subset`.
    """
    by_class: dict[str, list[Picture]] = defaultdict(list)
    for p in pictures:
        by_class[p.label].append(p)
    ranked = sorted((c for c in by_class if len(by_class[c]) >= min_per_class), key=lambda c: (-len(by_class[c]), c))
    chosen = ranked[:n_classes]
    counts = {c: len(by_class[c]) for c in chosen}
    cap = 0
    while cap < max(counts.values(), default=0) and sum(min(n, cap + 1) for n in counts.values()) <= n_images:
        cap += 1
    take = {c: min(n, cap) for c, n in counts.items()}
    for c in chosen:  # largest first
        if sum(take.values()) >= n_images:
            break
        if counts[c] > take[c]:
            take[c] += 1
    rng = np.random.default_rng(seed)
    out = {}
    for c in sorted(chosen):
        members = sorted(by_class[c], key=lambda p: str(p.path))
        order = rng.permutation(len(members))
        out[c] = [members[i] for i in order[:take[c]]]
    return out


def stratified(classes: dict[str, list[Picture]], n_images: int, floor: int = 7) -> dict[str, list[Picture]]:
    """A nested stratified subset: each class keeps its first `floor` pictures (7: enough for a
    70/15/15 split and 5 cross-validation folds), the rest is shared in proportion to class size
    (largest remainder)."""
    floor = min(floor, n_images // max(1, len(classes)))
    base = {c: min(floor, len(v)) for c, v in classes.items()}
    spare = {c: len(v) - base[c] for c, v in classes.items()}
    left, pool = max(0, n_images - sum(base.values())), sum(spare.values())
    exact = {c: spare[c] * left / pool if pool else 0.0 for c in classes}
    take = {c: base[c] + int(exact[c]) for c in classes}
    for c in sorted(exact, key=lambda c: (-(exact[c] - int(exact[c])), c)):
        if sum(take.values()) >= min(n_images, sum(map(len, classes.values()))):
            break
        if take[c] < len(classes[c]):
            take[c] += 1
    return {c: v[:take[c]] for c, v in classes.items()}


def rasteriser(cache: Path = CACHE, download: bool = True) -> str:
    """The rsvg-convert to use: the installed one, else the one unpacked from librsvg2-bin."""
    installed = shutil.which("rsvg-convert")
    if installed:
        return installed
    fetch((RASTERISER,), cache, download)
    return str(cache / "root" / RASTERISER / "usr" / "bin" / "rsvg-convert")


def _png(p: Picture, cache: Path, rsvg: str | None) -> Path:
    """The PNG of a picture: the file itself, or its SVG rasterised once at its drawn size."""
    if p.path.suffix != ".svg":
        return p.path
    target = cache / "raster" / p.source / p.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part.png")
        subprocess.run([rsvg, "-w", str(p.px), "-h", str(p.px), "-o", str(partial), str(p.path)], check=True,
                       capture_output=True)
        partial.replace(target)
    return target


def write_folder(classes: dict[str, list[Picture]], out: Path, spec: dict, cache: Path = CACHE,
                 rsvg: str | None = None) -> Path:
    """Hard-link (or copy) the pictures into `out/<class>/` (SVGs rasterised first, 2 at a time),
    with `<out>.manifest.csv` beside; reused when `<out>.spec.json` holds the same spec."""
    from concurrent.futures import ThreadPoolExecutor

    spec_file = out.parent / f"{out.name}.spec.json"
    if spec_file.exists() and json.loads(spec_file.read_text()) == spec and out.is_dir():
        return out
    shutil.rmtree(out, ignore_errors=True)
    members = [(label, p) for label, ps in classes.items() for p in ps]
    with ThreadPoolExecutor(max_workers=2) as pool:
        files = list(pool.map(lambda lp: _png(lp[1], cache, rsvg), members))
    rows = ["path,class,source,drawn_px"]
    for label in classes:
        (out / label).mkdir(parents=True)
    for (label, p), src in zip(members, files):
        target = out / label / p.name
        try:
            os.link(src, target)
        except OSError:
            shutil.copyfile(src, target)
        rows.append(f"{label}/{p.name},{label},{p.source},{p.px}")
    (out.parent / f"{out.name}.manifest.csv").write_text("\n".join(rows) + "\n")
    spec_file.write_text(json.dumps(spec, sort_keys=True))
    return out


def stats(classes: dict[str, list[Picture]]) -> dict:
    """Counts for the docs: images, classes, per-class spread, per source, drawn sizes, bytes, pixels."""
    from PIL import Image

    sizes = [len(v) for v in classes.values()]
    members = [p for v in classes.values() for p in v]
    longest = []
    for p in members:
        if p.px and p.path.suffix == ".svg":
            longest.append(p.px)
            continue
        with Image.open(p.path) as im:
            longest.append(max(im.size))
    return {
        "images": len(members), "classes": len(classes),
        "per_class": {"min": min(sizes), "median": statistics.median(sizes), "max": max(sizes)},
        "clipart_classes": sum(c.startswith("clipart-") for c in classes),
        "by_source": dict(sorted(Counter(p.source for p in members).items())),
        "svg_rasterised": sum(p.path.suffix == ".svg" for p in members),
        "icon_px": dict(sorted(Counter(p.px for p in members if p.px).items())),
        "longest_side_px": {"min": min(longest), "median": statistics.median(longest), "max": max(longest)},
        "megabytes": round(sum(p.path.stat().st_size for p in members) / 2**20, 1),
    }


def assemble(out_dir: Path, n_images: int, n_classes: int, n_subset: int, seed: int = 0,
             download: bool = True, packages: tuple[str, ...] = PACKAGES, min_per_class: int = 20,
             cache: Path = CACHE) -> tuple[Path, Path, dict]:
    """Write `<out_dir>/full` (about n_images in n_classes) and `<out_dir>/subset` (n_subset,
    stratified, nested); returns both folders and {"versions", "full", "subset", "pool"} stats."""
    versions = fetch(packages, cache, download)
    pool = _unique(inventory(cache, packages))
    full = choose(pool, n_images, n_classes, seed, min_per_class)
    sub = stratified(full, n_subset)
    chosen = hashlib.sha1("\n".join(p.name for v in full.values() for p in v).encode()).hexdigest()
    spec = {"versions": versions, "n_images": n_images, "n_classes": n_classes, "seed": seed,
            "min_per_class": min_per_class, "min_icon_px": MIN_ICON_PX, "max_side_px": MAX_SIDE_PX, "files": chosen}
    rsvg = rasteriser(cache, download) if any(p.path.suffix == ".svg" for v in full.values() for p in v) else None
    full_dir = write_folder(full, out_dir / "full", spec, cache, rsvg)
    sub_dir = write_folder(sub, out_dir / "subset", {**spec, "subset": n_subset}, cache, rsvg)
    pool_classes = Counter(p.label for p in pool)
    info = {"versions": versions, "full": stats(full), "subset": stats(sub),
            "pool": {"images": len(pool), "classes": len(pool_classes),
                     "classes_with_min": sum(n >= min_per_class for n in pool_classes.values())}}
    return full_dir, sub_dir, info
