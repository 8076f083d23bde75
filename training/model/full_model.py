"""The saved model: raw RGB pixels in, class probabilities out, built from stock Keras layers.

Why built-in layers only: `model.keras` must load with plain `keras.saving.load_model(path)`
(no custom objects, no Lambda, safe mode on) on any machine, and predict on raw 0..255 images
through its own resizing and preprocessing. The feature extractor used for training is the
very same sub-model, so head-on-cached-features predictions equal the saved model's.
"""

from __future__ import annotations

from pathlib import Path

from modelcard import atomic
from modelcard.errors import UserError

from modelcard.record.artifacts import sha256_hex

# Keras' preprocess_input per backbone, restated as layers (checked against it in the tests).
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
PREPROCESSING = {
    "mobilenetv2": "scale pixels to [-1, 1] (x / 127.5 - 1), as mobilenet_v2.preprocess_input",
    "resnet50v2": "scale pixels to [-1, 1] (x / 127.5 - 1), as resnet_v2.preprocess_input",
    "efficientnetb0": "none outside the backbone (EfficientNetB0 rescales and normalises inside)",
    "densenet121": "x / 255, then ImageNet mean/std normalisation, as densenet.preprocess_input",
}


def preprocessing_layers(backbone: str) -> list:
    """Keras layers equal to the backbone's `preprocess_input` on 0..255 pixels."""
    import keras

    if backbone in ("mobilenetv2", "resnet50v2"):
        return [keras.layers.Rescaling(1 / 127.5, offset=-1.0, name="preprocess_rescale")]
    if backbone == "efficientnetb0":
        return []
    if backbone == "densenet121":
        return [keras.layers.Rescaling(1 / 255.0, name="preprocess_rescale"),
                keras.layers.Normalization(mean=list(IMAGENET_MEAN), variance=[s * s for s in IMAGENET_STD],
                                           name="preprocess_normalize")]
    raise UserError(f"unknown backbone {backbone!r}; choose one of {', '.join(PREPROCESSING)}")


def preprocessing_text(backbone: str, input_size: int) -> str:
    """How pixels are prepared, in words, for the record and the card."""
    return (f"decode as RGB (alpha composited on white), resize to {input_size}x{input_size} (bilinear), "
            f"{PREPROCESSING[backbone]}")


def build_extractor(backbone_model, backbone: str, input_size: int):
    """Pixels 0..255 at `input_size` -> pooled features: preprocessing layers + backbone."""
    import keras

    layers = [keras.Input((input_size, input_size, 3), name="pixels"), *preprocessing_layers(backbone), backbone_model]
    return keras.Sequential(layers, name="feature_extractor")


def build_head(n_features: int, n_classes: int, dropout: float):
    """The trainable head on pooled features: Dropout -> Dense softmax."""
    import keras

    inputs = keras.Input((n_features,), name="features")
    x = keras.layers.Dropout(dropout, name="head_dropout")(inputs)
    outputs = keras.layers.Dense(n_classes, activation="softmax", name="head_softmax")(x)
    return keras.Model(inputs, outputs, name="head")


def build_full_model(extractor, head, input_size: int, name: str = "classifier"):
    """Raw RGB of any size -> Resizing -> extractor -> head: the model that is saved."""
    import keras

    inputs = keras.Input((None, None, 3), name="image")
    x = keras.layers.Resizing(input_size, input_size, interpolation="bilinear", name="resize")(inputs)
    outputs = head(extractor(x))
    return keras.Model(inputs, outputs, name=name)


def save_model_atomic(model, path: Path) -> dict:
    """Save `model` as `.keras` (no optimizer state) without ever leaving a half-written file:
    Keras writes to a temp name beside `path` that is renamed into place on success.
    Returns `{file_bytes, file_sha256}`."""
    path = Path(path)
    with atomic.atomic_path(path, ".keras") as tmp:
        model.save(str(tmp), include_optimizer=False)
    return {"file_bytes": path.stat().st_size, "file_sha256": sha256_hex(path)}


def model_input_size(model) -> int | None:
    """The square size a loaded model resizes to: its Resizing layer, else its fixed input shape."""
    for layer in _walk(model):
        if type(layer).__name__ == "Resizing":
            return int(layer.height)
    shape = model.input_shape
    if isinstance(shape, list):
        shape = shape[0]
    if len(shape) == 4 and shape[1] and shape[1] == shape[2]:
        return int(shape[1])
    return None


def _walk(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _walk(layer)
