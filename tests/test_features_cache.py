"""Feature cache keys and files, preprocessing layers, and finetune block detection."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from training.model.features import FeatureKey, cache_path, load_cached, split_features, store_cached
from training.model.finetune import block_ids

KEY = FeatureKey("sha256:abc", "train", "d1", "mobilenetv2", 1.0, "sha256:w", 160, "rescale")


@pytest.mark.parametrize("field, value", [("content_hash", "sha256:x"), ("split", "val"), ("samples_digest", "d2"),
                                          ("backbone", "resnet50v2"), ("alpha", 0.5), ("weights_id", "none:seed=1"),
                                          ("input_size", 96), ("preprocessing", "other")])
def test_every_key_field_changes_the_digest(field, value):
    assert dataclasses.replace(KEY, **{field: value}).digest() != KEY.digest()


def test_cache_roundtrip_and_damaged_file(tmp_path):
    features = np.arange(12, dtype=np.float32).reshape(3, 4)
    calls = []
    got, cached = split_features(KEY, lambda: calls.append(1) or features, 3, tmp_path)
    assert not cached and calls == [1]
    got, cached = split_features(KEY, lambda: calls.append(1) or features, 3, tmp_path)
    assert cached and calls == [1] and np.array_equal(got, features)
    assert load_cached(cache_path(tmp_path, KEY), n_expected=4) is None  # wrong length: recompute
    cache_path(tmp_path, KEY).write_bytes(b"not a zip")
    assert load_cached(cache_path(tmp_path, KEY), 3) is None
    store_cached(cache_path(tmp_path, KEY), features, KEY)
    with np.load(cache_path(tmp_path, KEY), allow_pickle=False) as npz:
        assert "mobilenetv2" in str(npz["key"])


def test_block_ids_follow_keras_application_names():
    names = ["input", "Conv1", "block_15_expand", "block_15_project", "block_16_expand", "Conv_1", "out_relu"]
    assert block_ids(names) == [None, None, "block_15", "block_15", "block_16", "block_16", "block_16"]
    assert block_ids(["conv5_block3_1_conv", "post_bn"]) == ["conv5_block3", "conv5_block3"]
    assert block_ids(["block7a_expand_conv", "top_conv"]) == ["block7a", "block7a"]


@pytest.mark.tf
@pytest.mark.parametrize("backbone", ["mobilenetv2", "resnet50v2", "densenet121", "efficientnetb0"])
def test_preprocessing_layers_equal_keras_preprocess_input(backbone):
    import keras

    from training.model.backbones import preprocess_fn
    from training.model.full_model import preprocessing_layers

    pixels = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype(np.float32)
    x = keras.ops.convert_to_tensor(pixels)
    for layer in preprocessing_layers(backbone):
        x = layer(x)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(x), preprocess_fn(backbone)(pixels.copy()), atol=1e-5)
