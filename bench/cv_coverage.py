"""Coverage of the cross-validated accuracy interval (record `cv`), by simulation with a known truth.

Synthetic backbone features: 3 classes (shares 0.5 / 0.3 / 0.2), each a Gaussian in `DIM`
dimensions around its own mean (unit variance; means drawn once per seed and scaled so the
recipe is right about 80% of the time at n = 60, 88% at n = 180). Each replicate draws n train+val images, runs the very
fold code `train --cv` uses (`analysis.crossval.folds` and `out_of_fold`) with scikit-learn's
logistic regression as a stand-in for the Keras head (no TensorFlow), and records three
intervals of the pooled out-of-fold accuracy: the plain Wilson interval on n, the Nadeau-Bengio
corrected resampled t interval, and their union, which the record stores (the Wilson interval
alone falls below 0.90 as n grows; see modelcard/analysis/cv_estimate.py).

The truth is the recipe's accuracy at the size it is fitted on in a fold, (K-1)/K of n: the
mean, over `truth_fits` fresh training sets of that size, of the head's accuracy on a large
fresh sample (`truth_images`). Coverage is the share of replicates whose interval holds it.

    .venv/bin/python bench/cv_coverage.py [--reps 200] [--n 60 180 600]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from modelcard.analysis.crossval import folds, logistic_fit_predict, out_of_fold  # noqa: E402
from modelcard.analysis.cv_estimate import cv_accuracy_interval  # noqa: E402

SHARES = np.array([0.5, 0.3, 0.2])
DIM = 64
SEPARATION = 0.3  # distance scale of the class means (accuracy about 0.80 at n = 60, 0.88 at n = 180)
INTERVALS = ("wilson", "corrected_t", "union")


class Population:
    """The known distribution: class shares and Gaussian class means in DIM dimensions."""

    def __init__(self, seed: int):
        rng = np.random.default_rng(seed)
        self.means = rng.normal(size=(len(SHARES), DIM)) * SEPARATION

    def draw(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        y = rng.choice(len(SHARES), size=n, p=SHARES)
        if len(np.unique(y)) < len(SHARES) or np.bincount(y, minlength=len(SHARES)).min() < 5:
            y = np.resize(np.arange(len(SHARES)), n)  # every class present enough for 5 folds
            rng.shuffle(y)
        return self.means[y] + rng.normal(size=(n, DIM)), y


def recipe_accuracy(pop: Population, n_fit: int, rng: np.random.Generator, fits: int, images: int) -> float:
    """The recipe's true accuracy at training size `n_fit` (mean over fresh training sets)."""
    test_x, test_y = pop.draw(images, rng)
    scores = []
    for _ in range(fits):
        x, y = pop.draw(n_fit, rng)
        classes, probs = logistic_fit_predict(np.vstack([x, test_x]), np.concatenate([y, test_y]))(
            np.arange(n_fit), np.arange(n_fit, n_fit + images))
        scores.append(float((np.asarray(classes)[probs.argmax(axis=1)] == test_y).mean()))
    return float(np.mean(scores))


def cv_coverage(n: int, k: int = 5, reps: int = 200, seed: int = 0, truth_fits: int = 100,
                truth_images: int = 20_000) -> dict:
    """{"truth", "mean_estimate", "wilson", "corrected_t", "union" (coverages), "width_*"} for one n."""
    from threadpoolctl import threadpool_limits

    pop = Population(seed)
    rng = np.random.default_rng(seed + 1)
    hits = {name: 0 for name in INTERVALS}
    widths = {name: [] for name in INTERVALS}
    estimates = []
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        truth = recipe_accuracy(pop, n - n // k, rng, truth_fits, truth_images)
        for _ in range(reps):
            x, y = pop.draw(n, rng)
            fold_list = folds(y, k, int(rng.integers(2**31)))
            fold_of = np.empty(n, dtype=np.int64)
            for index, (_, held) in enumerate(fold_list):
                fold_of[held] = index
            probs = out_of_fold(len(SHARES), fold_list, logistic_fit_predict(x, y))
            result = cv_accuracy_interval(probs.argmax(axis=1) == y, fold_of)
            estimates.append(result["metric"]["value"])
            bounds = {"wilson": result["wilson"], "corrected_t": result["corrected_t"],
                      "union": result["union"]}
            for name, (low, high) in bounds.items():
                hits[name] += int(low <= truth <= high)
                widths[name].append(high - low)
    out = {"n": n, "k": k, "reps": reps, "truth": truth, "mean_estimate": float(np.mean(estimates))}
    out.update({name: hits[name] / reps for name in INTERVALS})
    out.update({f"width_{name}": float(np.mean(widths[name])) for name in INTERVALS})
    return out


def report(ns=(60, 180, 600), reps: int = 200, seed: int = 0) -> list[dict]:
    """Print the coverage table and the RESULT line (bench/result.py) for `bench/coverage.py`."""
    from result import result

    print(f"cross-validated accuracy (5-fold, pooled out-of-fold), {reps} simulated data sets per n "
          "(logistic-regression head, known truth):")
    print("| n train+val | truth | mean estimate | Wilson | corrected t | union | Wilson width |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    rows = [cv_coverage(n, reps=reps, seed=seed) for n in ns]
    for r in rows:
        print(f"| {r['n']} | {r['truth']:.3f} | {r['mean_estimate']:.3f} | {r['wilson']:.3f} | {r['corrected_t']:.3f} "
              f"| {r['union']:.3f} | {r['width_wilson']:.3f} |", flush=True)
    scale = f"{reps} data sets per n, n = {', '.join(map(str, ns))}"
    result("coverage", "cross-validated accuracy interval (union of Wilson and corrected t, as recorded): lowest coverage",
           round(min(r["union"] for r in rows), 3), ">=", 0.90, scale=scale)
    result("coverage", "cross-validated accuracy, plain Wilson on train+val (not used): lowest coverage",
           round(min(r["wilson"] for r in rows), 3), scale=scale)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--n", type=int, nargs="+", default=[60, 180, 600])  # train+val images
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report(args.n, args.reps, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
