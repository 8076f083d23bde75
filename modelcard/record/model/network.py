"""The `model` section: backbone, weights, head and sizes (null for `record` runs)."""

from __future__ import annotations

from dataclasses import dataclass

from ..typed import Section


@dataclass(frozen=True, kw_only=True)
class Weights(Section):
    source: str  # "offline", "imagenet", "none" or "file", e.g. "offline"
    pretrained: bool | None  # None: unknown (evaluate of a model trained elsewhere), e.g. True
    description: str | None = None  # e.g. "ImageNet-pretrained MobileNetV2 (width 1.0) from torchvision ..."
    origin: str | None = None  # where the weights came from, e.g. "torchvision MobileNetV2 ImageNet checkpoint ..."
    sha256: str | None = None  # hash of the weights file, e.g. "b0353104..."
    license: str | None = None  # licence of the weights, e.g. "BSD-3-Clause"
    path: str | None = None  # the model file evaluated (source "file"), e.g. None


@dataclass(frozen=True, kw_only=True)
class Head(Section):
    dropout: float | None = None  # dropout before the softmax layer, e.g. 0.2
    units: int | None = None  # outputs of the softmax layer (the classes), e.g. 8


@dataclass(frozen=True, kw_only=True)
class Model(Section):
    backbone: str  # e.g. "mobilenetv2"
    weights: Weights  # the starting weights
    total_params: int | None  # parameters of the saved model, e.g. 2268232
    trainable_params: int | None  # of which trainable, e.g. 10248
    file_bytes: int | None  # size of model.keras, e.g. 9762877
    alpha: float | None = None  # width multiplier, e.g. 1.0
    input_size: int | None = None  # square input size in pixels, e.g. 160
    head: Head | None = None  # the classification head
    preprocessing: str | None = None  # how pixels are prepared, e.g. "decode as RGB (alpha on white), resize to 160x160 ..."
    preprocessing_in_model: str | None = None  # the last steps, done by the saved model's own first layers (1.3), e.g. "scale pixels to [-1, 1] (x / 127.5 - 1), as mobilenet_v2.preprocess_input"
    file_sha256: str | None = None  # hash of model.keras, e.g. "f4d76f26..."
