"""Building backbones and classifiers with Keras (small: 96 px, random or file weights)."""

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from modelcard.errors import UserError
from training.model.backbones import BackboneSpec, build_backbone, build_classifier, count_params, preprocess_fn

pytestmark = pytest.mark.tf
keras = pytest.importorskip("keras")


def _random_images(n=2, size=96, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, size=(n, size, size, 3)).astype("float32")


def test_none_weights_build_at_96_px_and_say_not_pretrained():
    keras.utils.set_random_seed(0)
    model, info = build_backbone(BackboneSpec(alpha=0.35, input_size=96, weights="none"))
    assert model.output_shape == (None, 1280)  # alpha < 1 keeps the last conv at 1280
    record = info.to_dict()
    assert record["source"] == "none" and record["pretrained"] is False
    assert "no pretrained weights" in record["description"]
    assert record["sha256"] is None and record["license"] is None
    assert set(record) == {"source", "description", "origin", "sha256", "license", "pretrained", "path"}


def test_classifier_head_and_parameter_counts():
    keras.utils.set_random_seed(0)
    backbone, _ = build_backbone(BackboneSpec(alpha=0.35, input_size=96, weights="none"))
    classifier = build_classifier(backbone, n_classes=3, dropout=0.2)
    probs = np.asarray(classifier(preprocess_fn("mobilenetv2")(_random_images()), training=False))
    assert probs.shape == (2, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    backbone.trainable = False
    total, trainable = count_params(classifier)
    assert total == classifier.count_params()
    assert trainable == 1280 * 3 + 3  # only the Dense head is left to train
    with pytest.raises(UserError):
        build_classifier(backbone, n_classes=1, dropout=0.2)
    with pytest.raises(UserError):
        build_classifier(backbone, n_classes=3, dropout=1.0)


def test_weights_file_round_trip(tmp_path):
    from training.weights.keras_io import save_weights_atomic

    keras.utils.set_random_seed(1)
    spec = BackboneSpec(alpha=0.35, input_size=96, weights="none")
    original, _ = build_backbone(spec)
    path = save_weights_atomic(original, tmp_path / "backbone.weights.h5")
    assert sorted(os.listdir(tmp_path)) == ["backbone.weights.h5"]  # no temp file left behind
    keras.utils.set_random_seed(2)
    loaded, info = build_backbone(BackboneSpec(alpha=0.35, input_size=96, weights=str(path)))
    x = preprocess_fn("mobilenetv2")(_random_images())
    np.testing.assert_allclose(np.asarray(loaded(x, training=False)), np.asarray(original(x, training=False)), rtol=1e-5, atol=1e-6)
    assert info.source == "file" and info.pretrained and info.path == str(path)
    assert info.sha256 == hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_weights_file_problems_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        build_backbone(BackboneSpec(alpha=0.35, input_size=96, weights=str(tmp_path / "missing.weights.h5")))
    from training.weights.keras_io import save_weights_atomic

    narrow, _ = build_backbone(BackboneSpec(alpha=0.35, input_size=96, weights="none"))
    path = save_weights_atomic(narrow, tmp_path / "narrow.weights.h5")
    with pytest.raises(UserError, match="--alpha"):
        build_backbone(BackboneSpec(alpha=0.5, input_size=96, weights=str(path)))


def test_imagenet_download_failure_points_to_offline(monkeypatch):
    models = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "models"
    if list(models.glob("mobilenet_v2_weights_*_0.35_96_no_top.h5")):
        pytest.skip("these ImageNet weights are already in the Keras cache, so nothing would be downloaded")
    for var in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)
    for var in ("https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")  # the discard port: refused at once, even with internet
    with pytest.raises(UserError) as err:
        build_backbone(BackboneSpec(alpha=0.35, input_size=96, weights="imagenet"))
    assert "--weights offline" in str(err.value) and "\n" not in str(err.value)
