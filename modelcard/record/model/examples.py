"""The `examples` section (1.1): the Model Examination grid and its Grad-CAM maps."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..typed import Section


@dataclass(frozen=True, kw_only=True)
class ExampleItem(Section):
    id: str  # the image's path in the data, e.g. "animals/birds/crowned_crane.png"
    file: str  # run-relative thumbnail, e.g. "examples/00.png"
    true: str  # true class, e.g. "birds"
    pred: str  # predicted class, e.g. "birds"
    confidence: float  # top probability, 4 decimals, e.g. 0.9731
    error: bool  # pred differs from true, e.g. False
    kind: str  # "sample", "confident_error" or "confused_pair", e.g. "sample"
    gradcam_file: str | None = None  # its overlay, e.g. "examples/00-gradcam.png"


@dataclass(frozen=True, kw_only=True)
class ConfusedPair(Section):
    true: str  # e.g. "vegetables"
    predicted: str  # e.g. "fruit"
    count: int  # e.g. 1
    item: int  # index into items of its most confident image, e.g. 16


@dataclass(frozen=True, kw_only=True)
class GradCam(Section):
    error: str | None  # why no map could be made, e.g. None
    layer: str | None = None  # e.g. "out_relu"
    in_backbone: bool | None = None  # the layer lies in a nested backbone (1.2), e.g. True
    backbone: str | None = None  # that backbone model's name (1.2), e.g. "mobilenetv2_1.00_160"
    cells: list[int] | None = None  # the map's [h, w], e.g. [5, 5]
    input_size: int | None = None  # e.g. 160
    target: str | None = None  # e.g. "predicted class"
    method: str | None = None  # e.g. "Grad-CAM (tf.GradientTape), ReLU, scaled to its maximum"


@dataclass(frozen=True, kw_only=True)
class Examples(Section):
    eval_set: str  # e.g. "test"
    items: list[ExampleItem]  # in grid order
    error: str | None  # why the grid could not be made, e.g. None
    seed: int | None = None  # seed of the random sample, e.g. 0
    thumbnail_px: int | None = None  # e.g. 64
    format: str | None = None  # e.g. "png"
    colours: str | None = None  # "rgb" or "palette-256", e.g. "rgb"
    n_sample: int | None = None  # images drawn at random, e.g. 16
    n_confident_errors: int | None = None  # e.g. 1
    total_bytes: int | None = None  # bytes of all thumbnails, e.g. 177039
    duration_s: float | None = None  # e.g. 4.165
    confused_pairs: list[ConfusedPair] = field(default_factory=list)  # one per top confusion
    gradcam: GradCam | None = None  # how the maps were made
