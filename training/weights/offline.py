"""The `offline` weights source: torchvision's ImageNet MobileNetV2 converted once to Keras.

Conversion takes a few seconds, so the resulting `.weights.h5` files are cached under
`<cache>/weights/<source sha256>/`, where <cache> is `$MODELCARD_CACHE`, else
`$XDG_CACHE_HOME/modelcard`, else `~/.cache/modelcard`. Keying by the source sha256 (and a
converter version in the file name) means a different checkpoint or a changed conversion can
never be served a stale file. Each file is written to a temp name and renamed into place, so
two processes converting at once both end with a complete file and readers never see a
partial one.
"""

from __future__ import annotations

import os
from pathlib import Path

from modelcard.errors import UserError

from . import source
from .convert import TOP_LAYER, keras_layer_weights
from .keras_io import load_weights_file, save_weights_atomic, set_layer_weights
from .torch_legacy import read_state_dict

CONVERTER_VERSION = 1  # bump whenever convert.py changes what it produces
IMAGENET_INPUT_SIZE = 224  # the ImageNet top is a Dense on 7x7 pooled features of a 224 px input


def cache_root() -> Path:
    """The user cache folder for modelcard (see module docstring for the lookup order)."""
    if os.environ.get("MODELCARD_CACHE"):
        return Path(os.environ["MODELCARD_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "modelcard"


def cached_weights_path(include_top: bool, sha256: str = source.SHA256) -> Path:
    """Where the converted weights for this source checkpoint live (whether or not they exist yet)."""
    variant = "top" if include_top else "notop"
    return cache_root() / "weights" / sha256 / f"mobilenet_v2_1.0_{variant}.conv{CONVERTER_VERSION}.weights.h5"


def _mobilenet_v2(include_top: bool, input_size: int):
    import keras  # deferred: the rest of this package works without TensorFlow

    return keras.applications.MobileNetV2(
        input_shape=(input_size, input_size, 3), alpha=1.0, include_top=include_top, weights=None, pooling=None if include_top else "avg"
    )


def _convert_into_cache(checkpoint: Path) -> None:
    """Convert the verified checkpoint and cache both the with-top and no-top weights files."""
    folder = cached_weights_path(True).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create weights cache {folder}: {exc.strerror}; set MODELCARD_CACHE to a writable folder") from None
    layers = keras_layer_weights(read_state_dict(checkpoint))
    for include_top in (True, False):
        model = _mobilenet_v2(include_top, IMAGENET_INPUT_SIZE)
        wanted = layers if include_top else {k: v for k, v in layers.items() if k != TOP_LAYER}
        set_layer_weights(model, wanted)
        save_weights_atomic(model, cached_weights_path(include_top))


def offline_weights_file(include_top: bool) -> Path:
    """Path of the converted Keras weights, converting (after the sha256 check) on first use."""
    checkpoint = source.verified_checkpoint()
    path = cached_weights_path(include_top)
    if not path.is_file():
        _convert_into_cache(checkpoint)
    return path


def load_offline_weights(model, include_top: bool) -> Path:
    """Load the offline ImageNet weights into a MobileNetV2 (alpha 1.0) built by the caller."""
    path = offline_weights_file(include_top)
    load_weights_file(model, path, what="cached offline weights")
    return path


def imagenet_classifier():
    """Full MobileNetV2 with its 1000-class ImageNet top and the offline weights (224 px input)."""
    model = _mobilenet_v2(include_top=True, input_size=IMAGENET_INPUT_SIZE)
    load_offline_weights(model, include_top=True)
    return model
