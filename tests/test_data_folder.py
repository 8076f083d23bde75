"""Image folders: stratified seeded splits, content hash, leakage guard, robust loading, errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from modelcard.errors import UserError
from training.data import resolve_source
from training.data.split import split_targets

CLASSES = {"ant": 7, "bee": 10, "cat": 13}


def pattern(seed: int, size: int = 32) -> Image.Image:
    """A distinct, asymmetric RGB image per seed (smooth blobs, so pHashes differ clearly)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, size=(4, 4, 3), dtype=np.uint8)
    return Image.fromarray(small).resize((size, size), Image.Resampling.BICUBIC)


def make_folder(root: Path, counts: dict[str, int] = CLASSES) -> Path:
    seed = 0
    for name, n in counts.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for k in range(n):
            seed += 1
            pattern(seed).save(root / name / f"{k:02d}.png")
    return root


def load(root: Path, **kwargs):
    return resolve_source(str(root), progress=False, **kwargs)


def test_stratified_counts_follow_fractions_per_class(tmp_path):
    ds = load(make_folder(tmp_path / "data"))
    summary = ds.summary()
    assert summary["class_names"] == ["ant", "bee", "cat"]
    assert summary["split_method"] == "stratified"
    assert summary["n_files"] == 30
    for name, n in CLASSES.items():
        expected = split_targets(n, {"train": 0.7, "val": 0.15, "test": 0.15})
        got = {split: summary["splits"][split]["class_counts"][name] for split in ("train", "val", "test")}
        assert got == expected
    # 13 * (0.7, 0.15, 0.15) = 9.1, 1.95, 1.95 -> largest remainders give 9, 2, 2
    assert summary["splits"]["train"]["class_counts"]["cat"] == 9
    assert summary["splits"]["test"]["class_counts"]["cat"] == 2


def test_split_targets_are_exact_and_nonempty():
    fractions = {"train": 0.7, "val": 0.15, "test": 0.15}
    assert split_targets(3, fractions) == {"train": 1, "val": 1, "test": 1}
    assert split_targets(20, fractions) == {"train": 14, "val": 3, "test": 3}
    assert split_targets(10, {"train": 0.8, "val": 0.0, "test": 0.2}) == {"train": 8, "val": 0, "test": 2}


def test_same_seed_same_split_other_seed_other_split(tmp_path):
    root = make_folder(tmp_path / "data")
    first, again, other = load(root, seed=1), load(root, seed=1), load(root, seed=2)
    assert json.dumps(first.summary(), sort_keys=True) == json.dumps(again.summary(), sort_keys=True)
    assert [s.relpath for s in first.splits["test"]] == [s.relpath for s in again.splits["test"]]
    assert [s.relpath for s in first.splits["test"]] != [s.relpath for s in other.splits["test"]]


def test_content_hash_matches_definition_and_tracks_changes(tmp_path):
    root = make_folder(tmp_path / "data")
    lines = sorted(
        f"{p.parent.name}\t{p.relative_to(root).as_posix()}\t{hashlib.sha256(p.read_bytes()).hexdigest()}\n" for p in root.rglob("*.png")
    )
    expected = "sha256:" + hashlib.sha256("".join(lines).encode()).hexdigest()
    before = load(root).content_hash
    assert before == expected
    assert load(root, seed=5).content_hash == before  # the split is not part of the data's identity
    pattern(999).save(root / "bee" / "03.png")
    assert load(root).content_hash != before


def test_exact_duplicates_stay_in_one_split(tmp_path):
    root = make_folder(tmp_path / "data")
    original = (root / "cat" / "00.png").read_bytes()
    for k in range(3):
        (root / "cat" / f"copy{k}.png").write_bytes(original)
    copied = hashlib.sha256(original).hexdigest()
    for seed in range(6):
        ds = load(root, seed=seed)
        splits = {name for name, samples in ds.splits.items() for s in samples if s.sha256 == copied}
        assert len(splits) == 1
        assert ds.summary()["duplicates"]["exact_groups"] == 1
        assert ds.summary()["duplicates"]["exact_files"] == 4


def test_mirrored_and_flipped_copies_are_reported(tmp_path):
    root = make_folder(tmp_path / "data")
    source = Image.open(root / "bee" / "00.png")
    source.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(root / "bee" / "mirrored.png")
    source.transpose(Image.Transpose.FLIP_TOP_BOTTOM).save(root / "ant" / "flipped.png")
    source.resize((48, 48)).save(root / "cat" / "resized.png")
    pairs = {(p["a"], p["b"]): p for p in load(root).summary()["duplicates"]["near_pairs"]}
    assert pairs[("bee/00.png", "bee/mirrored.png")]["kind"] == "mirror"
    assert pairs[("ant/flipped.png", "bee/00.png")]["kind"] == "flip"
    assert pairs[("bee/00.png", "cat/resized.png")]["kind"] == "identical"
    # near duplicates are grouped, so a stratified split never puts them on two sides
    assert not any(p["cross_split"] for p in pairs.values())
    # the resized copy also matches the mirrored and flipped ones; nothing else matches
    related = {"bee/00.png", "bee/mirrored.png", "ant/flipped.png", "cat/resized.png"}
    assert all(a in related and b in related for a, b in pairs)
    assert pairs[("bee/mirrored.png", "cat/resized.png")]["kind"] == "mirror"
    assert len(pairs) == 5


def test_corrupt_and_truncated_files_are_skipped_and_other_files_ignored(tmp_path):
    root = make_folder(tmp_path / "data")
    (root / "ant" / "noise.png").write_bytes(np.random.default_rng(0).integers(0, 256, 500, dtype=np.uint8).tobytes())
    whole = (root / "bee" / "01.png").read_bytes()
    (root / "bee" / "cut.png").write_bytes(whole[: len(whole) // 2])
    (root / "cat" / "notes.txt").write_text("not an image")
    (root / "README.md").write_text("top-level files are not in any class")
    summary = load(root).summary()
    skipped = {s["path"]: s["reason"] for s in summary["skipped_files"]}
    assert set(skipped) == {"ant/noise.png", "bee/cut.png"}
    assert skipped["ant/noise.png"].startswith("cannot identify image file")
    assert skipped["bee/cut.png"].startswith("truncated image")
    assert summary["ignored_files"] == 2
    assert summary["ignored"] == {"not_image": 1, "svg_drawing": 0, "other_format": 0, "variant_copy": 0,
                                  "excluded_subfolder": 0, "root_file": 1}
    assert summary["n_files"] == 30


def test_files_left_out_are_counted_by_kind(tmp_path):
    """Each file left out is counted once, under its own kind; the kinds add up to `ignored_files`,
    in a plain folder and in one with train/val/test folders (files in no class folder included)."""
    from modelcard.record.left_out import left_out
    from modelcard.record.model import Data

    root = make_folder(tmp_path / "plain")
    (root / "ant" / "about.txt").write_text("a description")
    (root / "ant" / "buzz.ogg").write_bytes(b"OggS")
    (root / "bee" / "drawing.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "bee" / "DRAWING2.SVG").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "notes.md").write_text("in no class folder")
    (root / "cat" / ".hidden.png").write_bytes(b"hidden files are not files of the data")
    summary = load(root).summary()
    expected = {"not_image": 2, "svg_drawing": 2, "other_format": 0, "variant_copy": 0, "excluded_subfolder": 0,
                "root_file": 1}
    assert summary["ignored"] == expected and summary["ignored_files"] == 5 and summary["n_files"] == 30
    words = left_out(Data.from_dict(summary))
    assert (words.label, words.text, words.total) == (
        "Files left out", "2 non-image files; 2 SVG drawings; 1 file outside the class folders", 5)

    split_root = tmp_path / "split"
    for offset, split in enumerate(("train", "val", "test")):  # distinct images in each split
        for k, name in enumerate(("ant", "bee", "ant", "bee", "ant", "bee")):
            (split_root / split / name).mkdir(parents=True, exist_ok=True)
            pattern(100 + 10 * offset + k).save(split_root / split / name / f"{k:02d}.png")
    (split_root / "train" / "ant" / "x.txt").write_text("x")
    (split_root / "test" / "bee" / "y.svg").write_text("<svg/>")
    (split_root / "val" / "stray.png").write_bytes(b"in a split folder, in no class folder")
    (split_root / "README").write_text("at the root")
    summary = load(split_root).summary()
    assert summary["ignored"] == {**expected, "not_image": 1, "svg_drawing": 1, "root_file": 2}
    assert summary["ignored_files"] == 4


def test_demo_rules_count_each_file_left_out_once(tmp_path):
    """The demo's rules on a made-up stamps tree: each file left out is counted under the first
    rule that applies (not an image, SVG, not PNG/JPEG, mirror/flip variant, excluded subfolder)."""
    from training.data.demo import DEMO_CLASSES, demo_candidates

    root = tmp_path / "stamps"
    for folder in DEMO_CLASSES.values():
        (root / folder).mkdir(parents=True, exist_ok=True)
    birds = root / DEMO_CLASSES["birds"]
    pattern(1).save(birds / "robin.png")
    pattern(2).save(birds / "robin_mirror.png")                      # variant copy
    (birds / "robin.txt").write_text("A robin.")                      # not an image
    (birds / "robin.ogg").write_bytes(b"OggS")                        # not an image
    (birds / "robin.svg").write_text("<svg/>")                        # SVG drawing
    pattern(3).save(birds / "robin.gif")                              # another format
    (birds / "cartoon").mkdir()
    pattern(4).save(birds / "cartoon" / "tweety.png")                 # excluded subfolder
    pattern(5).save(birds / "cartoon" / "tweety_flip.png")            # variant copy (first rule that applies)
    (birds / "cartoon" / "tweety.txt").write_text("A cartoon bird.")  # not an image
    candidates, ignored = demo_candidates(root)
    assert [c.relpath for c in candidates] == ["animals/birds/robin.png"]
    assert ignored.to_dict() == {"not_image": 3, "svg_drawing": 1, "other_format": 1, "variant_copy": 2,
                                 "excluded_subfolder": 1, "root_file": 0,
                                 "excluded_subfolders": ["cartoon", "plastic", "toys"]}
    assert ignored.total == 8


def test_formats_and_nested_folders_are_read(tmp_path):
    root = make_folder(tmp_path / "data")
    (root / "ant" / "deeper").mkdir()
    pattern(501).save(root / "ant" / "deeper" / "a.jpg", quality=95)
    pattern(502).save(root / "ant" / "b.gif")
    pattern(503).save(root / "ant" / "c.bmp")
    pattern(504).save(root / "ant" / "d.WEBP", lossless=True)
    ds = load(root)
    assert ds.summary()["splits"]["train"]["n"] + ds.summary()["splits"]["val"]["n"] + ds.summary()["splits"]["test"]["n"] == 34
    ready = {s.relpath: s.tf_ready for samples in ds.splits.values() for s in samples}
    assert ready["ant/deeper/a.jpg"] and ready["ant/00.png"]
    assert not ready["ant/b.gif"] and not ready["ant/c.bmp"] and not ready["ant/d.WEBP"]


def test_predefined_split_folders_are_used_as_given(tmp_path):
    root = tmp_path / "data"
    seed = 100
    layout = {"train": 4, "validation": 2, "test": 3}
    for split, n in layout.items():
        for name in ("dog", "fox"):
            (root / split / name).mkdir(parents=True)
            for k in range(n):
                seed += 1
                pattern(seed).save(root / split / name / f"{k}.png")
    ds = load(root)
    summary = ds.summary()
    assert summary["split_method"] == "predefined"
    assert summary["split_fractions"] is None and summary["split_seed"] is None
    assert summary["class_names"] == ["dog", "fox"]
    assert {k: v["n"] for k, v in summary["splits"].items()} == {"train": 8, "val": 4, "test": 6}
    assert all(s.relpath.startswith("test/") for s in ds.splits["test"])


def test_predefined_split_with_train_test_copy_is_refused(tmp_path):
    root = tmp_path / "data"
    for split in ("train", "val", "test"):
        for k, name in enumerate(("dog", "fox")):
            (root / split / name).mkdir(parents=True)
            pattern(hash((split, name)) % 1000 + 10).save(root / split / name / "a.png")
    (root / "test" / "dog" / "leak.png").write_bytes((root / "train" / "fox" / "a.png").read_bytes())
    with pytest.raises(UserError, match="test/dog/leak.png"):
        load(root)


def test_predefined_split_class_mismatch_names_the_class(tmp_path):
    root = make_folder(tmp_path / "data" / "train", {"dog": 2, "fox": 2})
    make_folder(tmp_path / "data" / "val", {"dog": 2, "fox": 2})
    make_folder(tmp_path / "data" / "test", {"dog": 2, "owl": 2})
    with pytest.raises(UserError, match="missing fox; unknown owl"):
        load(root.parent)


def test_plain_images_of_different_colours_are_not_near_duplicates(tmp_path):
    root = make_folder(tmp_path / "data")
    Image.new("RGB", (32, 32), (250, 0, 0)).save(root / "ant" / "red.png")
    Image.new("RGB", (32, 32), (0, 0, 250)).save(root / "bee" / "blue.png")
    assert load(root).summary()["duplicates"]["near_pairs"] == []
