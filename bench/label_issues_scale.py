"""How does the K-fold label-issue estimation grow with images and classes?

The estimation `train` runs on the cached training features (`modelcard.analysis.crossval.
cross_validated_probs`: K stratified folds of a standardized multinomial logistic regression,
then cleanlab's `find_label_issues`) is timed on synthetic backbone-like features: 1,280
non-negative float32 features from a 128-dimensional latent class structure, with 5% of the
labels flipped to another class. Two scales, interleaved (shared machines swing): 2,000 images in
12 classes and 20,000 in 120, the size of reference card 000 (Stanford Dogs).

It prints, per scale: the estimation's wall and CPU seconds (out-of-fold probabilities plus
cleanlab), a plain fit of the same head on all rows with the same thread settings, their ratio in
CPU seconds (the share: K fits on (K-1)/K of the rows are K-1 = 4 plain fits of work, the target;
CPU seconds, since wall seconds on a shared machine swing with its load), the same ratio in wall
seconds (about half of it when the folds get both cores), the recall of the flipped labels (a
sanity figure), and the worst case at the large scale: a plain fit forced to run every one of
MAX_ITER iterations (tol 0), scaled to K folds on (K-1)/K of the rows, run side by side.
`--baseline` also times the implementation before this bound (float64 copies, up to 300
iterations, folds one after another) at the large scale, once. The peak RSS printed is the process's
(the synthetic features of both scales, and with `--baseline` its float64 copies too).

    .venv/bin/python bench/label_issues_scale.py [--scales 2000x12,20000x120] [--repeats 1] [--baseline]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from modelcard.analysis import crossval  # noqa: E402
from modelcard.analysis import label_issues as li  # noqa: E402
from result import result  # noqa: E402

DIMS, LATENT, FLIP = 1280, 128, 0.05
K = crossval.DEFAULT_K


def synthetic(n: int, n_classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features float32 (n, DIMS), given labels, indices of the flipped labels)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1, (n_classes, LATENT)).astype(np.float32)
    mixing = (rng.normal(0, 1, (LATENT, DIMS)) / np.sqrt(LATENT)).astype(np.float32)
    shift = rng.normal(-1.0, 0.5, DIMS).astype(np.float32)  # many features are zero, as after a ReLU
    truth = rng.permutation(np.arange(n) % n_classes)
    x = np.empty((n, DIMS), np.float32)
    for start in range(0, n, 4096):  # in blocks: no float64 copy of the whole matrix
        t = truth[start:start + 4096]
        latent = centres[t] + rng.normal(0, 1.5, (len(t), LATENT)).astype(np.float32)
        block = latent @ mixing + shift + rng.normal(0, 0.5, (len(t), DIMS)).astype(np.float32)
        x[start:start + len(t)] = np.maximum(block, 0)
    flipped = rng.choice(n, size=int(round(FLIP * n)), replace=False)
    given = truth.copy()
    given[flipped] = (truth[flipped] + rng.integers(1, n_classes, len(flipped))) % n_classes
    return x, given, flipped


def clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()  # CPU seconds of every thread of this process


def since(start: tuple[float, float]) -> tuple[float, float]:
    """(wall, CPU) seconds since `start`."""
    wall, cpu = clock()
    return wall - start[0], cpu - start[1]


def estimate(x, y, names) -> tuple[tuple[float, float], set[int]]:
    """((wall, CPU) seconds, flagged rows) of the estimation `train` runs: out-of-fold probabilities, then cleanlab."""
    start = clock()
    cv = crossval.cross_validated_probs(x, y, names, k=K, seed=0)
    _, flagged = li.measure(y, cv.probs, names, [str(i) for i in range(len(y))], method="bench", k_folds=cv.k)
    return since(start), {f.index for f in flagged}


def plain_fit(x, y, tol: float | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one fit of the same head (one BLAS thread) on all rows, predicting them all."""
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    rows = np.arange(len(y))
    fit_predict = crossval.logistic_fit_predict(x, y) if tol is None else _forced(x, y, tol)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = clock()
        fit_predict(rows, rows)
        return since(start)


def _forced(x, y, tol: float):
    """The head with a stopping tolerance of `tol` (0: every one of MAX_ITER iterations runs)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def fit_predict(fit_rows, held_out):
        head = make_pipeline(StandardScaler(copy=False),
                             LogisticRegression(C=crossval.C, max_iter=crossval.MAX_ITER, tol=tol))
        head.fit(np.take(x, fit_rows, axis=0), y[fit_rows])
        return head.classes_, head.predict_proba(np.take(x, held_out, axis=0))

    return fit_predict


def baseline(x, y, names) -> tuple[float, float]:
    """(wall, CPU) seconds of the estimation as it was: float64, up to 300 iterations, the folds in turn."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    start = clock()
    x64 = np.asarray(x, dtype=np.float64)
    fold_list = crossval.folds(y, K, 0)

    def fit_predict(fit_rows, held_out):
        head = make_pipeline(StandardScaler(), LogisticRegression(C=crossval.C, max_iter=300))
        head.fit(x64[fit_rows], y[fit_rows])
        return head.classes_, head.predict_proba(x64[held_out])

    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        probs = crossval.out_of_fold(len(names), fold_list, fit_predict)
    li.measure(y, probs, names, [str(i) for i in range(len(y))], method="bench")
    return since(start)


def parse_scales(text: str) -> list[tuple[int, int]]:
    return [tuple(int(v) for v in part.split("x")) for part in text.split(",")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="2000x12,20000x120", help="small,large as IMAGESxCLASSES")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--baseline", action="store_true", help="also time the implementation before the bound")
    args = parser.parse_args()
    scales = parse_scales(args.scales)
    data = {s: synthetic(*s, seed=i) for i, s in enumerate(scales)}
    names = {s: [f"class{c}" for c in range(s[1])] for s in scales}
    estimate(data[scales[0]][0][:300], data[scales[0]][1][:300] % 3, names[scales[0]][:3])  # imports, untimed
    runs = {s: {"est": [], "fit": []} for s in scales}
    recall = {}
    for _ in range(args.repeats):  # interleaved, so both scales see the same machine load
        for s in scales:
            x, y, flipped = data[s]
            seconds, found = estimate(x, y, names[s])
            runs[s]["est"].append(seconds)
            runs[s]["fit"].append(plain_fit(x, y))
            recall[s] = len(found & set(flipped.tolist())) / len(flipped)
    x, y, _ = data[scales[1]]
    forced = plain_fit(x, y, tol=0.0)
    base = baseline(x, y, names[scales[1]]) if args.baseline else None
    report(scales, runs, recall, forced, base, args.repeats)
    return 0


def median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def report(scales, runs, recall, forced, base, repeats) -> None:
    (n_small, c_small), (n_large, c_large) = scales
    jobs = crossval.default_jobs(K)
    est = {s: median(runs[s]["est"]) for s in scales}
    fit = {s: median(runs[s]["fit"]) for s in scales}
    for s in scales:
        print(f"{s[0]:>6,} images, {s[1]:>3} classes: estimation {est[s][0]:.2f} s wall, {est[s][1]:.2f} s CPU; "
              f"plain fit {fit[s][0]:.2f} s wall, {fit[s][1]:.2f} s CPU; share {est[s][1] / fit[s][1]:.2f} CPU, "
              f"{est[s][0] / fit[s][0]:.2f} wall; recall of the flipped labels {recall[s]:.3f}")
    big, small = scales[1], scales[0]
    ratio = est[big][1] / est[small][1]
    grow = (n_large * c_large) / (n_small * c_small)
    # worst case: K folds on (K-1)/K of the rows, each running every iteration: K-1 forced plain fits of CPU
    worst = forced[1] * (K - 1)
    print(f"ratio at {n_large:,}/{c_large} over {n_small:,}/{c_small}: {ratio:.1f} CPU, {est[big][0] / est[small][0]:.1f} wall "
          f"(images x classes grow {grow:g} x)")
    print(f"worst case at {n_large:,}/{c_large} (every fold runs {crossval.MAX_ITER} iterations, {jobs} folds at a time): "
          f"about {worst:.0f} s CPU, {worst / jobs:.0f} s wall on {jobs} free cores (a {crossval.MAX_ITER}-iteration plain fit: "
          f"{forced[0]:.1f} s wall, {forced[1]:.1f} s CPU)")
    if base is not None:
        print(f"before (float64, up to 300 iterations, folds in turn) at {n_large:,}/{c_large}: {base[0]:.2f} s wall, "
              f"{base[1]:.2f} s CPU ({base[0] / est[big][0]:.1f} x now in wall, {base[1] / est[big][1]:.1f} x in CPU)")
    emit(scales, est, fit, recall, worst, base, jobs, repeats)


def emit(scales, est, fit, recall, worst, base, jobs, repeats) -> None:
    (n_small, c_small), (n_large, c_large) = scales
    big, small = f"{n_large / 1000:g}k/{c_large}", f"{n_small / 1000:g}k/{c_small}"
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    scale = f"synthetic {DIMS}-d float32 features, {FLIP:.0%} flipped labels, K={K}, {jobs} fold threads, median of {repeats}"
    grow = (n_large * c_large) / (n_small * c_small)
    line = lambda compared, value, *target, **kw: result("label_issues_scale", compared, value, *target, scale=scale, **kw)  # noqa: E731
    line(f"estimation wall time at {big}", round(est[scales[1]][0], 1), unit=" s", peak_mb=peak)
    line(f"estimation wall time at {small}", round(est[scales[0]][0], 2), unit=" s")
    line(f"estimation CPU time at {big} / at {small}", round(est[scales[1]][1] / est[scales[0]][1], 1), "<=", grow)
    for s, label in ((scales[1], big), (scales[0], small)):
        line(f"estimation / plain fit of the head, CPU, at {label}", round(est[s][1] / fit[s][1], 2), "<=", K - 1.0)
    line(f"recall of the flipped labels at {big}", round(recall[scales[1]], 3), ">=", 0.8)
    line(f"worst case at {big}, {crossval.MAX_ITER} iterations per fold, CPU", round(worst), unit=" s")
    if base is not None:
        line(f"before / now, CPU, at {big}", round(base[1] / est[scales[1]][1], 1))


if __name__ == "__main__":
    raise SystemExit(main())
