"""Pixels: alpha onto white, grey to RGB, and tf.data sees exactly what Pillow sees."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from training.data import load_rgb, resolve_source


def test_transparent_pixels_become_white_and_partial_alpha_blends(tmp_path):
    rgba = np.zeros((32, 32, 4), dtype=np.uint8)
    rgba[:, :16] = (200, 10, 10, 255)  # opaque red
    rgba[:, 16:] = (0, 0, 0, 0)  # fully transparent (stored black)
    rgba[0, 0] = (0, 0, 0, 128)  # half-transparent black
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    rgb = load_rgb(tmp_path / "a.png")
    assert rgb.shape == (32, 32, 3) and rgb.dtype == np.uint8
    assert (rgb[:, 20] == 255).all()
    assert tuple(rgb[5, 5]) == (200, 10, 10)
    expected = round(255 * (1 - 128 / 255))  # black at alpha 128 over white
    assert abs(int(rgb[0, 0, 0]) - expected) <= 1


def test_palette_transparency_and_grey_alpha_become_white(tmp_path):
    p = Image.new("P", (32, 32), 1)
    p.putpalette([0, 0, 0, 10, 200, 30] + [0] * 762)
    p.info["transparency"] = 1
    p.save(tmp_path / "p.png", transparency=1)
    assert (load_rgb(tmp_path / "p.png") == 255).all()
    Image.new("LA", (32, 32), (0, 0)).save(tmp_path / "la.png")
    assert (load_rgb(tmp_path / "la.png") == 255).all()


def test_grayscale_becomes_rgb(tmp_path):
    grey = np.arange(32 * 32, dtype=np.uint16).reshape(32, 32) % 256
    Image.fromarray(grey.astype(np.uint8), "L").save(tmp_path / "g.png")
    rgb = load_rgb(tmp_path / "g.png")
    assert rgb.shape == (32, 32, 3)
    assert (rgb[..., 0] == grey).all() and (rgb[..., 1] == grey).all() and (rgb[..., 2] == grey).all()


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path):
    Image.fromarray(np.full((32, 32), 65535, dtype=np.uint16)).save(tmp_path / "g16.png")
    assert (load_rgb(tmp_path / "g16.png") == 255).all()
    Image.fromarray(np.full((32, 32), 32896, dtype=np.uint16)).save(tmp_path / "mid.png")
    assert (load_rgb(tmp_path / "mid.png") == 128).all()


def _mixed_folder(root):
    rng = np.random.default_rng(3)
    formats = ["png-rgba", "png-rgb", "png-l", "jpg", "gif", "bmp", "webp", "png-p"]
    for c, name in enumerate(("a", "b")):
        (root / name).mkdir(parents=True)
        for k, fmt in enumerate(formats):
            small = rng.integers(0, 256, size=(6, 6, 4), dtype=np.uint8)
            small[..., 3] = np.where(small[..., 3] > 128, 255, small[..., 3] // 2)
            img = Image.fromarray(small, "RGBA").resize((40, 36), Image.Resampling.BICUBIC)
            base = root / name / f"{k}"
            if fmt == "png-rgba":
                img.save(f"{base}.png")
            elif fmt == "png-rgb":
                img.convert("RGB").save(f"{base}.png")
            elif fmt == "png-l":
                img.convert("L").save(f"{base}.png")
            elif fmt == "png-p":
                img.convert("RGB").convert("P").save(f"{base}.png")
            elif fmt == "jpg":
                img.convert("RGB").save(f"{base}.jpg", quality=90)
            elif fmt == "webp":
                img.save(f"{base}.webp", lossless=True)
            else:
                img.convert("RGB").save(f"{base}.{fmt}")
    return root


@pytest.mark.tf
def test_tf_decode_of_handed_paths_matches_pillow(tmp_path):
    tf = pytest.importorskip("tensorflow")
    from training.data.tf_decode import decode_rgb

    ds = resolve_source(str(_mixed_folder(tmp_path / "d")), progress=False)
    cache = tmp_path / "cache"
    converted = 0
    for split in ds.splits:
        paths, labels = ds.tf_inputs(split, cache)
        assert labels == [s.label for s in ds.splits[split]]
        for path, sample in zip(paths, ds.splits[split]):
            decoded = decode_rgb(tf.io.read_file(path)).numpy()
            np.testing.assert_array_equal(decoded, load_rgb(sample.path), err_msg=sample.relpath)
            converted += path != str(sample.path)
    assert converted == 10  # rgba, gif, bmp, webp and palette files, in both classes
    assert len(list((cache / "rgb-v1").glob("*.png"))) == 10
