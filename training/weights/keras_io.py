"""Saving and loading Keras `.weights.h5` files safely.

Keras writes weights straight to the given path, so a crash could leave a half-written file
that a later run would trust. We save to a temp name in the same folder (Keras insists on the
`.weights.h5` suffix) and rename it into place with `modelcard.atomic.atomic_path`.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from modelcard import atomic
from modelcard.errors import UserError

SUFFIX = ".weights.h5"
# An HDF5 file starts with this signature at byte 0, or at 512, 1024, 2048, ... after a user block.
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def is_hdf5(path: Path) -> bool:
    """True when `path` carries the HDF5 format signature (checked without h5py or TensorFlow)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        offset = 0
        while offset + len(HDF5_SIGNATURE) <= size:
            f.seek(offset)
            if f.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE:
                return True
            offset = 512 if offset == 0 else offset * 2
    return False


def check_weights_file(path: Path, what: str) -> Path:
    """A `.weights.h5` path that exists and is HDF5, else UserError; cheap, so it runs before TF loads."""
    path = Path(path)
    if not path.name.endswith(SUFFIX):
        raise UserError(f"{what} {path} is not a Keras {SUFFIX} file; pass a path ending in {SUFFIX}")
    if not path.is_file():
        raise UserError(f"{what} {path} does not exist; check the path")
    if not is_hdf5(path):
        raise UserError(f"{what} {path} is not an HDF5 weights file (no HDF5 signature: corrupt, truncated or "
                        "another format); save it again with model.save_weights('name.weights.h5')")
    return path


def save_weights_atomic(model, path: Path) -> Path:
    """Write `model`'s weights to `path` (must end in .weights.h5), never half-written."""
    path = Path(path)
    if not path.name.endswith(SUFFIX):
        raise UserError(f"weights file name {path.name} must end in {SUFFIX}; rename it")
    with atomic.atomic_path(path, SUFFIX) as tmp:
        model.save_weights(str(tmp), overwrite=True)
    return path


def load_weights_file(model, path: Path, what: str) -> None:
    """Load a `.weights.h5` file into `model`; UserError (naming `what`) if missing or mismatched."""
    path = check_weights_file(path, what)
    # Keras warns (once per nested container) instead of failing when parts of a file do not
    # match; a partly loaded backbone must never pass as pretrained, so such warnings are errors.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.load_weights(path)
            problem = next((str(w.message) for w in caught if "Skipping" in str(w.message)), None)
        except (ValueError, OSError, KeyError) as exc:
            problem = str(exc).strip() or type(exc).__name__
    if problem is not None:
        summary = problem.splitlines()[0].split(". Example")[0][:160]
        raise UserError(
            f"{what} {path} does not fit this {model.name} architecture ({summary}); "
            "use the --backbone and --alpha it was saved with"
        )
    for w in caught:
        if not issubclass(w.category, DeprecationWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def set_layer_weights(model, layer_weights: dict) -> None:
    """Assign {layer name: weights list} to `model`, insisting every weighted layer is covered."""
    weighted = {layer.name for layer in model.layers if layer.weights}
    missing, extra = sorted(weighted - set(layer_weights)), sorted(set(layer_weights) - weighted)
    if missing or extra:
        raise ValueError(f"weights do not match {model.name}: missing {missing[:5]}, unexpected {extra[:5]}")
    for name in sorted(weighted):
        model.get_layer(name).set_weights(layer_weights[name])
