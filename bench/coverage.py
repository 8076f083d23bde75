"""Measure the coverage of the card's 95% intervals on simulated sets with a known truth.

Each simulated set is written as a predictions file and analysed by
`modelcard.ingest.run_from_predictions.analyse_predictions_file`, the analysis step of `modelcard record`
(parse the file, then `evaluate_predictions` with record's defaults): the numbers checked are
the ones a run record, and so a card, holds. `--full-record` writes every run folder too.

For every cell (n, p) of the grid:
- "whole" sets (`--sets` of them): n images of 3 classes (shares 0.5 / 0.3 / 0.2), each
  predicted right with probability p (else one of the other classes), with an overconfident
  top probability. Scored: accuracy (truth p), macro F1 and ECE.
- "classes" files: `--sets` classes of exactly n images each, every image right with
  probability p (else another class, at random). Every class is one replicate: its recall
  (truth p) and its F1 (truth p: errors spread evenly, so each class is predicted n times on
  average).
- "groups" files: 3 classes as in "whole", and a slice column whose `--sets` groups hold
  exactly n images each. Every group is one replicate: its accuracy (truth p).
Files hold at most 20,000 images (more files when needed).
The truth of macro F1 is the population value of the generating process (the macro F1 of
its expected confusion matrix, cross-checked against one simulated set of 1,000,000 images);
the truth of ECE is its population value over the same 15 bins (2,000,000 confidence draws).
ECE is biased upward on small sets, so its interval is expected to miss often at small n.

Targets (issue 6): proportions at n >= 10 average 0.94-0.97 with no cell below 0.90; macro
F1 >= 0.90 at n >= 30. A cell is a share of `--sets` replicates: its Monte Carlo standard
error is about sqrt(0.95 * 0.05 / sets), 0.015 at 200 sets. "Wilson exact" is the binomial
coverage of the same Wilson intervals (every k enumerated), for comparison.

    .venv/bin/python bench/coverage.py [--sets 200] [--n 5 10 30 100 1000] [--p 0.5 0.9 0.99]
    .venv/bin/python bench/coverage.py --method poisson   # the streamed path of Parquet predictions

`--method poisson` analyses each set as `record` of a Parquet file does (streamed, intervals from
the Poisson bootstrap); it has no slices, so its group-accuracy column is not measured (nan).

The default grid at 200 sets analyses about 3,000 whole sets and 150 bigger files; most of
the time goes to the n = 1000 cells (pass e.g. `--n 5 10 30 100` for a quick look).

Last, the cross-validated accuracy of `train --cv` (`bench/cv_coverage.py`, `--cv-reps` data sets
per n): coverage of its interval on n = train+val against the recipe's known accuracy.

Three more intervals, each measured on its own with `--method` (known truth in each):
- `--method slice-gap`: the gap between slice groups, max - min (`bench/slice_gap_coverage.py`):
  group sizes 31/1, 20/3/2/7, 17/8/7, 300/200/100, 1000/1000, equal and unequal true accuracies.
- `--method cv-scores`: the cross-validated F1 (macro), balanced accuracy and per-class recall
  (`bench/cv_scores_coverage.py`): folds of Bernoulli outcomes with a fold-level random effect.
- `--method ratio`: relative robustness, mean corrupted / clean accuracy (`bench/ratio_coverage.py`):
  paired clean and corrupted outcomes with known rates.
- `--method drop-sample`: the accuracy drop's paired interval when the corruption suite runs on a
  stratified sample of a large test set (`bench/drop_sample_coverage.py`): known population truth.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from modelcard.analysis.calibration import bin_index  # noqa: E402
from result import result  # noqa: E402
from modelcard.analysis.proportions import wilson_interval  # noqa: E402
from modelcard.record.predictions import Predictions  # noqa: E402
from modelcard.ingest.run_from_predictions import analyse as analyse_any, analyse_predictions_file, record_predictions  # noqa: E402
from modelcard.ingest.shard_files import write_shard  # noqa: E402
from modelcard.ingest.shards import Shard  # noqa: E402

SHARES = np.array([0.5, 0.3, 0.2])
N_BINS = 15
MAX_IMAGES = 20_000
COLUMNS = ("accuracy", "class recall", "group accuracy", "macro F1", "class F1", "ECE")
PROPORTIONS = COLUMNS[:3]


def simulate(labels: np.ndarray, k: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Probability rows for true `labels`: right with probability p, else another class at random."""
    n = len(labels)
    right = rng.random(n) < p
    predicted = np.where(right, labels, (labels + rng.integers(1, k, n)) % k)
    top = confidences(n, p, rng)
    if k == 3:  # the other two classes split the rest unevenly, both below `top` (> 0.45)
        split = rng.uniform(0.25, 0.75, n)
        prob = np.empty((n, 3))
        prob[np.arange(n), (predicted + 1) % 3] = split * (1 - top)
        prob[np.arange(n), (predicted + 2) % 3] = (1 - split) * (1 - top)
    else:
        prob = np.repeat(((1 - top) / (k - 1))[:, None], k, axis=1)
    prob[np.arange(n), predicted] = top
    return prob


def confidences(n: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Top-class probabilities in (0.45, 1), averaging about p + 0.04: a slightly overconfident model."""
    mean = (min(p + 0.04, 0.995) - 0.45) / 0.55
    return 0.45 + 0.55 * rng.beta(10 * mean, 10 * (1 - mean), n)


def f1_truth(p: float, shares: np.ndarray) -> np.ndarray:
    """Per-class F1 of the expected confusion matrix: errors go to the other two classes evenly."""
    predicted = shares * p + (1 - p) * (shares.sum() - shares) / 2
    return 2 * shares * p / (shares + predicted)


def ece_truth(p: float, rng: np.random.Generator, draws: int = 2_000_000) -> float:
    """Population ECE: right-ness is independent of confidence, so each bin's accuracy is p."""
    top = confidences(draws, p, rng)
    bins = bin_index(top, N_BINS)
    count = np.bincount(bins, minlength=N_BINS)
    total = np.bincount(bins, weights=top, minlength=N_BINS)
    return float(np.abs(count * p - total).sum() / draws)


def whole_set(n: int, p: float, rng: np.random.Generator) -> dict:
    labels = rng.choice(3, n, p=SHARES)
    return {"y_true": labels, "y_prob": simulate(labels, 3, p, rng), "class_names": np.array(["a", "b", "c"])}


def classes_set(n: int, k: int, p: float, rng: np.random.Generator) -> dict:
    """k classes of exactly n images each."""
    labels = np.repeat(np.arange(k), n)
    return {"y_true": labels, "y_prob": simulate(labels, k, p, rng), "class_names": np.array([f"c{i:03d}" for i in range(k)])}


def groups_set(n: int, k: int, p: float, rng: np.random.Generator) -> dict:
    """k slice groups of exactly n images each, over the 3 classes of `whole_set`."""
    arrays = whole_set(n * k, p, rng)
    arrays["attr__site"] = np.repeat(np.arange(k), n).astype(str)
    return arrays


def analyse_streamed(arrays: dict, folder: Path, name: str, n_resamples: int, seed: int):
    """Write the set as one Parquet file and analyse it as `modelcard record` streams it (Poisson bootstrap)."""
    n = len(arrays["y_true"])
    preds = Predictions(ids=np.asarray([f"row-{i:07d}" for i in range(n)]), y_true=arrays["y_true"],
                        y_prob=arrays["y_prob"], class_names=[str(c) for c in arrays["class_names"]])
    path = write_shard(folder / f"{name}.parquet", preds, Shard(1, 1))
    return analyse_any(path, n_resamples=n_resamples, seed=seed).evaluation.to_dict()


def analyse(arrays: dict, folder: Path, name: str, n_resamples: int, seed: int, full: bool, method: str = "resample"):
    """Write a predictions file and analyse it as `modelcard record` does; the test evaluation."""
    if method == "poisson":
        return analyse_streamed(arrays, folder, name, n_resamples, seed)
    path = folder / f"{name}.npz"
    np.savez(path, **arrays)
    slices = ["site"] if "attr__site" in arrays else []
    if full:
        run = record_predictions(path, folder / "runs", name=name, slices=slices, n_resamples=n_resamples, seed=seed)
        return json.loads((run / "run.json").read_text(encoding="utf-8"))["evaluations"]["test"]
    return analyse_predictions_file(path, slices, n_resamples=n_resamples, seed=seed)[1].to_dict()  # typed since issue 15


def covers(metric: dict, truth: float) -> bool:
    low, high = metric.get("ci_low"), metric.get("ci_high")
    return low is not None and high is not None and low <= truth <= high


def exact_wilson(n: int, p: float) -> float:
    """Binomial coverage of the Wilson interval at (n, p), enumerating every k."""
    from scipy.stats import binom

    k = np.arange(n + 1)
    low, high = wilson_interval(k, np.full(n + 1, n))
    return float(binom.pmf(k, n, p)[(low <= p) & (p <= high)].sum())


def batches(n: int, sets: int):
    """(replicates done so far, replicates in this file): at least 2 classes, at most MAX_IMAGES images."""
    done = 0
    while done < sets:
        k = max(2, min(sets - done, MAX_IMAGES // n))
        yield done, k
        done += k


def cell(n: int, p: float, sets: int, n_resamples: int, seed: int, folder: Path, full: bool,
         method: str = "resample") -> dict[str, float]:
    """Coverage of each column over `sets` replicates of the (n, p) cell (group accuracy is NaN
    for the Poisson method: the streamed path has no slices)."""
    rng = np.random.default_rng([seed, n, int(round(p * 1000))])
    macro_f1 = float(f1_truth(p, SHARES).mean())
    ece = ece_truth(p, rng)
    hits = dict.fromkeys(COLUMNS, 0)
    for s in range(sets):
        whole = analyse(whole_set(n, p, rng), folder, f"w{s}", n_resamples, s, full, method)
        hits["accuracy"] += covers(whole["metrics"]["accuracy"], p)
        hits["macro F1"] += covers(whole["metrics"]["f1_macro"], macro_f1)
        hits["ECE"] += covers(whole["metrics"]["ece"], ece)
    for done, k in batches(n, sets):
        classes = analyse(classes_set(n, k, p, rng), folder, f"c{done}", n_resamples, done, full, method)
        for entry in classes["per_class"][:sets - done]:
            hits["class recall"] += covers(entry["recall"], p)
            hits["class F1"] += covers(entry["f1"], p)
        grouped = groups_set(n, k, p, rng)  # drawn by both methods, so that both see the same sets
        if method == "poisson":
            hits["group accuracy"] = np.nan
            continue
        groups = analyse(grouped, folder, f"g{done}", n_resamples, done, full)
        for group in groups["slices"][0]["groups"][:sets - done]:
            hits["group accuracy"] += covers(group["accuracy"], p)
    return {name: hits[name] / sets for name in COLUMNS}


def check_f1_truth(p: float = 0.9, draws: int = 1_000_000) -> tuple[float, float]:
    """Analytic population macro F1 against the macro F1 of one very large simulated set."""
    from modelcard.analysis import point_metrics

    rng = np.random.default_rng(7)
    data = whole_set(draws, p, rng)
    return float(f1_truth(p, SHARES).mean()), point_metrics(data["y_true"], data["y_prob"], ["a", "b", "c"]).scalars["f1_macro"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=200, help="simulated replicates per cell (default 200)")
    parser.add_argument("--n", type=int, nargs="+", default=[5, 10, 30, 100, 1000])
    parser.add_argument("--p", type=float, nargs="+", default=[0.5, 0.9, 0.99])
    parser.add_argument("--n-resamples", type=int, default=1000, help="bootstrap resamples per record (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--full-record", action="store_true", help="write every run folder with record_predictions (slower)")
    parser.add_argument("--method", choices=("resample", "poisson", "slice-gap", "cv-scores", "ratio", "drop-sample"),
                        default="resample",
                        help="resample: record of an .npz (the in-memory bootstrap, default); poisson: record of a "
                        "Parquet file, streamed with the Poisson bootstrap (no slices: group accuracy not measured); "
                        "slice-gap, cv-scores, ratio, drop-sample: only that interval (see above)")
    parser.add_argument("--gap-sets", type=int, default=2000, help="--method slice-gap: draws per cell (default 2000)")
    parser.add_argument("--gap-record-sets", type=int, default=200, help="--method slice-gap: sets per cell analysed "
                        "by evaluate_predictions (default 200, 0 skips)")
    parser.add_argument("--cv-score-reps", type=int, default=200, help="--method cv-scores: recipes per cell")
    parser.add_argument("--ratio-reps", type=int, default=300, help="--method ratio: test sets per cell")
    parser.add_argument("--drop-reps", type=int, default=200, help="--method drop-sample: test sets per scenario")
    parser.add_argument("--drop-n", type=int, default=8813, help="--method drop-sample: images per test set")
    parser.add_argument("--cv-reps", type=int, default=200, help="simulated data sets per n for the cross-validated "
                        "accuracy interval (bench/cv_coverage.py; default 200, 0 skips)")
    args = parser.parse_args()
    if args.method in ("slice-gap", "cv-scores", "ratio", "drop-sample"):
        return only(args)
    analytic, sampled = check_f1_truth()
    print(f"population macro F1 at p=0.9: analytic {analytic:.4f}, one simulated set of 1,000,000 images {sampled:.4f}")
    how = "record_predictions" if args.full_record else "analyse_predictions_file (record's analysis step)"
    if args.method == "poisson":
        how = "record_command.analyse of a Parquet file (streamed, Poisson bootstrap)"
    print(f"coverage of 95% intervals, {args.sets} simulated sets per cell, via {how} "
          f"(MC standard error ~{np.sqrt(0.95 * 0.05 / args.sets):.3f})")
    print("| n | p | " + " | ".join(COLUMNS) + " | Wilson exact |")
    print("| --- " * (len(COLUMNS) + 3) + "|")
    results = {}
    start, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n:
            for p in args.p:
                results[n, p] = cell(n, p, args.sets, args.n_resamples, args.seed, Path(tmp), args.full_record,
                                     args.method)
                row = " | ".join(f"{results[n, p][c]:.3f}" for c in COLUMNS)
                print(f"| {n} | {p} | {row} | {exact_wilson(n, p):.3f} |", flush=True)
    props = [results[key][c] for key in results if key[0] >= 10 for c in PROPORTIONS if not np.isnan(results[key][c])]
    label = "" if args.method == "resample" else " (Poisson bootstrap, streamed)"
    f1 = [results[key]["macro F1"] for key in results if key[0] >= 30]
    if props:
        ok = 0.94 <= np.mean(props) <= 0.97 and min(props) >= 0.90
        print(f"proportions at n >= 10: mean {np.mean(props):.3f}, min {min(props):.3f} "
              f"(target mean 0.94-0.97, min >= 0.90: {'met' if ok else 'NOT met'})")
        scale = f"{args.sets} sets per cell"
        result("coverage", f"proportion intervals at n >= 10{label}: mean coverage", round(float(np.mean(props)), 3), ">=", 0.94,
               scale=scale)
        result("coverage", f"proportion intervals at n >= 10{label}: lowest cell", round(min(props), 3), ">=", 0.90, scale=scale)
    if f1:
        print(f"macro F1 at n >= 30: min {min(f1):.3f} (target >= 0.90: {'met' if min(f1) >= 0.90 else 'NOT met'})")
        result("coverage", f"macro F1 intervals at n >= 30{label}: lowest cell", round(min(f1), 3), ">=", 0.90,
               scale=f"{args.sets} sets per cell")
    ece = [results[key]["ECE"] for key in results]
    print(f"ECE: coverage {min(ece):.3f} to {max(ece):.3f} (biased statistic: its interval shows the spread, "
          f"not a range for the true calibration error)")
    if args.cv_reps:
        from cv_coverage import report

        report(reps=args.cv_reps, seed=args.seed)
    print(f"{time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU")
    return 0


def only(args) -> int:
    """`--method slice-gap | cv-scores | ratio`: that interval's own coverage table."""
    start = time.perf_counter()
    if args.method == "slice-gap":
        from slice_gap_coverage import report as gap_report

        gap_report(args.gap_sets, args.gap_record_sets, args.seed)
    elif args.method == "cv-scores":
        from cv_scores_coverage import report as cv_scores_report

        cv_scores_report(args.cv_score_reps, args.seed)
    elif args.method == "drop-sample":
        from drop_sample_coverage import report as drop_report

        drop_report(args.drop_reps, args.drop_n, args.seed)
    else:
        from ratio_coverage import report as ratio_report

        ratio_report(args.ratio_reps, args.seed)
    print(f"{time.perf_counter() - start:.0f} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
