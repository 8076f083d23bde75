"""The data assembly of bench/e2e_scale.py (bench/real_images.py), at a tiny scale and offline.

The class choice and the stratified subset are checked on made-up pictures; the assembly from a
real package (tango-icon-theme, the smallest source) runs only where bench/e2e_scale.py has
already cached the .deb files (it never downloads here).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import real_images  # noqa: E402
from real_images import Picture, choose, stratified  # noqa: E402


def pictures(counts: dict[str, int]) -> list[Picture]:
    return [Picture(Path(f"/x/{label}/{i}.png"), "pkg", label, 32, f"{label}-{i}.png")
            for label, n in counts.items() for i in range(n)]


def test_choose_takes_the_largest_classes_and_water_fills_the_cap():
    pool = pictures({"a": 50, "b": 30, "c": 12, "d": 8, "e": 3})
    classes = choose(pool, n_images=60, n_classes=4, min_per_class=5)
    assert sorted(classes) == ["a", "b", "c", "d"]  # e is too small, the 4 largest of the rest
    sizes = {c: len(v) for c, v in classes.items()}
    assert sum(sizes.values()) == 60 and sizes["c"] == 12 and sizes["d"] == 8  # small classes whole
    assert abs(sizes["a"] - sizes["b"]) <= 1  # the large ones share the rest evenly
    again = choose(pool, n_images=60, n_classes=4, min_per_class=5)
    assert classes == again  # seeded
    assert choose(pool, n_images=60, n_classes=4, min_per_class=5, seed=1)["a"] != classes["a"]


def test_the_subset_is_stratified_nested_and_keeps_every_class():
    classes = choose(pictures({"a": 400, "b": 100, "c": 40, "d": 20}), n_images=560, n_classes=4)
    sub = stratified(classes, 56)
    assert sum(map(len, sub.values())) == 56 and set(sub) == set(classes)
    assert all(sub[c] == classes[c][:len(sub[c])] for c in classes)  # nested: a prefix of each class
    assert all(len(v) >= 7 for v in sub.values())  # enough for a split and 5 folds
    assert len(sub["a"]) > len(sub["b"]) > len(sub["c"]) >= len(sub["d"])  # the rest in proportion
    tiny = stratified(classes, 8)  # fewer than 7 per class: the floor shrinks
    assert sum(map(len, tiny.values())) == 8 and all(len(v) >= 2 for v in tiny.values())


def test_a_tiny_folder_from_a_cached_icon_theme(tmp_path):
    package = ("tango-icon-theme",)
    try:
        full, sub, info = real_images.assemble(tmp_path / "data", 24, 3, 9, download=False, packages=package,
                                               min_per_class=5)
    except real_images.SourceMissing as missing:
        pytest.skip(f"source package not cached offline: {missing}")
    files = sorted(p.relative_to(full) for p in full.rglob("*.png"))
    assert len(files) == 24 and len({f.parts[0] for f in files}) == 3
    assert all(f.parts[0].startswith("icon-") for f in files)
    subset = sorted(p.relative_to(sub) for p in sub.rglob("*.png"))
    assert len(subset) == 9 and set(subset) <= set(files)
    assert Counter(f.parts[0] for f in subset) == Counter({c: 3 for c in {f.parts[0] for f in files}})
    for f in files[:5]:
        with Image.open(full / f) as im:
            assert min(im.size) >= real_images.MIN_ICON_PX  # a real picture, drawn at 32 px or more
    assert info["full"]["images"] == 24 and info["versions"]["tango-icon-theme"]
    assert (tmp_path / "data" / "full.manifest.csv").read_text().count("\n") == 25
    again = real_images.assemble(tmp_path / "data", 24, 3, 9, download=False, packages=package, min_per_class=5)
    assert again[0] == full  # the same spec reuses the folder
