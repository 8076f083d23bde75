"""The robustness stage: corrupt the test images, predict, analyse, record (never fatal).

How it runs: the test images are decoded and resized to the evaluation resolution once per
chunk by the evaluation's own pipeline (`features.image_dataset`, bounded memory, kept as the
float32 pixels it gives, not re-quantised), then one tf.data pipeline streams every
(corruption, severity) pass over the chunk, corrupting in parallel map calls and prefetching,
so corruption overlaps with inference. The clean pass feeds those pixels unchanged: it is the
headline evaluation's input, so its accuracy is the headline test accuracy, and the drop is
paired on identical inputs. The model maps pixels to outputs (the saved full model,
or in head mode the shared feature extractor); each head then maps outputs to probabilities,
so a head-mode sweep corrupts and extracts once for all its members.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from modelcard.analysis.robustness import robustness_section
from modelcard.record.format import ROBUSTNESS_NOT_MEASURED

from ..progress import counter, log
from .corruptions import REFERENCE, SUITES, corrupt, documented_parameters, passes

CHUNK_BYTES = 256 * 1024 * 1024  # decoded float32 images held at once
SEED_STRIDE = 1_000_003          # pass index * stride + image index: distinct stateless seeds


@dataclass
class RobustnessResult:
    """What one model's robustness stage produced: the record section, or why there is none."""

    section: dict | None   # e.g. {"suite": "quick", "corruptions": {...}, ...}
    warning: str | None    # e.g. "robustness under corruptions not measured: RuntimeError: ..."


def _identity(outputs):
    return outputs


def _decoded_chunks(paths: Sequence[str], size: int, batch_size: int):
    """Yield (offset, float32 array (m, size, size, 3)) chunks of the images exactly as the
    evaluation feeds them to the model (decoded and resized by `features.image_dataset`)."""
    from ..model.features import image_dataset

    per_chunk = max(batch_size, CHUNK_BYTES // (size * size * 3 * 4))
    for start in range(0, len(paths), per_chunk):
        part = list(paths[start:start + per_chunk])
        yield start, np.concatenate([np.asarray(b, dtype=np.float32) for b in image_dataset(part, size, batch_size)])


def _pass_dataset(images: np.ndarray, offset: int, plan: list[tuple[str, int] | None], size: int, seed: int,
                  batch_size: int):
    """One dataset over every pass of a chunk: element p*m + i is image i under plan[p]."""
    import tensorflow as tf

    m = len(images)
    pixels = tf.constant(images)
    branches = []
    for step in plan:
        if step is None:
            branches.append(lambda image, s: image)
        else:
            name, severity = step
            branches.append(lambda image, s, name=name, severity=severity: corrupt(image, name, severity, s, size))

    def make(k):
        p, i = k // m, k % m
        image = tf.gather(pixels, i)  # float32, as evaluated
        s = tf.stack([tf.cast(seed, tf.int64), p * SEED_STRIDE + offset + i])
        out = tf.switch_case(tf.cast(p, tf.int32), [lambda b=b: b(image, s) for b in branches])
        return tf.ensure_shape(out, (size, size, 3))

    ds = tf.data.Dataset.range(len(plan) * m).map(make, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def predict_passes(model: Callable, heads: Sequence[Callable], paths: Sequence[str], size: int, suite: str,
                   seed: int, batch_size: int = 32) -> tuple[list[np.ndarray], list[dict]]:
    """(clean probabilities per head, {(name, severity): probabilities} per head)."""
    plan: list[tuple[str, int] | None] = [None, *passes(suite)]
    n = len(paths)
    outputs: list[list[list[np.ndarray]]] = [[[] for _ in plan] for _ in heads]
    with counter(n * len(plan), f"robustness ({suite})") as progress:
        for offset, images in _decoded_chunks(paths, size, batch_size):
            m = len(images)
            done = 0
            for batch in _pass_dataset(images, offset, plan, size, seed, batch_size):
                out = model(batch)
                for h, head in enumerate(heads):
                    probs = np.asarray(head(out), dtype=np.float64)
                    row = 0
                    while row < len(probs):  # a batch may span two passes
                        p, i = divmod(done + row, m)
                        take = min(len(probs) - row, m - i)
                        outputs[h][p].append(probs[row:row + take])
                        row += take
                done += len(batch)
                progress.update(len(batch))
    clean, corrupted = [], []
    for per_head in outputs:
        stacked = [np.concatenate(chunks) for chunks in per_head]
        clean.append(stacked[0])
        corrupted.append({step: stacked[p + 1] for p, step in enumerate(plan[1:])})
    return clean, corrupted


def run_robustness(suite: str, *, model: Callable, heads: Sequence[Callable] | None = None, paths: Sequence[str],
                   y_true: Sequence[int], class_names: Sequence[str], input_size: int, seed: int = 0,
                   batch_size: int = 32) -> list[RobustnessResult]:
    """The whole stage for one model and its heads; one result per head, in order.

    `model` maps a batch of pixels (0..255 at `input_size`) to outputs and each of `heads`
    (default: none, the outputs are the probabilities) maps outputs to class probabilities.
    `suite` is quick, full or none (none: nothing runs, no section, no warning). A failure
    (anything but Ctrl-C) never stops the run: each result then carries a warning naming what
    was not measured and why.
    """
    heads = list(heads) if heads else [_identity]
    if suite == "none":
        return [RobustnessResult(None, None) for _ in heads]
    try:
        if suite not in SUITES:
            raise ValueError(f"unknown robustness suite {suite!r}")
        start = time.perf_counter()
        clean, corrupted = predict_passes(model, heads, paths, input_size, suite, seed, batch_size)
        results = []
        for clean_probs, corrupted_probs in zip(clean, corrupted):
            section = robustness_section(np.asarray(y_true), clean_probs, corrupted_probs, list(class_names),
                                         suite=suite, seed=seed, parameters=documented_parameters(suite),
                                         resolution=input_size, reference=REFERENCE)
            results.append(RobustnessResult(section, None))
        log(f"robustness ({suite}): {len(passes(suite))} corrupted passes in {time.perf_counter() - start:.1f}s")
        return results
    except Exception as exc:  # a collector never breaks the run
        logging.getLogger(__name__).debug("robustness stage failed", exc_info=True)
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        warning = f"{ROBUSTNESS_NOT_MEASURED}: {type(exc).__name__}: {first}".rstrip(": ")
        log(f"warning: {warning}")
        return [RobustnessResult(None, warning) for _ in heads]
