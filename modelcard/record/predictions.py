"""Per-sample predictions of one evaluation set, stored as a pickle-free `.npz`.

Arrays: `ids` (str), `y_true` (int), `y_prob` (float32, n x k), `class_names` (str) and one
`attr__<column>` (str) per slicing attribute. Only numeric and unicode arrays are written,
and files are always read with `allow_pickle=False`, so reading one can never run code.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import atomic
from ..errors import UserError

ATTR_PREFIX = "attr__"


@dataclass
class Predictions:
    """What a model predicted on one labelled set."""

    ids: np.ndarray          # (n,) str, e.g. "test/cat/001.png"
    y_true: np.ndarray       # (n,) int index into class_names
    y_prob: np.ndarray       # (n, k) float, rows sum to 1
    class_names: list[str]   # k names, in column order
    attributes: dict[str, np.ndarray] = field(default_factory=dict)  # column -> (n,) str

    def __post_init__(self) -> None:
        n, k = len(self.y_true), len(self.class_names)
        if self.y_prob.shape != (n, k) or len(self.ids) != n:
            raise ValueError(f"inconsistent predictions: {len(self.ids)} ids, {n} labels, "
                             f"y_prob {self.y_prob.shape}, {k} classes")
        for name, values in self.attributes.items():
            if len(values) != n:
                raise ValueError(f"attribute {name!r} has {len(values)} values for {n} samples")


def write_predictions(path: Path, preds: Predictions, extra: dict[str, np.ndarray] | None = None) -> None:
    """Atomically write `preds` as a compressed, pickle-free npz (plus numeric or str `extra` arrays)."""
    arrays = {
        "ids": np.asarray(preds.ids, dtype=str),
        "y_true": np.asarray(preds.y_true, dtype=np.int64),
        "y_prob": np.asarray(preds.y_prob, dtype=np.float32),
        "class_names": np.asarray(preds.class_names, dtype=str),
    }
    for name, values in sorted(preds.attributes.items()):
        arrays[ATTR_PREFIX + name] = np.asarray(values, dtype=str)
    arrays.update(extra or {})
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(Path(path), buf.getvalue())


def read_predictions(path: Path) -> Predictions:
    """Read a predictions npz written by `write_predictions` (never unpickles)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except FileNotFoundError:
        raise UserError(f"predictions file {path} does not exist") from None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise UserError(f"cannot read predictions file {path}: {exc}") from None
    missing = {"ids", "y_true", "y_prob", "class_names"} - arrays.keys()
    if missing:
        raise UserError(f"predictions file {path} lacks arrays: {', '.join(sorted(missing))}")
    try:
        return Predictions(
            ids=arrays["ids"].astype(str),
            y_true=arrays["y_true"].astype(np.int64),
            y_prob=arrays["y_prob"].astype(np.float64),
            class_names=[str(c) for c in arrays["class_names"]],
            attributes={k[len(ATTR_PREFIX):]: v.astype(str) for k, v in arrays.items() if k.startswith(ATTR_PREFIX)},
        )
    except ValueError as exc:
        raise UserError(f"predictions file {path} is inconsistent: {exc}") from None
