"""The robustness stage: pipeline determinism, heads sharing one corrupted pass, `none`, and a
stage that raises (the run goes on, the reason is recorded). Tiny images and a tiny model."""

from __future__ import annotations

import numpy as np
import pytest

from train_fixtures import make_folder

pytestmark = pytest.mark.tf

SIZE = 32


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    import keras

    root = make_folder(tmp_path_factory.mktemp("rob") / "data", per_class=4)
    paths = sorted(str(p) for p in root.rglob("*.png"))
    labels = [["blue", "green", "red"].index(p.split("/")[-2]) for p in paths]
    keras.utils.set_random_seed(0)
    inputs = keras.Input((SIZE, SIZE, 3))
    x = keras.layers.Rescaling(1 / 255.0)(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    features = keras.Model(inputs, x)
    head = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
    return paths, labels, features, head


def test_stage_is_seeded_and_heads_share_the_passes(setup):
    from training.robustness import run_robustness

    paths, labels, features, head = setup
    kwargs = dict(model=features.predict_on_batch, paths=paths, y_true=labels, class_names=["blue", "green", "red"],
                  input_size=SIZE, seed=5, batch_size=5)  # batches span passes on purpose
    first = run_robustness("quick", heads=[head.predict_on_batch, head.predict_on_batch], **kwargs)
    again = run_robustness("quick", heads=[head.predict_on_batch], **kwargs)
    assert first[0].warning is None and first[0].section == first[1].section == again[0].section
    section = first[0].section
    assert section["suite"] == "quick" and section["n"] == len(paths) and section["seed"] == 5
    assert sorted(section["corruptions"]) == sorted(["gaussian_noise", "shot_noise", "gaussian_blur", "brightness",
                                                     "contrast", "jpeg_compression"])
    assert all(sorted(v) == ["1", "3", "5"] for v in section["corruptions"].values())


def test_clean_pass_predicts_the_decoded_pixels(setup):
    """The clean pass is the plain evaluation input (the resized float pixels, not re-quantised), in file order."""
    from training.model.features import image_dataset
    from training.robustness import predict_passes

    paths, _, features, head = setup
    clean, corrupted = predict_passes(features.predict_on_batch, [head.predict_on_batch], paths, SIZE, "quick", 0, 7)
    pixels = np.concatenate([b.numpy() for b in image_dataset(paths, SIZE, 7)])
    assert not np.array_equal(pixels, np.round(pixels))  # 32-64 px files resized to 32: fractional values
    expected = head.predict_on_batch(features.predict_on_batch(pixels))
    assert np.allclose(clean[0], expected, atol=1e-6, rtol=0)
    assert set(corrupted[0]) == {(n, s) for n in ("gaussian_noise", "shot_noise", "gaussian_blur", "brightness",
                                                  "contrast", "jpeg_compression") for s in (1, 3, 5)}
    assert not np.allclose(corrupted[0][("contrast", 5)], clean[0])


def test_none_runs_nothing_and_a_raising_stage_returns_the_reason(setup, monkeypatch):
    from training.robustness import run_robustness, stage

    paths, labels, features, head = setup
    kwargs = dict(model=features.predict_on_batch, heads=[head.predict_on_batch], paths=paths, y_true=labels,
                  class_names=["blue", "green", "red"], input_size=SIZE)
    (skipped,) = run_robustness("none", **kwargs)
    assert skipped.section is None and skipped.warning is None

    def broken(*args, **kwargs):
        raise RuntimeError("corruption pipeline exploded")

    monkeypatch.setattr(stage, "predict_passes", broken)
    (failed,) = run_robustness("quick", **kwargs)
    assert failed.section is None
    assert failed.warning == "robustness under corruptions not measured: RuntimeError: corruption pipeline exploded"
    # the stage (training/stages/post_fit.robustness) leaves the section out and appends the warning:
    # tests/test_stage_pipeline.py::test_omit_leaves_a_declared_section_out_and_shared_sections_take_appends
