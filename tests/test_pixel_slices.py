"""Image-property slices from pixels: terciles against numpy, grayscale, aspect, subfolders,
and a pixel collector that raises without breaking the evaluation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from training.data import Sample
from training.measure.evaluation import slice_attributes
from training.measure.pixel_slices import (GRAY_TOLERANCE, aspect_bucket, luma, pixel_attributes, pixel_statistics,
                                   subfolders, tercile_cut_points, tercile_groups)


def _sample(root: Path, rel: str, label: int, rgb: np.ndarray) -> Sample:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path)
    return Sample(path, rel, label, "0" * 64, 0)


def test_tercile_cut_points_are_numpys_quantiles_and_split_in_thirds():
    values = np.random.default_rng(3).uniform(0, 255, 301)
    cuts = tercile_cut_points(values)
    np.testing.assert_allclose(cuts, np.round(np.quantile(values, [1 / 3, 2 / 3]), 2))
    groups = tercile_groups(values, cuts)
    assert set(groups) == {"1 low", "2 mid", "3 high"}
    assert all(v < cuts[0] for v in values[groups == "1 low"])
    assert all(cuts[0] <= v < cuts[1] for v in values[groups == "2 mid"])
    assert all(v >= cuts[1] for v in values[groups == "3 high"])
    assert abs((groups == "1 low").sum() - 100) <= 1 and abs((groups == "3 high").sum() - 100) <= 1
    # a value equal to a cut point goes to the upper group
    assert list(tercile_groups(np.asarray(cuts), cuts)) == ["2 mid", "3 high"]


def test_pixel_statistics_match_independent_formulas():
    rgb = np.random.default_rng(0).integers(0, 256, (20, 30, 3)).astype(np.uint8)
    brightness, contrast, gray = pixel_statistics(rgb)
    y = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    assert brightness == pytest.approx(y.mean()) and contrast == pytest.approx(y.std())
    assert np.asarray(Image.fromarray(rgb).convert("L"), float).mean() == pytest.approx(brightness, abs=0.6)
    assert not gray
    grey = np.repeat(rgb[..., :1], 3, axis=2)
    grey[..., 2] = np.clip(grey[..., 2].astype(int) + GRAY_TOLERANCE // 2, 0, 255)  # JPEG-like chroma noise
    assert pixel_statistics(grey)[2]
    assert luma(grey).shape == (20, 30)


def test_aspect_buckets():
    assert aspect_bucket(100, 300).startswith("tall")
    assert aspect_bucket(70, 100).startswith("tallish")
    assert aspect_bucket(100, 100).startswith("near square")
    assert aspect_bucket(150, 100).startswith("wide")
    assert aspect_bucket(300, 100).startswith("very wide")


def test_subfolders_below_each_class_folder(tmp_path):
    px = np.zeros((4, 4, 3), np.uint8)
    layout = ["train/birds/owls/a.png", "train/birds/owls/b.png", "train/birds/c.png", "train/fish/d.png",
              "train/fish/e.png"]
    samples = [_sample(tmp_path, rel, 0 if "birds" in rel else 1, px) for rel in layout]
    assert list(subfolders(samples)) == ["owls", "owls", "(class folder itself)", "(class folder itself)",
                                         "(class folder itself)"]
    flat = [s for s in samples if "owls" not in s.relpath]
    assert subfolders(flat) is None  # no class has two source folders: no slice


def test_pixel_attributes_on_real_files(tmp_path):
    rng = np.random.default_rng(1)
    samples = []
    for k in range(9):
        level = 30 * k
        rgb = np.full((20, 20 + 10 * k, 3), level, np.uint8)
        if k % 2:
            rgb[..., 0] = np.clip(level + 80, 0, 255)
        rgb[:5] = rng.integers(0, 256, (5, rgb.shape[1], 3))
        samples.append(_sample(tmp_path, f"c{k % 2}/{k}.png", k % 2, rgb))
    columns, cuts = pixel_attributes(samples)
    assert set(columns) == {"brightness", "contrast", "colour", "aspect"}
    stats = [pixel_statistics(np.asarray(Image.open(s.path).convert("RGB"))) for s in samples]
    np.testing.assert_allclose(cuts["brightness"], np.round(np.quantile([s[0] for s in stats], [1 / 3, 2 / 3]), 2))
    np.testing.assert_allclose(cuts["contrast"], np.round(np.quantile([s[1] for s in stats], [1 / 3, 2 / 3]), 2))
    assert list(columns["brightness"][:3]) == ["1 low"] * 3 and list(columns["brightness"][-3:]) == ["3 high"] * 3
    assert columns["aspect"][0].startswith("near square") and columns["aspect"][-1].startswith("very wide")


def test_pixel_slices_that_raise_leave_a_reason_and_keep_the_header_slices(tmp_path, monkeypatch):
    import training.measure.evaluation as evaluation

    samples = [_sample(tmp_path, f"a/{k}.png", 0, np.zeros((8, 8 + k, 3), np.uint8)) for k in range(3)]

    def broken(_samples):
        raise OSError("disk went away")

    monkeypatch.setattr(evaluation, "pixel_attributes", broken)
    attributes = slice_attributes(samples)
    assert set(attributes.columns) == {"resolution", "orientation"} and attributes.cut_points == {}
    assert len(attributes.problems) == 1 and "not measured: OSError: disk went away" in attributes.problems[0]
