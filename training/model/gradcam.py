"""Grad-CAM (Selvaraju et al., 2017) on the backbone's last convolutional block, with
`tf.GradientTape` directly: a few lines and no extra dependency (tf-keras-vis 0.8.7, its last
release, describes itself as a toolkit for tf.keras; it was not adopted for Keras 3).

For a class c with pre-softmax score y_c and the last convolutional feature maps A_k
(h x w cells each): alpha_k = mean over cells of dy_c/dA_k, map = ReLU(sum_k alpha_k A_k),
divided by its maximum so it lies in [0, 1] (all zeros when nothing speaks for the class).
The maps are as coarse as A: for MobileNetV2 at 160 px that is 5 x 5 cells of 32 px each.

Which models work: a chain of layers (nested Sequential models are opened) holding one nested
backbone model with convolutions (every transfer-learning model `modelcard train` saves, and
most made with `keras.applications`), or a plain chain whose convolutions sit at the top
level. The split model is checked against the whole model's own predictions, so a model it
does not understand raises a clear error instead of giving wrong maps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CONV_TYPES = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D")


class GradCamUnsupported(ValueError):
    """The model's structure does not allow Grad-CAM (no convolution, not a chain)."""


@dataclass
class GradCamModel:
    """The model split at its last convolutional block."""

    before: list          # layers from raw pixels up to the backbone's input (resize, preprocessing)
    split: object         # keras.Model: backbone input -> [last conv maps, backbone output]
    after: list           # layers from the backbone output to the class probabilities
    layer: str            # e.g. "out_relu"
    cells: tuple[int, int]  # e.g. (5, 5)
    backbone: str | None = None  # the nested model holding `layer` (e.g. "mobilenetv2_1.00_160"); None: a top-level layer


def _is_model(layer) -> bool:
    return hasattr(layer, "layers") and hasattr(layer, "inputs")


def _has_conv(layer) -> bool:
    return type(layer).__name__ in CONV_TYPES or (_is_model(layer) and any(_has_conv(x) for x in layer.layers))


def _chain(model) -> list:
    """The model's layers in order, nested Sequential models opened, input layers dropped."""
    steps = []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        if type(layer).__name__ == "Sequential":
            steps += _chain(layer)
        else:
            steps.append(layer)
    return steps


def _rank4(layer) -> bool:
    try:
        return len(layer.output.shape) == 4
    except (AttributeError, ValueError):
        return False


def build_gradcam_model(model) -> GradCamModel:
    """Split `model` (raw RGB pixels -> probabilities) at its last convolutional block."""
    import keras

    steps = _chain(model)
    nested = [k for k, step in enumerate(steps) if _is_model(step) and _has_conv(step)]
    if nested:
        k = nested[-1]
        backbone = steps[k]
        inner = [layer for layer in _chain(backbone) if _rank4(layer)]
        convs = [i for i, layer in enumerate(inner) if type(layer).__name__ in CONV_TYPES]
        if not convs:
            raise GradCamUnsupported(f"no convolutional layer with a spatial output in {backbone.name}")
        target = inner[-1]
        split = keras.Model(backbone.inputs, [target.output, backbone.outputs[0]], name="gradcam_split")
        before, after, backbone_name = steps[:k], steps[k + 1:], backbone.name
    else:
        backbone_name = None
        convs = [k for k, step in enumerate(steps) if type(step).__name__ in CONV_TYPES]
        if not convs:
            raise GradCamUnsupported("the model has no convolutional layer")
        k = max(i for i, step in enumerate(steps) if _rank4(step) and i >= convs[-1])
        target = steps[k]
        before, after, split = steps[:convs[0]], steps[k + 1:], _TopLevelSplit(steps[convs[0]:k + 1])
    shape = target.output.shape
    return GradCamModel(before, split, after, target.name, (int(shape[1] or 0), int(shape[2] or 0)), backbone_name)


class _TopLevelSplit:
    """[conv maps, conv maps] for a chain whose convolutions are top-level layers."""

    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x, training=False):
        for layer in self.layers:
            x = layer(x, training=training)
        return [x, x]


def _scores(layers: list, x):
    """Run `layers`; the last softmax is left out, so the result is the pre-softmax score."""
    import keras

    for k, layer in enumerate(layers):
        last = k == len(layers) - 1
        if last and _is_model(layer):
            return _scores(_chain(layer), x)
        name = type(layer).__name__
        activation = getattr(getattr(layer, "activation", None), "__name__", "")
        if last and name == "Dense" and activation == "softmax":
            y = keras.ops.matmul(x, layer.kernel)
            return y + layer.bias if layer.use_bias else y
        if last and (name == "Softmax" or (name == "Activation" and activation == "softmax")):
            return x
        x = layer(x, training=False)
    return keras.ops.log(keras.ops.maximum(x, 1e-12))  # no softmax found: log-probabilities


def _prepare(gc: GradCamModel, image: np.ndarray):
    x = np.asarray(image, dtype=np.float32)[None]
    for layer in gc.before:
        x = layer(x, training=False)
    return x


def gradcam_maps(model, images: list[np.ndarray], classes: list[int], gc: GradCamModel | None = None,
                 check_atol: float = 1e-3) -> np.ndarray:
    """(n, h, w) maps in [0, 1] for each raw RGB image (any size) and its target class.

    Raises GradCamUnsupported when the split model does not reproduce `model`'s predictions."""
    import tensorflow as tf
    import keras

    gc = gc or build_gradcam_model(model)
    if not images:
        return np.zeros((0, *gc.cells), dtype=np.float32)
    x = keras.ops.concatenate([_prepare(gc, image) for image in images], axis=0)
    with tf.GradientTape() as tape:
        conv, pooled = gc.split(x, training=False)
        scores = _scores(gc.after, pooled)
        picked = tf.gather(scores, np.asarray(classes, dtype=np.int32), axis=1, batch_dims=1)
    grads = tape.gradient(picked, conv).numpy()
    expected = np.stack([np.asarray(model(np.asarray(im, np.float32)[None], training=False))[0] for im in images])
    if not np.allclose(tf.nn.softmax(scores).numpy(), expected, atol=check_atol):
        raise GradCamUnsupported("the split model does not reproduce the model's predictions (not a plain chain of layers)")
    weights = grads.mean(axis=(1, 2))                            # (n, k)
    cams = np.maximum(np.einsum("nhwk,nk->nhw", conv.numpy(), weights), 0.0)
    peak = cams.max(axis=(1, 2), keepdims=True)
    return np.where(peak > 0, cams / np.where(peak > 0, peak, 1.0), 0.0).astype(np.float32)
