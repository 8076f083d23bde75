"""The example grid and Grad-CAM: selection, deterministic PNGs, a map with a known answer,
and the grid through `modelcard evaluate` and `modelcard build` (Markdown files, inline HTML)."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from modelcard.record import read_predictions, read_record
from train_fixtures import make_folder, run_cli

pytestmark = pytest.mark.tf


def test_select_sample_confident_errors_and_pairs():
    from training.measure.examples import N_CONFIDENT_ERRORS, N_SAMPLE, select

    rng = np.random.default_rng(0)
    n = 60
    y_true = rng.integers(0, 3, n)
    y_prob = rng.dirichlet(np.ones(3), n)
    ids = np.asarray([f"img{i:03d}.png" for i in range(n)])
    pred = y_prob.argmax(axis=1)
    from modelcard.record.model import Confusion

    top = [Confusion(true="a", predicted="b", count=4, rate=0.5), Confusion(true="c", predicted="a", count=2, rate=0.25)]
    chosen, pairs = select(y_true, y_prob, ids, 5, top, ["a", "b", "c"])
    again, _ = select(y_true, y_prob, ids, 5, top, ["a", "b", "c"])
    assert chosen == again  # seeded
    sample = [i for i, kind in chosen if kind == "sample"]
    assert len(sample) == N_SAMPLE and sample == sorted(sample) and len(set(sample)) == N_SAMPLE
    errors = [i for i, kind in chosen if kind == "confident_error"]
    outside = sorted((i for i in range(n) if pred[i] != y_true[i] and i not in sample), key=lambda i: -y_prob[i].max())
    assert errors == outside[:N_CONFIDENT_ERRORS]
    for pair in pairs:
        i = chosen[pair["item"]][0]
        assert ["a", "b", "c"][y_true[i]] == pair["true"] and ["a", "b", "c"][pred[i]] == pair["predicted"]


def test_png_is_deterministic_and_overlay_follows_the_map():
    from training.measure.examples import overlay, png_bytes, thumbnail

    rgb = np.random.default_rng(0).integers(0, 256, (50, 80, 3)).astype(np.uint8)
    thumb = thumbnail(rgb)
    assert thumb.shape == (64, 64, 3)
    assert png_bytes(thumb) == png_bytes(thumb.copy())
    assert not any(chunk in png_bytes(thumb) for chunk in (b"tIME", b"tEXt", b"iTXt"))
    cam = np.zeros((4, 4))
    cam[0, 0] = 1.0
    out = overlay(thumb, cam)
    assert np.array_equal(out[-8:, -8:], thumb[-8:, -8:])  # no attention: the photo unchanged
    assert np.abs(out[:4, :4].astype(int) - thumb[:4, :4]).mean() > 10


def test_thumbnails_that_would_pass_the_budget_are_all_palette_encoded():
    from training.measure.examples import BUDGET_BYTES, encode_all, png_bytes

    noise = [np.random.default_rng(k).integers(0, 256, (64, 64, 3)).astype(np.uint8) for k in range(60)]
    assert sum(len(png_bytes(im)) for im in noise) > BUDGET_BYTES  # the worst case: pure noise
    encoded, colours = encode_all(noise)
    assert colours == "palette-256" and sum(map(len, encoded)) < BUDGET_BYTES
    assert Image.open(io.BytesIO(encoded[0])).mode == "P"
    smooth = [np.full((64, 64, 3), k, np.uint8) for k in range(60)]
    encoded, colours = encode_all(smooth)
    assert colours == "rgb" and encoded[3] == png_bytes(smooth[3])


def _two_detector_model():
    """Raw pixels -> resize 32 -> /255 -> backbone (1x1 conv: red and blue detectors, 4x4 average
    pool, global pool) -> softmax over (red, blue). Only the patch of a colour speaks for it."""
    import keras

    keras.utils.set_random_seed(0)
    inner = keras.Input((32, 32, 3))
    x = keras.layers.Conv2D(2, 1, activation="relu", name="detect")(inner)
    x = keras.layers.AveragePooling2D(8, name="cells")(x)
    backbone = keras.Model(inner, keras.layers.GlobalAveragePooling2D()(x), name="backbone")
    backbone.get_layer("detect").set_weights([np.asarray([[[[1, -1], [-1, -1], [-1, 1]]]], np.float32),
                                               np.zeros(2, np.float32)])
    image = keras.Input((None, None, 3))
    x = keras.layers.Resizing(32, 32, name="resize")(image)
    x = keras.layers.Rescaling(1 / 255.0)(x)
    head = keras.layers.Dense(2, activation="softmax", name="head")
    model = keras.Model(image, head(backbone(x)), name="detectors")
    head.set_weights([np.eye(2, dtype=np.float32) * 20, np.zeros(2, np.float32)])
    return model


def _patches() -> np.ndarray:
    img = np.full((64, 64, 3), 128, np.uint8)
    img[:32, :32] = (255, 0, 0)  # red, top-left quadrant
    img[48:, 48:] = (0, 0, 255)  # blue, bottom-right 16 px
    return img


def test_gradcam_points_at_the_region_that_carries_each_class():
    from training.model.gradcam import build_gradcam_model, gradcam_maps

    model = _two_detector_model()
    gc = build_gradcam_model(model)
    assert gc.layer == "cells" and gc.cells == (4, 4) and gc.backbone == "backbone"  # inside the nested backbone
    red, blue = gradcam_maps(model, [_patches(), _patches()], [0, 1], gc)
    assert red.min() >= 0 and red.max() == pytest.approx(1.0) and blue.max() == pytest.approx(1.0)
    assert np.all(red[:2, :2] == pytest.approx(1.0)) and red.sum() == pytest.approx(4.0)   # only the red quadrant
    assert blue[3, 3] == pytest.approx(1.0) and blue.sum() == pytest.approx(1.0)           # only the blue corner
    flat = gradcam_maps(model, [np.full((40, 40, 3), 128, np.uint8)], [0], gc)[0]
    assert np.all(flat == 0)  # nothing speaks for red: an all-zero map, not noise scaled up


def test_gradcam_refuses_a_model_without_convolutions():
    import keras

    from training.model.gradcam import GradCamUnsupported, build_gradcam_model

    inputs = keras.Input((None, None, 3))
    x = keras.layers.GlobalAveragePooling2D()(keras.layers.Resizing(8, 8)(inputs))
    with pytest.raises(GradCamUnsupported, match="no convolutional layer"):
        build_gradcam_model(keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x)))


def _evaluate(tmp_path, capsys, model_path, data, *extra):
    code, out, err = run_cli(["evaluate", "--model", str(model_path), "--data", str(data), "--name", "ev",
                              "--runs-dir", str(tmp_path / "runs"), *extra], capsys)
    assert code == 0, err[-2000:]
    return Path(out.strip())


def _two_class_folder(root: Path, n: int = 12) -> Path:
    rng = np.random.default_rng(2)
    for k in range(n):
        for name, colour in (("red", (230, 20, 20)), ("blue", (20, 20, 230))):
            img = np.full((40 + k, 40, 3), 128, np.uint8)
            y, x = rng.integers(0, 20, 2)
            img[y:y + 20, x:x + 20] = colour if k % 5 else (20, 230, 20)  # some green: errors
            (root / name).mkdir(parents=True, exist_ok=True)
            Image.fromarray(img).save(root / name / f"{name}{k:02d}.png")
    return root


def test_evaluate_records_a_grid_that_matches_its_predictions_and_renders(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no card.yaml: the card is named after the run
    data = _two_class_folder(tmp_path / "data")
    _two_detector_model().save(tmp_path / "det.keras")
    run_dir = _evaluate(tmp_path, capsys, tmp_path / "det.keras", data)
    record = read_record(run_dir)
    ex = record["examples"]
    assert ex["error"] is None and ex["gradcam"]["error"] is None and ex["gradcam"]["cells"] == [4, 4]
    assert record["artifacts"]["examples"] == "examples"
    preds = read_predictions(run_dir / record["artifacts"]["predictions"]["test"])
    row = {str(i): k for k, i in enumerate(preds.ids)}
    for item in ex["items"]:
        k = row[item["id"]]
        assert item["true"] == preds.class_names[preds.y_true[k]]
        assert item["pred"] == preds.class_names[preds.y_prob[k].argmax()]
        assert item["confidence"] == pytest.approx(preds.y_prob[k].max(), abs=1e-4)
        assert item["error"] == (item["true"] != item["pred"])
        for key in ("file", "gradcam_file"):
            assert Image.open(run_dir / item[key]).size == (64, 64)
    assert ex["n_sample"] == 16 and ex["total_bytes"] < 500_000
    assert ex["total_bytes"] == sum((run_dir / it[k]).stat().st_size for it in ex["items"] for k in ("file", "gradcam_file"))

    again = read_record(_evaluate(tmp_path / "again", capsys, tmp_path / "det.keras", data))  # same inputs: same bytes
    assert {**again["examples"], "duration_s": 0} == {**ex, "duration_s": 0} and ex["duration_s"] > 0
    for item in ex["items"]:
        for key in ("file", "gradcam_file"):
            assert (tmp_path / "again" / "runs").joinpath(again["run_id"], item[key]).read_bytes() == (run_dir / item[key]).read_bytes()

    code, out, err = run_cli(["build", "--run", str(run_dir), "--out", str(tmp_path / "cards")], capsys)
    assert code == 0, err
    md = (tmp_path / "cards" / "ev.md").read_text()
    html = (tmp_path / "cards" / "ev.html").read_text()
    linked = re.findall(r"\]\((figures/ev/examples/[0-9]+(?:-gradcam)?\.png)\)", md)
    assert len(set(linked)) == 2 * len(ex["items"])
    for rel in set(linked):
        assert (tmp_path / "cards" / rel).read_bytes() == (run_dir / "examples" / Path(rel).name).read_bytes()
    inline = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert base64.b64decode(inline[0]) == (run_dir / ex["items"][0]["file"]).read_bytes()
    assert 'src="figures/' not in html and "Grad-CAM" in md and "4 x 4 cells" in md
    low, high = record["evaluations"]["test"]["slice_cut_points"]["brightness"]
    assert f"1 low below {low:.2f}, 2 mid from {low:.2f} up to {high:.2f}, 3 high from {high:.2f}" in md
    n_errors = sum(it["error"] for it in ex["items"] if it["kind"] != "confused_pair")
    assert html.count('class="thumb error"') >= 2 * n_errors > 0  # errors marked in both grids


def test_evaluate_without_convolutions_keeps_thumbnails_and_says_why_no_maps_and_reads_metadata(tmp_path, capsys):
    import keras

    data = make_folder(tmp_path / "data", per_class=4)
    inputs = keras.Input((None, None, 3))
    x = keras.layers.GlobalAveragePooling2D()(keras.layers.Resizing(16, 16)(inputs))
    keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x)).save(tmp_path / "m.keras")
    meta = tmp_path / "meta.csv"
    meta.write_text("path,site\nred/red00.png,north\nred/red01.png,south\nred/nope.png,x\n")
    record = read_record(_evaluate(tmp_path, capsys, tmp_path / "m.keras", data, "--metadata", str(meta)))
    assert any(w.startswith("1 path(s) in --metadata meta.csv") for w in record["warnings"])
    site = next(s for s in record["evaluations"]["test"]["slices"] if s["column"] == "site")
    assert {g["group"]: g["count"] for g in site["groups"]} == {"(missing)": 10, "north": 1, "south": 1}
    assert record["examples"]["items"] and record["examples"]["gradcam"]["error"].startswith("GradCamUnsupported")
    assert all(item["gradcam_file"] is None for item in record["examples"]["items"])


def test_example_and_pixel_collectors_that_raise_leave_a_complete_run_and_a_card_that_says_so(tmp_path, capsys, monkeypatch):
    import training.measure.evaluation as evaluation
    import training.measure.examples as examples

    def broken(*args, **kwargs):
        raise RuntimeError("thumbnail writer exploded")

    monkeypatch.setattr(examples, "_examples", broken)
    monkeypatch.setattr(evaluation, "pixel_attributes", broken)
    monkeypatch.chdir(tmp_path)
    data = _two_class_folder(tmp_path / "data", n=4)
    _two_detector_model().save(tmp_path / "det.keras")
    run_dir = _evaluate(tmp_path, capsys, tmp_path / "det.keras", data)
    record = read_record(run_dir)
    assert record["status"] == "complete" and record["evaluations"]["test"]["slices"]
    assert record["examples"] == {"eval_set": "test", "items": [], "error": "RuntimeError: thumbnail writer exploded"}
    assert any("example grid not made" in w for w in record["warnings"])
    assert any("image-property slices" in w and "not measured: RuntimeError" in w for w in record["warnings"])
    assert {s["column"] for s in record["evaluations"]["test"]["slices"]} == {"orientation", "resolution"}
    code, _, err = run_cli(["build", "--run", str(run_dir), "--out", str(tmp_path / "cards")], capsys)
    assert code == 0, err
    assert "No example grid for this run: RuntimeError: thumbnail writer exploded" in (tmp_path / "cards" / "ev.md").read_text()
