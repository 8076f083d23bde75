"""The leakage guard: pHash candidates are grouped only when a second similarity confirms them.

The failure it prevents: textures that pHash cannot tell apart (stripes of any width) were
unioned transitively, so a class of distinct stripe images collapsed into one or two groups and
training refused to split it.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from modelcard.errors import UserError
from training.data import resolve_source
from training.data.near_index import near_duplicates
from training.data.phash import phash_variants
from training.data.similarity import CONFIRM_THRESHOLD, MAX_DIFFERENCE, confirmed, difference, similarity, thumbnail

from tests.test_data_folder import pattern
from tests.train_fixtures import low_detail_gray, make_gray_folder, records, run_cli


def stripes(width: int, offset: int, colour_a, colour_b, size: int = 96) -> Image.Image:
    """Vertical stripes `width` px wide, shifted by `offset`, in two colours."""
    on = ((np.arange(size) + offset) // width) % 2 == 0
    pixels = np.empty((size, size, 3), dtype=np.uint8)
    pixels[:] = colour_b
    pixels[:, on] = colour_a
    return Image.fromarray(pixels)


def stripe_images(n: int = 16, seed: int = 0) -> list[Image.Image]:
    """`n` distinct stripe images: different widths, offsets and colours."""
    rng = np.random.default_rng(seed)
    widths = rng.permutation(np.arange(4, 4 + n))
    return [stripes(int(w), int(rng.integers(0, 2 * w)), rng.integers(0, 256, 3), rng.integers(0, 256, 3)) for w in widths]


def make_stripes_folder(root: Path) -> Path:
    for k, image in enumerate(stripe_images()):
        (root / "stripes").mkdir(parents=True, exist_ok=True)
        image.save(root / "stripes" / f"s{k:02d}.png")
    for name, first in (("blobs", 100), ("dots", 200)):
        (root / name).mkdir(parents=True, exist_ok=True)
        for k in range(16):
            pattern(first + k).save(root / name / f"{k:02d}.png")
    return root


def load(root: Path, **kwargs):
    return resolve_source(str(root), progress=False, **kwargs)


def test_stripes_fool_phash_but_not_the_second_check():
    images = stripe_images()
    candidates = near_duplicates([phash_variants(i) for i in images])
    assert len(candidates) >= 60  # pHash alone calls most pairs of these textures near duplicates
    thumbs = [thumbnail(i) for i in images]
    scores = [similarity(thumbs[m.i], thumbs[m.j], m.kind) for m in candidates]
    assert not any(s is not None and s >= CONFIRM_THRESHOLD for s in scores), max(s for s in scores if s is not None)


def test_a_stripes_class_of_distinct_images_splits_into_every_split(tmp_path):
    dataset = load(make_stripes_folder(tmp_path / "data"))
    counts = {split: dataset.class_counts(split)["stripes"] for split in ("train", "val", "test")}
    assert counts == {"train": 11, "val": 3, "test": 2}  # 70/15/15 of 16, as with no duplicates at all
    dup = dataset.summary()["duplicates"]
    assert dup["near_candidates"] > 0 and dup["near_confirmed"] == 0
    assert all(not p["confirmed"] for p in dup["near_pairs"])


def test_stripes_without_the_second_check_would_not_split(tmp_path, monkeypatch):
    """The guard is what makes the stripes test pass: confirming everything reproduces the old refusal."""
    import training.data.assemble as assemble

    monkeypatch.setattr(assemble, "confirmed", lambda *scores: True)
    with pytest.raises(UserError) as err:
        load(make_stripes_folder(tmp_path / "data"))
    message = str(err.value)
    assert "class 'stripes'" in message and "near-duplicate grouping" in message and "--near-duplicates report" in message
    assert "the largest holds" in message and "stripes/s" in message


def test_mirrored_and_reencoded_copies_are_confirmed_and_kept_together(tmp_path):
    root = make_stripes_folder(tmp_path / "data")
    photo = Image.fromarray(skdata.chelsea()).resize((150, 100))
    photo.save(root / "blobs" / "cat.png")
    photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(root / "blobs" / "cat_mirror.png")
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=40)
    (root / "blobs" / "cat_reencoded.jpg").write_bytes(buffer.getvalue())
    dataset = load(root)
    pairs = {(p["a"], p["b"]): p for p in dataset.summary()["duplicates"]["near_pairs"]}
    for pair, kind in ((("blobs/cat.png", "blobs/cat_mirror.png"), "mirror"),
                       (("blobs/cat.png", "blobs/cat_reencoded.jpg"), "identical")):
        assert pairs[pair]["confirmed"] and pairs[pair]["kind"] == kind
        assert pairs[pair]["similarity"] >= 0.99 > CONFIRM_THRESHOLD
        assert pairs[pair]["difference"] <= 0.09 < MAX_DIFFERENCE
    split_of = {s.relpath: split for split, samples in dataset.splits.items() for s in samples}
    assert len({split_of["blobs/cat.png"], split_of["blobs/cat_mirror.png"], split_of["blobs/cat_reencoded.jpg"]}) == 1


def test_report_mode_lists_but_does_not_group_and_off_mode_skips_the_search(tmp_path):
    root = tmp_path / "data"
    for name, first in (("ant", 1), ("bee", 40)):
        (root / name).mkdir(parents=True)
        for k in range(8):
            pattern(first + k).save(root / name / f"{k:02d}.png")
    photo = Image.fromarray(skdata.coffee()).resize((96, 64))
    for k in range(3):  # three re-encoded copies: grouped, "ant" would have too few distinct groups
        buffer = io.BytesIO()
        photo.save(buffer, format="JPEG", quality=50 + 10 * k)
        (root / "cup").mkdir(exist_ok=True)
        (root / "cup" / f"cup{k}.jpg").write_bytes(buffer.getvalue())
    with pytest.raises(UserError, match="near-duplicate grouping joined its images into 1 group"):
        load(root)
    reported = load(root, near_duplicates="report").summary()["duplicates"]
    assert reported["near_mode"] == "report" and reported["near_confirmed"] == 3
    assert any(p["cross_split"] for p in reported["near_pairs"])
    off = load(root, near_duplicates="off").summary()["duplicates"]
    assert off["near_mode"] == "off" and off["near_pairs"] == [] and off["near_candidates"] == 0


def test_demo_data_still_finds_and_confirms_its_mirror_pair():
    dup = resolve_source("demo", progress=False).summary()["duplicates"]
    pairs = {(p["a"], p["b"]): p for p in dup["near_pairs"]}
    apple = pairs[("food/fruit/apple_green.png", "food/fruit/apple_red.png")]
    assert apple["kind"] == "mirror" and apple["confirmed"] and not apple["cross_split"]


def test_similarity_of_flat_or_missing_thumbnails_is_none():
    flat = thumbnail(Image.new("RGB", (40, 40), (120, 30, 200)))
    busy = thumbnail(pattern(3))
    assert similarity(flat, busy) is None and similarity(None, busy) is None
    assert not confirmed(None, None) and not confirmed(1.0, None) and not confirmed(None, 0.0)
    assert similarity(busy, busy) == 1.0


def test_unknown_near_duplicates_mode_is_a_one_line_error(tmp_path, capsys, runs_dir):
    code, _, err = run_cli(["train", "--data", str(tmp_path), "--near-duplicates", "sometimes"], capsys)
    assert code == 2 and "--near-duplicates 'sometimes' is unknown; choose one of group, report, off" in err
    assert len(err.strip().splitlines()) == 1 and not (runs_dir.exists() and any(runs_dir.iterdir()))


@pytest.mark.slow
@pytest.mark.tf
def test_a_class_moved_off_its_split_is_a_warning_on_the_record_and_the_card(tmp_path, capsys, runs_dir):
    data = _folder_with_copy_groups(tmp_path / "data")
    code, out, err = run_cli(["train", "--data", str(data), "--weights", "none", "--alpha", "0.35", "--input-size", "96", "--epochs", "1",
                              "--name", "balance", "--robustness", "none", "--inference-predictions", "0",
                              "--label-issues", "none"], capsys)
    assert code == 0, err[-2000:]
    assert "warning: duplicate grouping moved class 'dup'" in err
    (record,) = records(runs_dir)
    assert record["data"]["split_balance"]["warned"] == ["dup"]
    (warning,) = [w for w in record["warnings"] if w.startswith("duplicate grouping moved")]
    assert run_cli(["build", "--run", str(runs_dir / record["run_id"]), "--out", str(tmp_path / "cards")], capsys)[0] == 0
    assert warning in (tmp_path / "cards" / "balance.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_stripes_class_trains_end_to_end(tmp_path, capsys, runs_dir):
    data = make_stripes_folder(tmp_path / "data")
    code, _, err = run_cli(["train", "--data", str(data), "--weights", "offline", "--input-size", "96", "--epochs", "2",
                            "--name", "stripes"], capsys)
    assert code == 0, err
    (record,) = records(runs_dir)
    assert record["status"] == "complete"
    assert record["data"]["splits"]["test"]["class_counts"]["stripes"] == 2
    assert record["data"]["duplicates"]["near_confirmed"] == 0


def _noisy(image: Image.Image, rng, sigma: float = 4.0) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float64) + rng.normal(0, sigma, np.asarray(image).shape)
    return Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), mode=image.mode)


def test_distinct_low_detail_gray_images_are_not_copies_but_planted_copies_are(tmp_path):
    """Ten classes of distinct 16-grey-level images (as scanned digits): pHash and the correlation call many
    pairs alike; none is a copy. A mirror and a noisy re-save planted among them still are."""
    root = make_gray_folder(tmp_path / "data", n_classes=10, per_class=20)
    rng = np.random.default_rng(7)
    first, second = Image.open(root / "c0" / "000.png"), Image.open(root / "c1" / "000.png")
    first.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(root / "c0" / "copy_mirror.png")
    _noisy(second, rng).save(root / "c1" / "copy_noisy.png")
    planted = {("c0/000.png", "c0/copy_mirror.png"), ("c1/000.png", "c1/copy_noisy.png")}
    dup = load(root).summary()["duplicates"]
    pairs = {(p["a"], p["b"]): p for p in dup["near_pairs"]}
    assert planted <= set(pairs)
    # pHash candidates the old rule (correlation of 32x32 thumbnails alone) would have called copies:
    fooled = [p for key, p in pairs.items() if key not in planted and p["similarity"] >= CONFIRM_THRESHOLD]
    assert len(fooled) >= 20
    confirmed_pairs = {key for key, p in pairs.items() if p["confirmed"]}
    assert confirmed_pairs == planted and dup["near_confirmed"] == 2
    # the pixels agree: every unconfirmed candidate differs somewhere by 2 or more of the 16 grey levels
    for (a, b), p in pairs.items():
        if (a, b) in planted:
            continue
        pa, pb = np.asarray(Image.open(root / a), float), np.asarray(Image.open(root / b), float)
        pa = {"identical": pa, "mirror": pa[:, ::-1], "flip": pa[::-1]}[p["kind"]]
        assert np.abs(pa - pb).max() >= 2 * 17 and p["difference"] > MAX_DIFFERENCE
    assert dup["confirm_max_difference"] == MAX_DIFFERENCE


def test_thumbnail_difference_allows_recolouring_but_not_changed_cells():
    rng = np.random.default_rng(3)
    base = low_detail_gray(rng)
    rgb = np.asarray(base.convert("RGB"), dtype=np.float64)
    recoloured = Image.fromarray(np.clip(rgb[..., [2, 0, 1]] * [0.6, 0.9, 0.3] + [60, 10, 90], 0, 255).astype(np.uint8))
    assert difference(thumbnail(base), thumbnail(recoloured)) <= 0.02
    changed = np.asarray(base, dtype=np.float64).copy()
    changed[8:16, 8:16] = 255 - changed[8:16, 8:16]  # one 8x8 block differs, the rest is identical
    assert difference(thumbnail(base), thumbnail(Image.fromarray(changed.astype(np.uint8)))) > MAX_DIFFERENCE


def _folder_with_copy_groups(root: Path) -> Path:
    """Three classes of distinct grey images, and a class "dup" of three pictures, six copies each
    (mirrored, noisy): three groups of 6 in a class of 18, which no split of whole groups can give 70/15/15."""
    make_gray_folder(root, n_classes=3, per_class=20)
    rng = np.random.default_rng(11)
    (root / "dup").mkdir()
    for k in range(3):
        original = low_detail_gray(rng)
        for c in range(6):
            copy = original.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if c % 2 else original
            (copy if c < 2 else _noisy(copy, rng)).save(root / "dup" / f"p{k}_{c}.png")
    return root


def test_split_balance_is_recorded_and_grouping_that_moves_a_class_is_warned(tmp_path, capsys):
    root = _folder_with_copy_groups(tmp_path / "data")
    dataset = load(root)
    summary = dataset.summary()
    counts = {split: summary["splits"][split]["class_counts"]["dup"] for split in ("train", "val", "test")}
    assert counts == {"train": 6, "val": 6, "test": 6}  # whole groups: a plain stratified split gives 12/3/3 (below)
    balance = summary["split_balance"]
    assert balance["deviation"]["dup"] == {"train": 6 - 12, "val": 6 - 3, "test": 6 - 3}
    assert all(balance["deviation"][c] == {"train": 0, "val": 0, "test": 0} for c in ("c0", "c1", "c2"))
    assert balance["warned"] == ["dup"] and balance["tolerance"] == 3
    (warning,) = dataset.warnings
    assert "class 'dup'" in warning and "train 6 (stratified: 12)" in warning and "--near-duplicates report" in warning
    assert f"warning: {warning}" in capsys.readouterr().err
    # the reference: scikit-learn's stratified split (no groups) of the same labels gives 12/3/3 for "dup"
    from sklearn.model_selection import train_test_split

    labels = [name for name in dataset.class_names for _ in range(sum(summary["splits"][s]["class_counts"][name]
                                                                         for s in ("train", "val", "test")))]
    rest, test = train_test_split(labels, test_size=0.15, stratify=labels, random_state=0)
    train, val = train_test_split(rest, test_size=0.15 / 0.85, stratify=rest, random_state=0)
    assert (train.count("dup"), val.count("dup"), test.count("dup")) == (12, 3, 3)
    assert load(root, near_duplicates="report").warnings == []
