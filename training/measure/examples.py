"""Example grid for the card's Model Examination: 64 px thumbnails of a fixed, seeded sample of
test images plus the most confident errors and one example per most-confused pair, each with
its Grad-CAM map overlaid as a second image.

What the run gets: `examples/NN.png` and `examples/NN-gradcam.png` (64 x 64 PNG, the whole
image squashed to a square as the model sees it; written by Pillow with fixed settings and no
metadata, so the same run gives the same bytes; all re-encoded with a 256-colour palette when
full colour would pass the 500 KB budget), and the record's `examples` section. Labels
and confidences are read back from the run's own `predictions/<set>.npz`, so the grid cannot
disagree with the numbers. A failure here never breaks the run: the section then holds
`error`, and the card says the grid was not made and why.
"""

from __future__ import annotations

import io
import time

import numpy as np
from PIL import Image

from modelcard import atomic
from modelcard.record import RunWriter, read_predictions
from modelcard.record.model import Confusion

from ..data import Sample, load_rgb
from ..progress import log

EXAMPLES_DIR = "examples"
THUMBNAIL_PX = 64
N_SAMPLE = 16
N_CONFIDENT_ERRORS = 8
OVERLAY_ALPHA = 0.55  # the map's weight where it is 1; the photo shows through where it is 0
COLORMAP = "jet"
BUDGET_BYTES = 500_000


def png_bytes(rgb: np.ndarray, palette: bool = False) -> bytes:
    """A PNG of an (H, W, 3) uint8 image with fixed settings and no metadata chunks; `palette`
    maps it to 256 median-cut colours without dithering (deterministic, about a third the size)."""
    img = Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8), mode="RGB")
    if palette:
        img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def encode_all(images: list[np.ndarray], budget: int = BUDGET_BYTES) -> tuple[list[bytes], str]:
    """Every image as PNG, full colour when the total fits `budget`, else all as 256-colour
    palette PNGs; returns (bytes per image, "rgb" or "palette-256")."""
    full = [png_bytes(im) for im in images]
    if sum(map(len, full)) <= budget:
        return full, "rgb"
    return [png_bytes(im, palette=True) for im in images], "palette-256"


def thumbnail(rgb: np.ndarray, size: int = THUMBNAIL_PX) -> np.ndarray:
    """The whole image resized (bilinear, antialiased) to size x size, as the model sees it."""
    return np.asarray(Image.fromarray(rgb).resize((size, size), Image.Resampling.BILINEAR))


def overlay(thumb: np.ndarray, cam: np.ndarray) -> np.ndarray:
    """The thumbnail with a coloured Grad-CAM map (h x w in [0, 1]) blended in by its value."""
    from matplotlib import colormaps

    size = thumb.shape[0]
    cells = Image.fromarray(np.round(np.clip(cam, 0, 1) * 255).astype(np.uint8), mode="L")
    heat = np.asarray(cells.resize((size, size), Image.Resampling.BILINEAR), dtype=np.float64) / 255.0
    colour = colormaps[COLORMAP](heat)[..., :3] * 255.0
    alpha = OVERLAY_ALPHA * heat[..., None]
    return np.round(thumb * (1 - alpha) + colour * alpha).astype(np.uint8)


def select(y_true: np.ndarray, y_prob: np.ndarray, ids: np.ndarray, seed: int,
           top_confusions: list[Confusion], class_names: list[str]) -> tuple[list[tuple[int, str]], list[dict]]:
    """[(sample index, kind)] in grid order, and the confused pairs with the item each points to.

    kinds: `sample` (seeded, without replacement, shown in file order), `confident_error` (the
    highest-confidence errors not already sampled; ties by id) and `confused_pair` (the most
    confident image of a listed pair when no item shows that pair yet)."""
    n = len(y_true)
    pred, conf = y_prob.argmax(axis=1), y_prob.max(axis=1)
    rng = np.random.default_rng(seed)
    sample = sorted(int(i) for i in rng.choice(n, size=min(N_SAMPLE, n), replace=False))
    chosen = [(i, "sample") for i in sample]
    taken = set(sample)
    errors = sorted((i for i in range(n) if pred[i] != y_true[i] and i not in taken), key=lambda i: (-conf[i], ids[i]))
    chosen += [(i, "confident_error") for i in errors[:N_CONFIDENT_ERRORS]]
    index = {name: k for k, name in enumerate(class_names)}
    pairs = []
    for pair in top_confusions:
        t, p = index.get(pair.true), index.get(pair.predicted)
        members = sorted((i for i in range(n) if y_true[i] == t and pred[i] == p), key=lambda i: (-conf[i], ids[i]))
        if not members:
            continue
        shown = [k for k, (i, _) in enumerate(chosen) if y_true[i] == t and pred[i] == p]
        if shown:
            item = min(shown, key=lambda k: (-conf[chosen[k][0]], ids[chosen[k][0]]))
        else:
            chosen.append((members[0], "confused_pair"))
            item = len(chosen) - 1
        pairs.append({"true": pair.true, "predicted": pair.predicted, "count": int(pair.count), "item": item})
    return chosen, pairs


def record_examples(writer: RunWriter, samples: list[Sample], model, *, eval_set: str = "test", seed: int = 0) -> dict:
    """Write the thumbnails (and Grad-CAM overlays when `model` allows) and `record["examples"]`.

    Never raises: any failure is recorded as `error` (whole grid) or `gradcam.error` (maps only)."""
    log(f"example grid: thumbnails and Grad-CAM maps of a few {eval_set} images")
    start = time.perf_counter()
    try:
        section = _examples(writer, samples, model, eval_set, seed)
        section["duration_s"] = round(time.perf_counter() - start, 3)  # thumbnails + Grad-CAM, for overhead benches
    except Exception as exc:  # noqa: BLE001 - a collector never breaks a run
        section = {"eval_set": eval_set, "items": [], "error": _reason(exc)}
        writer.warn(f"example grid not made: {section['error']}")
    writer.set(examples=section)
    if section["items"]:
        writer.add_artifact("examples", EXAMPLES_DIR)
    return section


def _reason(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _examples(writer: RunWriter, samples: list[Sample], model, eval_set: str, seed: int) -> dict:
    preds = read_predictions(writer.prediction_file(eval_set))
    by_id = {s.relpath: s for s in samples}
    top = writer.view().evaluations[eval_set].top_confusions
    chosen, pairs = select(preds.y_true, preds.y_prob, preds.ids, seed, top, preds.class_names)
    images = [load_rgb(by_id[str(preds.ids[i])].path) for i, _ in chosen]
    thumbs = [thumbnail(im) for im in images]
    pred = preds.y_prob.argmax(axis=1)
    gradcam, cams = _gradcam(model, images, [int(pred[i]) for i, _ in chosen])
    folder = writer.path / EXAMPLES_DIR
    atomic.ensure_writable_dir(folder)
    items, files = [], []  # files: (item, key, run-relative path, pixels)
    for k, ((i, kind), thumb) in enumerate(zip(chosen, thumbs)):
        item = {"id": str(preds.ids[i]), "true": preds.class_names[int(preds.y_true[i])],
                "pred": preds.class_names[int(pred[i])], "confidence": round(float(preds.y_prob[i].max()), 4),
                "error": bool(pred[i] != preds.y_true[i]), "kind": kind, "gradcam_file": None}
        files.append((item, "file", f"{EXAMPLES_DIR}/{k:02d}.png", thumb))
        if cams is not None:
            files.append((item, "gradcam_file", f"{EXAMPLES_DIR}/{k:02d}-gradcam.png", overlay(thumb, cams[k])))
        items.append(item)
    encoded, colours = encode_all([pixels for *_, pixels in files])
    for (item, key, rel, _), data in zip(files, encoded):
        atomic.write_bytes(writer.path / rel, data)
        item[key] = rel
    total = sum(map(len, encoded))
    if total > BUDGET_BYTES:
        writer.warn(f"example thumbnails take {total} bytes, above the {BUDGET_BYTES} byte budget")
    return {"eval_set": eval_set, "seed": seed, "thumbnail_px": THUMBNAIL_PX, "format": "png", "colours": colours,
            "n_sample": sum(kind == "sample" for _, kind in chosen),
            "n_confident_errors": sum(kind == "confident_error" for _, kind in chosen),
            "items": items, "confused_pairs": pairs, "total_bytes": total, "gradcam": gradcam, "error": None}


def _gradcam(model, images: list[np.ndarray], classes: list[int]) -> tuple[dict, np.ndarray | None]:
    """(the record's `gradcam`, the maps) or ({error}, None) when the model does not allow it."""
    if model is None:
        return {"error": "no full model was saved for this run"}, None
    try:
        from ..model.full_model import model_input_size
        from ..model.gradcam import build_gradcam_model, gradcam_maps

        gc = build_gradcam_model(model)
        cams = gradcam_maps(model, images, classes, gc)
    except Exception as exc:  # noqa: BLE001 - the thumbnails are still worth keeping
        return {"error": _reason(exc)}, None
    return {"layer": gc.layer, "in_backbone": gc.backbone is not None, "backbone": gc.backbone,
            "cells": list(gc.cells), "input_size": model_input_size(model),
            "target": "predicted class", "method": "Grad-CAM (tf.GradientTape), ReLU, scaled to its maximum",
            "error": None}, cams
