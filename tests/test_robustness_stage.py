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


def test_a_sample_uses_the_headline_predictions_of_its_stratified_images(setup):
    """A set larger than the plan is sampled (stratified, seeded); its clean accuracy is the headline's
    predictions on those images, exactly, and each sampled image gets the corruption it gets in the whole set."""
    from modelcard.analysis import evaluate_predictions
    from modelcard.analysis.robustness_sample import allocation, n_for_drop_half_width
    from training.model.features import image_dataset
    from training.robustness import predict_passes, run_robustness

    paths, labels, features, head = setup
    names = ["blue", "green", "red"]
    pixels = np.concatenate([b.numpy() for b in image_dataset(paths, SIZE, 7)])
    headline = np.asarray(head.predict_on_batch(features.predict_on_batch(pixels)))
    kwargs = dict(model=features.predict_on_batch, heads=[head.predict_on_batch], paths=paths, y_true=labels,
                  class_names=names, input_size=SIZE, seed=2, batch_size=8, clean_probs=[headline], half_width=0.55)
    (result,) = run_robustness("quick", **kwargs)
    section = result.section
    sample, y = section["sample"], np.asarray(labels)
    assert result.warning is None and sample["n"] == section["n"] < sample["of"] == len(paths)
    assert sample["method"] == "stratified by class, seed 2" and sample["target_half_width"] == 0.55
    accuracy = float(np.mean(headline.argmax(axis=1) == y))
    assert sample["planned_clean_accuracy"] == accuracy and sample["n"] == n_for_drop_half_width(0.55, accuracy)
    picked = np.asarray(sample["indices"])
    assert np.bincount(y[picked], minlength=3).tolist() == allocation(y, sample["n"]).tolist()
    probs = headline[picked].astype(np.float64)
    expected = evaluate_predictions(y[picked], probs / probs.sum(axis=1, keepdims=True), names, seed=2)
    assert section["clean_accuracy"] == expected.metrics["accuracy"].to_dict()
    (again,) = run_robustness("quick", **kwargs)
    assert again.section == section  # seeded
    whole = predict_passes(features.predict_on_batch, [head.predict_on_batch], paths, SIZE, "quick", 2, 8, clean=False)
    part = predict_passes(features.predict_on_batch, [head.predict_on_batch], [paths[i] for i in picked], SIZE,
                          "quick", 2, 8, ids=picked, clean=False)
    assert whole[0] == part[0] == [None]
    for step, probs in part[1][0].items():
        assert np.allclose(probs, whole[1][0][step][picked], atol=1e-5, rtol=0), step
