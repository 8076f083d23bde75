"""Robustness under corruptions: accuracy per corruption and severity, and the paired drop.

Pure numpy on predictions (the corrupting and predicting happen in `training.robustness`).

* Accuracy intervals come from `evaluate_predictions`, the same function that gives the test
  set's accuracy, so they always use the project's proportion interval (one place to change).
* The drop (clean accuracy minus corrupted accuracy, on the same images) is a difference of
  two correlated proportions, so its interval must use the pairing: an unpaired interval
  would be far too wide. It is Tango's score interval on the images whose outcome changed
  (`paired_difference.py`, which says why not a percentile bootstrap: that collapses to [0, 0] whenever
  no image changes, as happens on small test sets). Deterministic, so it needs no seed.
* Relative robustness = mean corrupted accuracy over every (corruption, severity) divided by
  the clean accuracy (None when the clean accuracy is 0). Its interval (since 1.3,
  `relative_robustness_ci`) is a smoothed paired bootstrap of the ratio over the images
  (`paired_ratio.py`), seeded with the section's seed.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from .evaluate import evaluate_predictions, metric
from .inputs import validate_predictions
from .paired_difference import METHOD as PAIRED_METHOD
from .paired_difference import paired_difference_interval
from .paired_ratio import RATIO_DESCRIPTION, RATIO_METHOD, relative_robustness_interval
from .samples import per_sample


def accuracy_metric(y_true, y_prob, class_names: Sequence[str], *, n_resamples: int, seed: int,
                    confidence: float) -> dict:
    """Accuracy with the interval `evaluate_predictions` gives accuracy everywhere else, as the
    `robustness` section's JSON holds it."""
    ev = evaluate_predictions(y_true, y_prob, class_names, n_resamples=n_resamples, seed=seed, confidence=confidence,
                              top_confusions=0)
    return ev.metrics["accuracy"].to_dict()


def paired_drop(correct_clean: np.ndarray, correct_corrupted: np.ndarray, *, confidence: float) -> list[dict]:
    """Metric of `mean(clean) - mean(corrupted[p])` for each row p of `(P, n)` correctness, with
    the paired score interval over the same n images (`paired.paired_difference_interval`).

    >>> [round(m["value"], 2) for m in paired_drop([1, 1, 1, 0], [[1, 0, 1, 0], [1, 1, 1, 1]], confidence=0.95)]
    [0.25, -0.25]
    """
    clean = np.asarray(correct_clean, dtype=bool)
    corrupted = np.atleast_2d(np.asarray(correct_corrupted, dtype=bool))
    lost = (clean[None, :] & ~corrupted).sum(axis=1)    # right when clean, wrong when corrupted
    gained = (~clean[None, :] & corrupted).sum(axis=1)  # wrong when clean, right when corrupted
    value, low, high = paired_difference_interval(lost, gained, clean.shape[0], confidence)
    return [metric(v, lo, hi) for v, lo, hi in zip(value, low, high)]


def robustness_section(y_true, clean_prob, corrupted: Mapping[tuple[str, int], np.ndarray],
                       class_names: Sequence[str], *, suite: str, seed: int, parameters: dict, resolution: int,
                       n_resamples: int = 1000, confidence: float = 0.95, eval_set: str = "test",
                       reference: str = "", sample: dict | None = None) -> dict:
    """The record's `robustness` object from clean and corrupted probabilities of one set.

    `corrupted` maps (corruption, severity) to an (n, k) probability array, in record order.
    `sample` (the record's `robustness.sample`, `robustness_sample.sample_plan`) says which of the
    set's images these are; the arrays hold those images only.

    >>> clean = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]]
    >>> blurred = [[0.9, 0.1], [0.6, 0.4], [0.6, 0.4], [0.7, 0.3]]  # the second image is lost
    >>> section = robustness_section([0, 1, 1, 0], clean, {("blur", 1): blurred}, ["cat", "dog"], suite="demo",
    ...                              seed=0, parameters={}, resolution=32, n_resamples=100)
    >>> section["clean_accuracy"]["value"], section["corruptions"]["blur"]["1"]["accuracy"]["value"]
    (0.75, 0.5)
    >>> drop = section["corruptions"]["blur"]["1"]["accuracy_drop"]
    >>> round(drop["value"], 4), round(section["relative_robustness"], 4)
    (0.25, 0.6667)
    """
    y_true, clean_prob, names = validate_predictions(y_true, _normalised(clean_prob), class_names)
    keys = list(corrupted)
    probs = [validate_predictions(y_true, _normalised(corrupted[key]), names)[1] for key in keys]
    options = {"n_resamples": n_resamples, "seed": seed, "confidence": confidence}
    clean_correct = per_sample(y_true, clean_prob, 1).correct
    corrupted_correct = np.stack([per_sample(y_true, p, 1).correct for p in probs]) if probs else np.empty((0, len(y_true)))
    drops = paired_drop(clean_correct, corrupted_correct, confidence=confidence) if probs else []
    clean = accuracy_metric(y_true, clean_prob, names, **options)
    table: dict[str, dict[str, dict]] = {}
    accuracies = []
    for (name, severity), p, drop in zip(keys, probs, drops):
        acc = accuracy_metric(y_true, p, names, **options)
        accuracies.append(acc["value"])
        table.setdefault(name, {})[str(severity)] = {"accuracy": acc, "accuracy_drop": drop}
    relative = None
    if accuracies and clean["value"]:
        relative = float(np.mean(accuracies)) / clean["value"]
    ratio = relative_robustness_interval(clean_correct, corrupted_correct, n_resamples=n_resamples, seed=seed,
                                         confidence=confidence) if probs else None
    extra = {} if ratio is None or relative is None else {
        "relative_robustness_ci": metric(relative, min(ratio.ci_low, relative), max(ratio.ci_high, relative))
        if ratio.ci_low is not None else metric(relative),
        "relative_robustness_interval": {"method": RATIO_METHOD, "description": RATIO_DESCRIPTION,
                                         "confidence": float(confidence), "n_resamples": int(n_resamples),
                                         "seed": int(seed)}}
    return {
        "suite": suite, "set": eval_set, "n": int(len(y_true)), "seed": int(seed),
        **({} if sample is None else {"sample": sample}),
        "clean_accuracy": clean, "relative_robustness": relative, "corruptions": table, **extra,
        "parameters": parameters,
        "method": (f"ImageNet-C corruptions (Hendrycks & Dietterich 2019) applied to {_which(eval_set, sample)} at "
                   f"{resolution}x{resolution} px{', parameters from ' + reference if reference else ''}; accuracy "
                   f"intervals as for the {eval_set} set; accuracy_drop = clean minus corrupted accuracy on the "
                   f"same images, {confidence:.0%} {PAIRED_METHOD} over the images whose outcome changed; "
                   "relative_robustness = mean corrupted accuracy / clean accuracy, "
                   f"{confidence:.0%} smoothed paired bootstrap over the images"),
    }


def _which(eval_set: str, sample: dict | None) -> str:
    """"test images", or for a sample "692 of the 8813 test images (stratified by class, seed 0, ...)"."""
    if sample is None or sample["n"] >= sample["of"]:
        return f"the {eval_set} images"
    return (f"{sample['n']} of the {sample['of']} {eval_set} images ({sample['method']}; the smallest number whose "
            f"paired drop interval is at most +-{sample['target_half_width'] * 100:g} points whatever the "
            "corruptions do)")


def _normalised(y_prob) -> np.ndarray:
    """float32 softmax rows summing to 1 within float64 rounding, as `record_evaluation` does."""
    y_prob = np.asarray(y_prob, dtype=np.float64)
    return y_prob / y_prob.sum(axis=1, keepdims=True)
