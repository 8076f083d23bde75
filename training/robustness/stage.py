"""The robustness stage: corrupt the test images, predict, analyse, record (never fatal).

Which images: `modelcard.analysis.robustness_sample.sample_plan`, all the test images or, when
there are more than the drop interval's width needs, a stratified (by class), seeded sample; the
record's `robustness.sample` says which and how. How it runs: one tf.data pipeline streams the
images through the evaluation's own decode and resize (`features.image_dataset`, the float32
pixels it gives, not re-quantised), repeats each for every (corruption, severity) pass, corrupts
in parallel map calls and prefetches, so decoding, corrupting and predicting overlap and only the
prefetched images are held. The clean outcomes are the headline evaluation's own predictions on
the same images (`clean_probs`), so the clean accuracy is the headline's on those images, exactly,
and the drop is paired on the same images; without them (a caller that has none) a clean pass
feeds the decoded pixels unchanged. The model maps pixels to outputs (the saved full model,
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
from modelcard.analysis.robustness_sample import TARGET_HALF_WIDTH, sample_plan
from modelcard.record.format import ROBUSTNESS_NOT_MEASURED

from ..progress import counter, log
from .corruptions import REFERENCE, SUITES, corrupt, documented_parameters, passes

SEED_STRIDE = 1_000_003          # pass index * stride + image index: distinct stateless seeds


@dataclass
class RobustnessResult:
    """What one model's robustness stage produced: the record section, or why there is none."""

    section: dict | None   # e.g. {"suite": "quick", "corruptions": {...}, ...}
    warning: str | None    # e.g. "robustness under corruptions not measured: RuntimeError: ..."


def _identity(outputs):
    return outputs


def _pass_dataset(paths: Sequence[str], ids: Sequence[int], plan: list[tuple[int, tuple[str, int] | None]],
                  size: int, seed: int, batch_size: int):
    """One streamed dataset over every pass of every image, image by image: element i*P + j is image i
    under plan[j] = (pass index, step). Decoding (the evaluation's own `features.image_dataset`, float32
    pixels as evaluated, not re-quantised), corrupting (parallel map calls) and the caller's predicting
    (prefetch) overlap, and only the prefetched elements are held, never the whole set."""
    import tensorflow as tf

    from ..model.features import image_dataset

    branches = []
    for _, step in plan:
        if step is None:
            branches.append(lambda image, s: image)
        else:
            name, severity = step
            branches.append(lambda image, s, name=name, severity=severity: corrupt(image, name, severity, s, size))
    steps = len(plan)
    pass_index = tf.constant([p for p, _ in plan], dtype=tf.int64)

    def repeat(i, image):
        return tf.fill([steps], i), tf.range(steps), tf.repeat(image[None], steps, axis=0)

    def make(i, j, image):
        s = tf.stack([tf.cast(seed, tf.int64), tf.gather(pass_index, j) * SEED_STRIDE + i])
        out = tf.switch_case(tf.cast(j, tf.int32), [lambda b=b: b(image, s) for b in branches])
        return tf.ensure_shape(out, (size, size, 3))

    images = image_dataset(paths, size, batch_size).unbatch()
    ds = tf.data.Dataset.zip((tf.data.Dataset.from_tensor_slices(np.asarray(ids, dtype=np.int64)), images))
    ds = ds.map(repeat).unbatch()
    ds = ds.map(make, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def predict_passes(model: Callable, heads: Sequence[Callable], paths: Sequence[str], size: int, suite: str,
                   seed: int, batch_size: int = 32, *, ids: Sequence[int] | None = None,
                   clean: bool = True) -> tuple[list[np.ndarray | None], list[dict]]:
    """(clean probabilities per head, {(name, severity): probabilities} per head).

    `ids` number the images for the corruption seeds (default 0..n-1: an image of a sample keeps the
    noise it gets in the whole set); `clean=False` skips the clean pass (its probabilities are None)."""
    steps = [None, *passes(suite)]
    plan = [(p, step) for p, step in enumerate(steps) if clean or step is not None]
    n = len(paths)
    ids = range(n) if ids is None else ids
    outputs: list[list[np.ndarray]] = [[] for _ in heads]
    with counter(n * len(plan), f"robustness ({suite})") as progress:
        for batch in _pass_dataset(paths, ids, plan, size, seed, batch_size):
            out = model(batch)
            for h, head in enumerate(heads):
                outputs[h].append(np.asarray(head(out), dtype=np.float64))
            progress.update(len(batch))
    clean_out, corrupted = [], []
    for chunks in outputs:
        stacked = np.concatenate(chunks).reshape(n, len(plan), -1)  # image-major rows
        by_step = {step: stacked[:, j] for j, (_, step) in enumerate(plan)}
        clean_out.append(by_step.get(None))
        corrupted.append({step: by_step[step] for step in steps[1:]})
    return clean_out, corrupted


def _headline(clean_probs, n_heads: int, n: int) -> list[np.ndarray] | None:
    """The headline's probabilities per head when they cover the whole test set, else None (the stage
    then predicts its own clean pass)."""
    if clean_probs is None:
        return None
    probs = [np.asarray(p, dtype=np.float64) for p in clean_probs]
    return probs if len(probs) == n_heads and all(len(p) == n for p in probs) else None


def _planning_accuracy(y_true: np.ndarray, clean_probs: list[np.ndarray] | None) -> float | None:
    """The headline accuracy nearest 1/2 over the heads (the one needing the most images), None without it."""
    if clean_probs is None or not len(y_true):
        return None
    accuracies = [float(np.mean(np.argmax(p, axis=1) == y_true)) for p in clean_probs]
    return min(accuracies, key=lambda a: abs(a - 0.5))


def run_robustness(suite: str, *, model: Callable, heads: Sequence[Callable] | None = None, paths: Sequence[str],
                   y_true: Sequence[int], class_names: Sequence[str], input_size: int, seed: int = 0,
                   batch_size: int = 32, clean_probs: Sequence[np.ndarray] | None = None,
                   half_width: float = TARGET_HALF_WIDTH) -> list[RobustnessResult]:
    """The whole stage for one model and its heads; one result per head, in order.

    `model` maps a batch of pixels (0..255 at `input_size`) to outputs and each of `heads`
    (default: none, the outputs are the probabilities) maps outputs to class probabilities.
    `clean_probs` (one per head, every test image in `paths` order) are the headline evaluation's
    probabilities: the clean accuracy is then theirs on the images used, and no clean pass runs.
    The suite runs on the images `sample_plan` picks: a stratified, seeded sample sized for a drop
    interval of at most +-`half_width` when the test set is larger, else all of them.
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
        y_true = np.asarray(y_true, dtype=np.int64)
        headline = _headline(clean_probs, len(heads), len(paths))
        positions, sample = sample_plan(y_true, seed, clean_accuracy=_planning_accuracy(y_true, headline),
                                        half_width=half_width)
        clean, corrupted = predict_passes(model, heads, [paths[i] for i in positions], input_size, suite, seed,
                                          batch_size, ids=positions, clean=headline is None)
        if headline is not None:
            clean = [p[positions] for p in headline]
        results = []
        for clean_probs_h, corrupted_probs in zip(clean, corrupted):
            section = robustness_section(y_true[positions], clean_probs_h, corrupted_probs, list(class_names),
                                         suite=suite, seed=seed, parameters=documented_parameters(suite),
                                         resolution=input_size, reference=REFERENCE, sample=sample)
            results.append(RobustnessResult(section, None))
        log(f"robustness ({suite}): {len(passes(suite))} corrupted passes over {sample['n']} of {sample['of']} "
            f"test images in {time.perf_counter() - start:.1f}s")
        return results
    except Exception as exc:  # a collector never breaks the run
        logging.getLogger(__name__).debug("robustness stage failed", exc_info=True)
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        warning = f"{ROBUSTNESS_NOT_MEASURED}: {type(exc).__name__}: {first}".rstrip(": ")
        log(f"warning: {warning}")
        return [RobustnessResult(None, warning) for _ in heads]
