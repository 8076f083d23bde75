"""Time the vectorised bootstrap: 1000 resamples of every metric, 10,000 samples x 120 classes.

Target: <= 2 s on the project's 2-core machines. Prints the median of a few repeats (timings
here swing between runs, so compare the ratio to the target, not raw seconds across days).
Run: `.venv/bin/python bench/bootstrap.py [--repeats 3] [--groups]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from modelcard.analysis import evaluate_predictions, per_sample, percentile_interval  # noqa: E402
from modelcard.analysis.bootstrap import bootstrap_samples  # noqa: E402
from modelcard.analysis.inputs import encode_groups  # noqa: E402
from result import result  # noqa: E402

TARGET_S = 2.0
N_SAMPLES, N_CLASSES, N_RESAMPLES = 10_000, 120, 1000


def synthetic(seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """A plausible 120-class softmax output with three slice groups."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, N_CLASSES, N_SAMPLES)
    logits = rng.normal(size=(N_SAMPLES, N_CLASSES)) * 2.0
    logits[np.arange(N_SAMPLES), y_true] += 4.0
    y_prob = np.exp(logits - logits.max(axis=1, keepdims=True))
    y_prob /= y_prob.sum(axis=1, keepdims=True)
    groups = {"lighting": rng.choice(["bright", "dark", "dim"], N_SAMPLES)}
    return y_true, y_prob, groups


def bootstrap_all(y_true, y_prob, groups) -> None:
    """The timed work: resample every metric (and groups, if given), then all intervals."""
    samples = per_sample(y_true, y_prob, 15)
    encoded = {column: encode_groups(values) for column, values in (groups or {}).items()}
    dist = bootstrap_samples(samples, encoded, n_resamples=N_RESAMPLES, seed=0)
    for values in [*dist.scalars.values(), *dist.per_class.values()]:
        percentile_interval(values)


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--groups", action="store_true", help="also resample one 3-group slice column")
    args = parser.parse_args()
    y_true, y_prob, groups = synthetic()
    bootstrap_all(y_true, y_prob, None)  # warm-up: imports, page faults
    what = "all metrics + one 3-group slice" if args.groups else "all metrics"
    seconds = timed(lambda: bootstrap_all(y_true, y_prob, groups if args.groups else None), args.repeats)
    print(f"bootstrap of {what}: {N_RESAMPLES} resamples x {N_SAMPLES} samples x {N_CLASSES} classes: "
          f"{seconds:.2f} s median of {args.repeats} ({seconds / TARGET_S:.2f}x the {TARGET_S:.0f} s target)")
    full = timed(lambda: evaluate_predictions(y_true, y_prob, [f"c{i}" for i in range(N_CLASSES)], groups), 1)
    print(f"evaluate_predictions end to end (with fairlearn slices): {full:.2f} s")
    result("bootstrap", f"{what}, {N_RESAMPLES} resamples x {N_SAMPLES} samples (seconds)", round(seconds, 3), "<=", TARGET_S,
           unit=" s", scale=f"{N_SAMPLES} samples, median of {args.repeats}")


if __name__ == "__main__":
    main()
