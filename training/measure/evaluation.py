"""Evaluating predictions on a labelled set and writing them into the run record.

Metrics are computed only by `modelcard.analysis.evaluate_predictions` (never a second time
here); this module supplies what it needs from the images: per-sample ids, true labels and
real slicing attributes: file headers, pixel statistics and `--metadata` columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from PIL import Image

from modelcard.analysis import evaluate_predictions
from modelcard.record import Predictions, RunWriter
from modelcard.record.model import Evaluation
from modelcard.record.typed import with_fields

from ..data import Sample
from ..data.metadata import Metadata
from .pixel_slices import GRAY_TOLERANCE, pixel_attributes

# Longest side of the original file, in pixels: small originals are upscaled and look blurry.
RESOLUTION_BUCKETS = ((128, "<128 px"), (512, "128-511 px"), (None, ">=512 px"))


def resolution_bucket(width: int, height: int) -> str:
    side = max(width, height)
    return next(label for limit, label in RESOLUTION_BUCKETS if limit is None or side < limit)


SQUARE_TOLERANCE = 0.05  # share of the longer side within which an image counts as square

#: What each measured slice column means, recorded with the run (`evaluations.<set>.slice_definitions`)
#: so the card states the definition the run was made with, not today's code.
SLICE_DEFINITIONS = {
    "resolution": "longest side of the original file, in pixels.",
    "orientation": f"original width against height (square within {SQUARE_TOLERANCE:.0%}).",
    "brightness": "terciles of this set's mean luma (0.299 R + 0.587 G + 0.114 B, 0-255, alpha on white).",
    "contrast": "terciles of this set's RMS contrast (standard deviation of that luma, 0-255).",
    "colour": f"grayscale when 99% of the pixels have a channel spread of at most {GRAY_TOLERANCE} levels (of 255), "
              "else colour.",
    "aspect": "width / height of the original file.",
    "subfolder": "the first folder below the class folder the image came from.",
}


def orientation(width: int, height: int) -> str:
    if abs(width - height) <= SQUARE_TOLERANCE * max(width, height):
        return "square"
    return "landscape" if width > height else "portrait"


@dataclass
class SliceAttributes:
    """Slice columns of one evaluated set and the tercile cut points behind two of them."""

    columns: dict[str, np.ndarray]                                   # e.g. {"orientation": ["square", ...]}
    cut_points: dict[str, list[float]] = field(default_factory=dict)  # e.g. {"brightness": [92.4, 171.0]}
    metadata_columns: list[str] = field(default_factory=list)        # e.g. ["camera"] (from --metadata)
    problems: list[str] = field(default_factory=list)                # e.g. ["image-property slices not measured: ..."]


def slice_attributes(samples: Sequence[Sample], metadata: Metadata | None = None) -> SliceAttributes:
    """`resolution` and `orientation` from the file headers, the pixel slices (training.measure.pixel_slices)
    and the `--metadata` columns of each sample."""
    sizes = []
    for sample in samples:
        with Image.open(sample.path) as img:
            sizes.append(img.size)
    columns = {
        "resolution": np.asarray([resolution_bucket(w, h) for w, h in sizes], dtype=str),
        "orientation": np.asarray([orientation(w, h) for w, h in sizes], dtype=str),
    }
    problems, cuts = [], {}
    try:  # a collector never breaks a run: the card names what was not measured and why
        pixels, cuts = pixel_attributes(samples)
        columns.update(pixels)
    except Exception as exc:  # noqa: BLE001
        problems.append(f"image-property slices (brightness, contrast, colour, aspect, subfolder) not measured: "
                        f"{type(exc).__name__}: {str(exc)[:200]}")
    extra = [] if metadata is None else list(metadata.columns)
    if metadata is not None:
        columns.update(metadata.attributes([s.relpath for s in samples]))
    return SliceAttributes(columns, cuts, extra, problems)


def record_evaluation(writer: RunWriter, eval_set: str, samples: Sequence[Sample], y_prob: np.ndarray,
                      class_names: list[str], source: str, attributes: SliceAttributes | None = None,
                      seed: int = 0, metadata: Metadata | None = None) -> Evaluation:
    """Analyse one set's predictions, store `predictions/<set>.npz` and `evaluations[set]`."""
    attributes = slice_attributes(samples, metadata) if attributes is None else attributes
    y_true = np.asarray([s.label for s in samples], dtype=np.int64)
    y_prob = np.asarray(y_prob, dtype=np.float64)
    y_prob = y_prob / y_prob.sum(axis=1, keepdims=True)  # float32 softmax rows sum to 1 +- 1e-7
    preds = Predictions(ids=np.asarray([s.relpath for s in samples], dtype=str), y_true=y_true, y_prob=y_prob,
                        class_names=list(class_names), attributes=attributes.columns)
    writer.add_predictions(eval_set, preds)
    evaluation = evaluate_predictions(y_true, y_prob, class_names, groups=attributes.columns, seed=seed)
    described = {"source": source, "slice_cut_points": attributes.cut_points,
                 "slice_definitions": {c: SLICE_DEFINITIONS[c] for c in attributes.columns if c in SLICE_DEFINITIONS}}
    if attributes.metadata_columns:
        described["metadata_columns"] = attributes.metadata_columns
    evaluation = with_fields(evaluation, **described)
    for problem in attributes.problems:
        writer.warn(problem, once=True)
    writer.add_evaluation(eval_set, evaluation)
    return evaluation
