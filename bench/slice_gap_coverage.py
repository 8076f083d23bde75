"""Coverage of the interval of the gap between slice groups (`slices[].difference_ci`), known true gap.

The interval is the projection of simultaneous per-group intervals (method
`simultaneous_group_projection`, `modelcard/analysis/slice_gap.py`); the truth is the gap
Delta = max_g p_g - min_g p_g of the groups' true accuracies. Group sizes as on the example card
(31 against 1; 20/3/2/7; 17/8/7) and large ones (300/200/100; 1000/1000); true accuracies all
equal (Delta = 0: the interval should hold 0), unequal (0.95 down to 0.70) and close (0.90 down
to 0.85).

Two paths:
- accuracy, `--gap-sets` draws per cell: per-group hits ~ Binomial(n_g, p_g), the interval from
  `slice_gap.accuracy_gap`, the very function `evaluate_predictions` calls for the accuracy gap.
- the record's path, `--gap-record-sets` sets per cell: 3-class predictions (shares 0.5/0.3/0.2,
  right with probability p_g, else another class at random) with the slice column, through
  `evaluate_predictions` with 1,000 resamples: the accuracy gap and the macro-F1 gap. The truth of
  a group's macro F1 is its population value (per-class F1 of the expected confusion matrix,
  errors spread evenly), so Delta_F1 = 0 exactly when the accuracies are equal. A group's
  observed macro F1 averages over the classes present in it, so on a group of one to three
  images it is not an estimate of that population value: read the F1 column as measured, not as
  a promise.

    .venv/bin/python bench/coverage.py --method slice-gap [--gap-sets 2000] [--gap-record-sets 100]
"""

from __future__ import annotations

import numpy as np

SIZES = {"31/1": (31, 1), "20/3/2/7": (20, 3, 2, 7), "17/8/7": (17, 8, 7), "300/200/100": (300, 200, 100),
         "1000/1000": (1000, 1000)}
SHARES = np.array([0.5, 0.3, 0.2])


def truths(groups: int) -> dict[str, np.ndarray]:
    """Named true group accuracies for `groups` groups."""
    return {"equal 0.90": np.full(groups, 0.9), "equal 0.60": np.full(groups, 0.6),
            "unequal 0.95-0.70": np.linspace(0.95, 0.70, groups), "close 0.90-0.85": np.linspace(0.90, 0.85, groups)}


def macro_f1_truth(p: float) -> float:
    """Population macro F1 of 3 classes (SHARES) right with probability p, errors spread evenly."""
    predicted = SHARES * p + (1 - p) * (SHARES.sum() - SHARES) / 2
    return float((2 * SHARES * p / (SHARES + predicted)).mean())


def accuracy_cell(sizes, truth: np.ndarray, sets: int, rng: np.random.Generator) -> dict:
    from modelcard.analysis.slice_gap import accuracy_gap

    sizes = np.asarray(sizes)
    delta = float(truth.max() - truth.min())
    gaps = [accuracy_gap(rng.binomial(sizes, truth), sizes) for _ in range(sets)]
    return {"delta": delta, "covered": float(np.mean([g.ci_low <= delta <= g.ci_high for g in gaps])),
            "holds_zero": float(np.mean([g.ci_low == 0 for g in gaps])),
            "mean_gap": float(np.mean([g.value for g in gaps])),
            "width": float(np.mean([g.ci_high - g.ci_low for g in gaps]))}


def _predictions(sizes, truth: np.ndarray, rng: np.random.Generator):
    group = np.repeat(np.arange(len(sizes)), sizes)
    y = rng.choice(3, len(group), p=SHARES)
    right = rng.random(len(group)) < truth[group]
    predicted = np.where(right, y, (y + rng.integers(1, 3, len(group))) % 3)
    prob = np.full((len(group), 3), 0.1)
    prob[np.arange(len(group)), predicted] = 0.8
    return y, prob, group.astype(str)


def record_cell(sizes, truth: np.ndarray, sets: int, rng: np.random.Generator) -> dict:
    """Coverage of both gaps as `evaluate_predictions` records them (1,000 resamples)."""
    from modelcard.analysis import evaluate_predictions

    deltas = {"accuracy": float(truth.max() - truth.min())}
    f1 = [macro_f1_truth(p) for p in truth]
    deltas["f1_macro"] = max(f1) - min(f1)
    hits = {name: 0 for name in deltas}
    zero = 0
    for s in range(sets):
        y, prob, group = _predictions(sizes, truth, rng)
        block = evaluate_predictions(y, prob, ["a", "b", "c"], {"g": group}, n_resamples=1000, seed=s).slices[0]
        for name, delta in deltas.items():
            m = block.difference_ci[name]
            hits[name] += m.ci_low <= delta <= m.ci_high
        zero += block.difference_ci["f1_macro"].ci_low == 0
    return {"accuracy": hits["accuracy"] / sets, "f1_macro": hits["f1_macro"] / sets, "f1_holds_zero": zero / sets,
            "delta_f1": deltas["f1_macro"]}


def report(sets: int = 2000, record_sets: int = 100, seed: int = 0) -> list[dict]:
    """Print the coverage table and the RESULT lines (bench/result.py)."""
    from result import result

    print(f"gap between slice groups (max - min), simultaneous group intervals projected onto the gap, nominal 0.95; "
          f"accuracy: {sets} draws per cell (slice_gap.accuracy_gap); record path: {record_sets} sets per cell "
          "(evaluate_predictions, 1,000 resamples)")
    print("| group sizes | true accuracies | true gap | mean observed gap | coverage | holds 0 | mean width "
          "| record: accuracy | record: F1 (macro) | record: F1 holds 0 |")
    print("| --- " * 10 + "|")
    rows = []
    for label, sizes in SIZES.items():
        for name, truth in truths(len(sizes)).items():
            rng = np.random.default_rng([seed, sum(sizes), len(sizes), len(rows)])
            row = {"sizes": label, "truth": name, **accuracy_cell(sizes, truth, sets, rng)}
            row.update({f"record_{k}": v for k, v in record_cell(sizes, truth, record_sets, rng).items()}
                       if record_sets else {})
            rows.append(row)
            record = (f"{row['record_accuracy']:.3f} | {row['record_f1_macro']:.3f} | {row['record_f1_holds_zero']:.3f}"
                      if record_sets else "- | - | -")
            print(f"| {label} | {name} | {row['delta']:.3f} | {row['mean_gap']:.3f} | {row['covered']:.3f} | "
                  f"{row['holds_zero']:.3f} | {row['width']:.3f} | {record} |", flush=True)
    scale = f"{sets} draws per cell, {len(rows)} cells"
    result("coverage", "slice accuracy gap (simultaneous group projection): lowest coverage",
           round(min(r["covered"] for r in rows), 3), ">=", 0.95, scale=scale)
    equal = [r["holds_zero"] for r in rows if r["delta"] == 0]
    result("coverage", "slice accuracy gap, equal true accuracies: lowest share of intervals holding 0",
           round(min(equal), 3), ">=", 0.95, scale=scale)
    if record_sets:
        record_scale = f"{record_sets} sets per cell, {len(rows)} cells, 1,000 resamples"
        result("coverage", "slice accuracy gap as recorded (evaluate_predictions): lowest coverage",
               round(min(r["record_accuracy"] for r in rows), 3), ">=", 0.95, scale=record_scale)
        result("coverage", "slice macro-F1 gap as recorded (evaluate_predictions): lowest coverage",
               round(min(r["record_f1_macro"] for r in rows), 3), scale=record_scale)
    return rows
