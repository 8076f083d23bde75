"""Backbones for transfer learning: which network, which width/size, which pretrained weights.

Public API (used by feature extraction, fitting and the CLI):

* `BackboneSpec(name, alpha, input_size, weights)`: validated on creation, without importing
  TensorFlow, so a bad flag fails in milliseconds rather than after a 4 s import.
* `build_backbone(spec) -> (keras.Model, WeightsInfo)`: `include_top=False`, average pooling.
* `preprocess_fn(name)`: Keras' own `preprocess_input` for that backbone (takes 0..255 pixels).
* `build_classifier(backbone, n_classes, dropout)`: backbone + Dropout + Dense softmax head.
* `count_params(model) -> (total, trainable)`.

Keras is imported inside the functions that need it for the same reason. Randomly initialised
layers (the head, `--weights none`) follow Keras' global seed: call
`keras.utils.set_random_seed(seed)` first for reproducible runs.
"""

from __future__ import annotations

import math
import os
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from modelcard.errors import UserError
from modelcard.record.artifacts import sha256_hex

from ..weights import source as offline_source
from ..weights.keras_io import SUFFIX as WEIGHTS_SUFFIX
from ..weights.keras_io import check_weights_file

# --backbone name -> (keras.applications constructor, module holding its preprocess_input)
BACKBONES = {
    "mobilenetv2": ("MobileNetV2", "mobilenet_v2"),
    "resnet50v2": ("ResNet50V2", "resnet_v2"),
    "efficientnetb0": ("EfficientNetB0", "efficientnet"),
    "densenet121": ("DenseNet121", "densenet"),
}
MOBILENET_V2_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)  # the widths Keras builds MobileNetV2 for
MIN_INPUT_SIZE, MAX_INPUT_SIZE = 96, 224
NAMED_SOURCES = ("offline", "imagenet", "none")


def weights_source(weights: str) -> str:
    """Classify a --weights value: "offline", "imagenet", "none" or "file" (a .weights.h5 path)."""
    if weights in NAMED_SOURCES:
        return weights
    if str(weights).endswith(WEIGHTS_SUFFIX):
        return "file"
    raise UserError(f"--weights {weights!r} is not understood; use offline, imagenet, none or a path to a {WEIGHTS_SUFFIX} file")


@dataclass(frozen=True)
class BackboneSpec:
    """What to build. `weights` is "offline" (default), "imagenet", "none" or a .weights.h5 path."""

    name: str = "mobilenetv2"
    alpha: float = 1.0
    input_size: int = 224
    weights: str = "offline"

    def __post_init__(self):
        if self.name not in BACKBONES:
            raise UserError(f"unknown backbone {self.name!r}; choose one of {', '.join(BACKBONES)}")
        if self.name == "mobilenetv2" and self.alpha not in MOBILENET_V2_ALPHAS:
            raise UserError(f"--alpha {self.alpha} is not a MobileNetV2 width; choose one of {', '.join(map(str, MOBILENET_V2_ALPHAS))}")
        if self.name != "mobilenetv2" and self.alpha != 1.0:
            raise UserError(f"--alpha only applies to mobilenetv2; drop it for {self.name}")
        if isinstance(self.input_size, bool) or not isinstance(self.input_size, int) or not MIN_INPUT_SIZE <= self.input_size <= MAX_INPUT_SIZE:
            raise UserError(f"--input-size {self.input_size} is out of range; use a whole number of pixels from {MIN_INPUT_SIZE} to {MAX_INPUT_SIZE}")
        if weights_source(self.weights) == "offline" and (self.name != "mobilenetv2" or self.alpha != 1.0):
            raise UserError(
                f"offline weights exist only for mobilenetv2 with alpha 1.0, not {self.name} alpha {self.alpha}; "
                f"use --weights imagenet (needs internet), --weights none or a path to a {WEIGHTS_SUFFIX} file"
            )


@dataclass(frozen=True)
class WeightsInfo:
    """Provenance of the backbone's starting weights, as recorded in the run and shown on the card."""

    source: str  # "offline" | "imagenet" | "none" | "file"
    description: str
    origin: str
    sha256: str | None
    license: str | None
    pretrained: bool
    path: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def _offline_info() -> WeightsInfo:
    return WeightsInfo(
        source="offline",
        description="ImageNet-pretrained MobileNetV2 (width 1.0) from torchvision, converted to Keras offline",
        origin=offline_source.ORIGIN,
        sha256=offline_source.SHA256,
        license=offline_source.LICENSE,
        pretrained=True,
        path=None,
    )


def _imagenet_info(spec: BackboneSpec) -> WeightsInfo:
    constructor = BACKBONES[spec.name][0]
    return WeightsInfo(
        source="imagenet",
        description=f"ImageNet-pretrained {constructor} weights from Keras Applications",
        origin=f"downloaded by keras.applications.{constructor}(weights='imagenet')",
        sha256=None,
        license=None,
        pretrained=True,
        path=None,
    )


def _none_info() -> WeightsInfo:
    return WeightsInfo(
        source="none",
        description="no pretrained weights were used: the backbone was randomly initialised (for tests only)",
        origin="random initialisation",
        sha256=None,
        license=None,
        pretrained=False,
        path=None,
    )


def _file_info(path: Path) -> WeightsInfo:
    return WeightsInfo(
        source="file",
        description=f"weights loaded from the file {path.name}",
        origin=f"user-supplied {WEIGHTS_SUFFIX} file",
        sha256=sha256_hex(path),
        license=None,
        pretrained=True,
        path=str(path),
    )


def _is_download_failure(exc: Exception) -> bool:
    # keras.utils.get_file re-raises URLError/HTTPError as a bare Exception("URL fetch failure ...")
    return isinstance(exc, (urllib.error.URLError, OSError)) or "URL fetch failure" in str(exc)


KERAS_WEIGHTS_HOST = "https://storage.googleapis.com"  # where keras.applications downloads weights from
# the start of the no-top weights file name Keras caches under $KERAS_HOME/models, per backbone
KERAS_CACHE_PREFIX = {"mobilenetv2": "mobilenet_v2_", "resnet50v2": "resnet50v2_", "efficientnetb0": "efficientnetb0_",
                      "densenet121": "densenet121_"}


def _keras_cache_has(spec: BackboneSpec) -> bool:
    folder = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras") / "models"
    prefix = KERAS_CACHE_PREFIX.get(spec.name, spec.name)
    return folder.is_dir() and any(p.name.startswith(prefix) and ("notop" in p.name or "no_top" in p.name)
                                   for p in folder.iterdir())


def _reachable(url: str, timeout_s: float = 5.0) -> bool:
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout_s).close()
    except urllib.error.HTTPError:
        return True  # the server answered
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return True


def check_weights_available(spec: BackboneSpec) -> None:
    """Before TensorFlow loads, so the error is the only line: a weights file must exist and be HDF5;
    ImageNet weights must be in Keras' cache or their download host must answer."""
    kind = weights_source(spec.weights)
    if kind == "file":
        check_weights_file(Path(spec.weights), "weights file")
    elif kind == "imagenet" and not _keras_cache_has(spec) and not _reachable(KERAS_WEIGHTS_HOST):
        raise UserError(f"cannot reach {KERAS_WEIGHTS_HOST} to download ImageNet weights (no internet?); use "
                        "--weights offline (bundled MobileNetV2 weights) or --weights none")


def _construct(spec: BackboneSpec, keras_weights: str | None):
    import keras

    constructor = getattr(keras.applications, BACKBONES[spec.name][0])
    kwargs = {"alpha": spec.alpha} if spec.name == "mobilenetv2" else {}
    try:
        return constructor(
            input_shape=(spec.input_size, spec.input_size, 3), include_top=False, pooling="avg", weights=keras_weights, **kwargs
        )
    except Exception as exc:
        if keras_weights == "imagenet" and _is_download_failure(exc):
            raise UserError(
                "could not download ImageNet weights (no internet?); use --weights offline (bundled MobileNetV2 weights) or --weights none"
            ) from None
        raise


def build_backbone(spec: BackboneSpec):
    """Build the pooled feature extractor for `spec` and say where its weights came from."""
    from ..weights.keras_io import load_weights_file
    from ..weights.offline import load_offline_weights

    kind = weights_source(spec.weights)
    if kind == "file":
        path = Path(spec.weights)
        model = _construct(spec, None)
        load_weights_file(model, path, what="weights file")
        return model, _file_info(path)
    if kind == "imagenet":
        return _construct(spec, "imagenet"), _imagenet_info(spec)
    model = _construct(spec, None)
    if kind == "none":
        return model, _none_info()
    load_offline_weights(model, include_top=False)
    return model, _offline_info()


def preprocess_fn(name: str):
    """Keras' own `preprocess_input` for backbone `name` (expects float pixels in 0..255)."""
    if name not in BACKBONES:
        raise UserError(f"unknown backbone {name!r}; choose one of {', '.join(BACKBONES)}")
    import keras

    return getattr(keras.applications, BACKBONES[name][1]).preprocess_input


def build_classifier(backbone, n_classes: int, dropout: float):
    """The backbone followed by Dropout and a Dense softmax over `n_classes`."""
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 2:
        raise UserError(f"a classifier needs at least 2 classes, got {n_classes}; check the dataset labels")
    if not 0.0 <= dropout < 1.0:
        raise UserError(f"--dropout {dropout} is out of range; use a value from 0 up to (not including) 1")
    import keras

    features = keras.layers.Dropout(dropout, name="head_dropout")(backbone.output)
    outputs = keras.layers.Dense(n_classes, activation="softmax", name="head_softmax")(features)
    return keras.Model(backbone.input, outputs, name=f"{backbone.name}_classifier")


def count_params(model) -> tuple[int, int]:
    """(total, trainable) parameter counts, the numbers the card reports."""
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    return int(model.count_params()), trainable
