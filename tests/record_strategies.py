"""Hypothesis strategies for varied run records, made the way the tool makes them (issue 24).

Every record comes from the real analysis functions on generated predictions: evaluations from
`evaluate_predictions`, seeds from `seed_row`/`seeds_section`, cross-validation from `cv_section`,
robustness from `robustness_section`. The draws cover what the demo never shows: 2 to 5 classes
with awkward names ("None", "nan", "fish & chips", "a|b"), tiny and large sets, a model that is
always right or never right, slices with one group or groups of one image, extra evaluation
sets, sweeps (with a member's record missing), seeds, cross-validation, robustness, emissions with
and without phases, records made by `modelcard record` (no model, no training), no bootstrap at
all, and 1.2 records without the 1.3 fields. Numbers tie as training ties them: a sweep row of this
run is its own evaluation's accuracy, seed 0 is the shipped model's predictions, the emissions
totals are the sums of the phases and fit in the run's wall time.
"""

from __future__ import annotations

import copy

import numpy as np
from hypothesis import strategies as st

import card_fixtures as cf
from modelcard.analysis import evaluate_predictions
from modelcard.analysis.cv_estimate import cv_section
from modelcard.analysis.robustness import robustness_section
from modelcard.analysis.seed_spread import seed_row, seeds_section

NAMES = ("birds", "fish & chips", "None", "nan", "a|b", "vegetables", "<b>fruit</b>", "x" * 30)
GROUPS = ("indoor", "outdoor", "None", "1 low", "2 mid", "3 high", "night")
PHASE_KINDS = ("data_scan", "feature_extraction", "fit", "evaluation", "examples", "robustness", "efficiency",
               "inference_cost", "seeds", "cross_validation", "other")


def _predictions(rng, k: int, n: int, skill: float):
    y = np.arange(n) % k
    rng.shuffle(y)
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), y] += skill
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, prob


def _groups(draw, rng, n: int) -> dict | None:
    columns = draw(st.integers(0, 2))
    out = {}
    for c in range(columns):
        shape = draw(st.sampled_from(["one", "tiny", "even", "skewed"]))
        names = list(draw(st.lists(st.sampled_from(GROUPS), min_size=2, max_size=4, unique=True)))
        if shape == "one":
            values = np.array([names[0]] * n)
        elif shape == "tiny":  # one image in a group of its own
            values = np.array([names[0]] * n, dtype=object)
            values[rng.integers(n)] = names[1]
        elif shape == "even":
            values = np.array([names[i % len(names)] for i in range(n)])
        else:
            values = np.where(rng.random(n) < 0.85, names[0], names[1])
        out[f"col{c}" if c else "light"] = np.asarray(values, dtype=str)
    return out or None


@st.composite
def run_records(draw) -> dict:
    """One complete, internally consistent run record (a dict, as `run.json` holds it)."""
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    k = draw(st.integers(2, 5))
    classes = list(draw(st.lists(st.sampled_from(NAMES), min_size=k, max_size=k, unique=True)))
    n = draw(st.integers(max(k, 3), 150))
    skill = draw(st.sampled_from([-2.0, 0.0, 1.0, 2.5, 8.0]))
    resamples = draw(st.sampled_from([0, 20]))
    made_by = draw(st.sampled_from(["train", "train", "record"]))
    sweep = made_by == "train" and draw(st.booleans())
    record = cf.base_record(classes, extra_set=False, slices=False, sweep=sweep, n_test=n, measured=False) \
        if made_by == "train" else cf.record_only(classes, measured=False)
    y, prob = _predictions(rng, k, n, skill)
    groups = _groups(draw, rng, n)
    ev = evaluate_predictions(y, prob, classes, groups, n_resamples=resamples, seed=0, min_group_size=30).to_dict()
    ev["source"] = "test split"
    record["evaluations"] = {"test": ev}
    if draw(st.booleans()):  # an extra evaluation set
        m = draw(st.integers(3, 60))
        ys, ps = _predictions(rng, k, m, draw(st.sampled_from([-1.0, 0.5, 3.0])))
        extra = evaluate_predictions(ys, ps, classes, n_resamples=resamples, seed=0).to_dict()
        extra["source"] = "data/shifted"
        record["evaluations"]["shifted"] = extra
        if made_by == "train":
            record["data"]["eval_sets"] = {"shifted": {"source": "data/shifted", "n": m, "class_counts": {
                c: int((ys == i).sum()) for i, c in enumerate(classes)}}}
    if made_by == "train":
        _train_parts(draw, rng, record, classes, y, prob, resamples)
    else:
        record.pop("robustness", None)
    return record


def _train_parts(draw, rng, record: dict, classes: list[str], y, prob, resamples: int) -> None:
    k, n = len(classes), len(y)
    record["data"]["splits"]["test"] = {"n": n, "class_counts": {c: int((y == i).sum()) for i, c in enumerate(classes)}}
    record["data"]["n_files"] = sum(s["n"] for s in record["data"]["splits"].values())
    record["data"]["duplicates"]["near_pairs"] = []  # pairs of class names the draw may not have
    record["data"]["skipped_files"] = []
    record["data"]["ignored"] = None if draw(st.booleans()) else {
        "not_image": 2, "svg_drawing": 0, "other_format": 0, "variant_copy": 0, "excluded_subfolder": 0, "root_file": 0}
    if record["data"]["ignored"] is None:
        del record["data"]["ignored"]
    if record.get("sweep"):
        own = record["sweep"]["members"][0]
        own["test_accuracy"] = dict(record["evaluations"]["test"]["metrics"]["accuracy"])
    if draw(st.booleans()):
        corrupted = {(name, s): _predictions(rng, k, n, draw(st.sampled_from([-1.0, 1.0, 4.0])))[1]
                     for name in ("gaussian_noise", "contrast") for s in (1, 3, 5)}
        record["robustness"] = robustness_section(y, prob, corrupted, classes, suite="quick", seed=0, resolution=96,
                                                  parameters={}, n_resamples=resamples)
    else:
        record.pop("robustness", None)
    if draw(st.booleans()):  # --seeds: seed 0 is the shipped model's own predictions
        rows = [seed_row(0, y, prob, classes, "predictions/test.npz")]
        rows += [seed_row(s, y, _predictions(rng, k, n, 1.5)[1], classes, f"predictions/test.seed{s}.npz")
                 for s in range(1, draw(st.integers(2, 4)))]
        record["seeds"] = seeds_section(rows, 0)
    if draw(st.booleans()) and n >= 2 * k:  # --cv
        folds = draw(st.integers(2, 5))
        yc, pc = _predictions(rng, k, n, 1.0)
        fold_of = np.arange(n) % folds
        record["cv"] = cv_section(yc, pc, fold_of, classes, n_train=n - n // 5, n_val=n // 5, k=folds,
                                  k_requested=folds, k_note=None, seed=0, head="a fresh head per fold",
                                  n_resamples=max(resamples, 20)) | {"predictions": "predictions/cv.npz",
                                                                      "fold_of": [int(f) for f in fold_of]}
    _emissions(draw, rng, record)
    _label_issues(draw, record, n)


def _label_issues(draw, record: dict, n: int) -> None:
    """A data card sometimes: label issues not measured (with or without a reason) or measured."""
    shape = draw(st.sampled_from(["none", "unmeasured", "unmeasured-why", "measured"]))
    if shape == "none":
        return
    entry = {"measured": shape == "measured", "n": n, "count": 0 if shape == "measured" else None,
             "method": "cleanlab find_label_issues", "rate": {"value": 0.0, "ci_low": 0.0, "ci_high": 0.3}
             if shape == "measured" else {"value": None, "ci_low": None, "ci_high": None}}
    if shape == "unmeasured-why":
        entry["reason"] = "fewer than 2 images per class"
    record["label_issues"] = {"test": entry}


def _emissions(draw, rng, record: dict) -> None:
    shape = draw(st.sampled_from(["none", "totals", "phases", "phases-1.2"]))
    if shape == "none":
        record["emissions"] = None
        return
    em = record["emissions"]
    if shape == "totals":
        return
    run_ids = [m["run_id"] for m in (record.get("sweep") or {}).get("members") or []] or [record["run_id"]]
    phases = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(PHASE_KINDS))
        duration = float(rng.uniform(0.001, 5.0))
        energy = duration * float(rng.uniform(1e-6, 1e-5))
        phases.append({"kind": kind, "duration_s": duration, "energy_kwh": energy, "emissions_kg": energy * 0.4,
                       "subject": None, "run_id": None if kind in ("data_scan", "other") else draw(st.sampled_from(run_ids))})
    em["phases"] = phases
    for key in ("duration_s", "energy_kwh", "emissions_kg"):
        em[key] = sum(p[key] for p in phases)
    em["cpu_energy_kwh"] = em["ram_energy_kwh"] = None
    if shape == "phases":
        record["provenance"]["duration_s"] = em["duration_s"] + float(rng.uniform(0.0, 3.0))


def broken_copy(record: dict) -> dict:
    return copy.deepcopy(record)
