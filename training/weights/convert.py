"""Map torchvision's MobileNetV2 state dict onto stock `keras.applications.MobileNetV2` layers.

Pure numpy (no TensorFlow), so the mapping can be checked quickly and on its own. Three
adjustments make the torch numbers mean the same thing in Keras:

* layouts: conv kernels (O, I, kh, kw) -> (kh, kw, I, O); depthwise (C, 1, kh, kw) ->
  (kh, kw, C, 1); the Linear classifier (out, in) -> Dense (in, out).
* BatchNorm epsilon: torch uses 1e-5, Keras 1e-3. Scaling gamma by
  sqrt(var + 1e-3) / sqrt(var + 1e-5) gives identical outputs at inference.
* input scaling: torchvision feeds (x01 - mean) / std per channel; Keras' own
  `mobilenet_v2.preprocess_input` feeds x_k = 2 * x01 - 1. Substituting
  x01 = (x_k + 1) / 2 gives x_t = x_k / (2 std) + (0.5 - mean) / std, so the first conv on x_t
  equals a conv with kernel W / (2 std_c) on x_k plus a per-output-channel constant
  b_o = sum_{c,i,j} W[o, c, i, j] * (0.5 - mean_c) / std_c, which is moved into bn_Conv1's
  moving mean (mean' = mean - b). This is exact wherever the 3x3 window lies inside the image;
  on the one-pixel zero-padded border Keras pads with x_k = 0 (grey, x01 = 0.5) where torch pads
  with x_t = 0 (x01 = mean), a negligible difference. The stride-2 padding itself also differs
  (Keras pads bottom/right only, torch symmetrically), so outputs are close, not identical.
"""

from __future__ import annotations

import numpy as np

TORCH_BN_EPSILON = 1e-5
KERAS_BN_EPSILON = 1e-3
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406])
IMAGENET_STD = np.array([0.229, 0.224, 0.225])
NUM_BLOCKS = 16  # Keras block_1..block_16 <- torchvision features.2..17
TOP_LAYER = "predictions"


def _conv(kernel: np.ndarray) -> list[np.ndarray]:
    return [kernel.transpose(2, 3, 1, 0)]


def _depthwise(kernel: np.ndarray) -> list[np.ndarray]:
    return [kernel.transpose(2, 3, 0, 1)]


def _batchnorm(state: dict[str, np.ndarray], prefix: str, mean: np.ndarray | None = None) -> list[np.ndarray]:
    """[gamma, beta, moving_mean, moving_variance] with gamma rescaled for Keras' epsilon."""
    var = state[f"{prefix}.running_var"].astype(np.float64)
    gamma = state[f"{prefix}.weight"] * np.sqrt(var + KERAS_BN_EPSILON) / np.sqrt(var + TORCH_BN_EPSILON)
    mean = state[f"{prefix}.running_mean"] if mean is None else mean
    return [gamma, state[f"{prefix}.bias"], mean, state[f"{prefix}.running_var"]]


def fold_input_normalisation(kernel: np.ndarray, bn_mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fold torchvision's mean/std input normalisation into the first conv (torch layout).

    Returns (kernel', bn_mean') such that conv(kernel', x_k) - bn_mean' equals
    conv(kernel, x_t) - bn_mean for inputs scaled to [-1, 1] (see module docstring).
    """
    k = kernel.astype(np.float64)
    scaled = k / (2.0 * IMAGENET_STD)[None, :, None, None]
    shift = ((0.5 - IMAGENET_MEAN) / IMAGENET_STD)[None, :, None, None]
    constant = (k * shift).sum(axis=(1, 2, 3))
    return scaled, bn_mean.astype(np.float64) - constant


def _block_layers(state: dict[str, np.ndarray], keras_prefix: str, torch_index: int, expand: bool) -> dict:
    """One inverted-residual block; torchvision numbers its sub-modules differently with/without expansion."""
    t = f"features.{torch_index}.conv"
    layers = {}
    if expand:
        layers[f"{keras_prefix}_expand"] = _conv(state[f"{t}.0.0.weight"])
        layers[f"{keras_prefix}_expand_BN"] = _batchnorm(state, f"{t}.0.1")
        dw, project, project_bn = f"{t}.1", f"{t}.2", f"{t}.3"
    else:
        dw, project, project_bn = f"{t}.0", f"{t}.1", f"{t}.2"
    layers[f"{keras_prefix}_depthwise"] = _depthwise(state[f"{dw}.0.weight"])
    layers[f"{keras_prefix}_depthwise_BN"] = _batchnorm(state, f"{dw}.1")
    layers[f"{keras_prefix}_project"] = _conv(state[f"{project}.weight"])
    layers[f"{keras_prefix}_project_BN"] = _batchnorm(state, project_bn)
    return layers


def keras_layer_weights(state: dict[str, np.ndarray]) -> dict[str, list[np.ndarray]]:
    """Keras layer name -> weights list (float32, `layer.set_weights` order) for MobileNetV2 alpha 1.0.

    Includes the ImageNet top as layer "predictions"; drop it for `include_top=False`.
    Raises KeyError if the state dict lacks an expected torchvision entry.
    """
    kernel, bn_mean = fold_input_normalisation(state["features.0.0.weight"], state["features.0.1.running_mean"])
    layers = {"Conv1": _conv(kernel), "bn_Conv1": _batchnorm(state, "features.0.1", mean=bn_mean)}
    layers.update(_block_layers(state, "expanded_conv", 1, expand=False))
    for block in range(1, NUM_BLOCKS + 1):
        layers.update(_block_layers(state, f"block_{block}", block + 1, expand=True))
    layers["Conv_1"] = _conv(state["features.18.0.weight"])
    layers["Conv_1_bn"] = _batchnorm(state, "features.18.1")
    layers[TOP_LAYER] = [state["classifier.1.weight"].T, state["classifier.1.bias"]]
    return {name: [np.ascontiguousarray(w, dtype=np.float32) for w in ws] for name, ws in layers.items()}
