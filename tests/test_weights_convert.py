"""The torch -> Keras MobileNetV2 mapping, checked with numpy against direct formulas (no TF)."""

import numpy as np
import pytest

from training.weights import source
from training.weights.convert import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    KERAS_BN_EPSILON,
    TORCH_BN_EPSILON,
    fold_input_normalisation,
    keras_layer_weights,
)
from training.weights.torch_legacy import read_state_dict


@pytest.fixture(scope="module")
def state():
    return read_state_dict(source.verified_checkpoint())


@pytest.fixture(scope="module")
def layers(state):
    return keras_layer_weights(state)


def test_every_parameter_lands_in_a_keras_layer(layers):
    assert len(layers) == 105  # 52 conv + 52 BatchNorm + the Dense top
    assert sum(w.size for ws in layers.values() for w in ws) == 3_538_984
    assert layers["Conv1"][0].shape == (3, 3, 3, 32)
    assert layers["expanded_conv_depthwise"][0].shape == (3, 3, 32, 1)
    assert layers["block_16_project"][0].shape == (1, 1, 960, 320)
    assert layers["predictions"][0].shape == (1280, 1000)
    assert all(w.dtype == np.float32 for ws in layers.values() for w in ws)


def test_kernels_are_transposed_not_reshaped(state, layers):
    torch_kernel = state["features.5.conv.0.0.weight"]  # block_4 expand, (O, I, 1, 1)
    np.testing.assert_array_equal(layers["block_4_expand"][0][0, 0], torch_kernel[:, :, 0, 0].T)
    dw = state["features.5.conv.1.0.weight"]  # block_4 depthwise, (C, 1, 3, 3)
    np.testing.assert_array_equal(layers["block_4_depthwise"][0][1, 2, :, 0], dw[:, 0, 1, 2])


def _bn(x, gamma, beta, mean, var, eps):
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def test_batchnorm_epsilon_rescale_is_exact(state, layers):
    x = np.random.default_rng(0).normal(size=(7, 1280))
    t = {k: state[f"features.18.1.{k}"].astype(np.float64) for k in ("weight", "bias", "running_mean", "running_var")}
    torch_out = _bn(x, t["weight"], t["bias"], t["running_mean"], t["running_var"], TORCH_BN_EPSILON)
    keras_out = _bn(x, *[w.astype(np.float64) for w in layers["Conv_1_bn"]], KERAS_BN_EPSILON)
    np.testing.assert_allclose(keras_out, torch_out, rtol=1e-5, atol=1e-5)


def test_input_normalisation_fold_matches_torchvision_preprocessing():
    rng = np.random.default_rng(1)
    kernel, bn_mean = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    patch01 = rng.uniform(size=(3, 3, 3))  # one interior 3x3 window of an RGB image in [0, 1], (C, kh, kw)
    torch_input = (patch01 - IMAGENET_MEAN[:, None, None]) / IMAGENET_STD[:, None, None]
    keras_input = 2.0 * patch01 - 1.0  # keras.applications.mobilenet_v2.preprocess_input on 0..255 pixels
    folded_kernel, folded_mean = fold_input_normalisation(kernel, bn_mean)
    torch_pre_bn = np.einsum("ocij,cij->o", kernel, torch_input) - bn_mean
    keras_pre_bn = np.einsum("ocij,cij->o", folded_kernel, keras_input) - folded_mean
    np.testing.assert_allclose(keras_pre_bn, torch_pre_bn, rtol=1e-10, atol=1e-10)
