"""Coverage of the accuracy-drop interval when the corruption suite runs on a stratified sample of a
large test set (`modelcard/analysis/robustness_sample.py`), by simulation with a known truth.

A population of images in 9 classes (shares as uneven as 30% to 3%) with a clean accuracy per class
(spread around the scenario's mean) and, per corruption pass (18, the quick suite), a loss rate of
clean-right images (per class: the hard classes lose twice as much, and losses cluster on fragile
images, a fragility of 0 or 2 drawn once per image) and a gain rate of clean-wrong ones. The true
drop of a pass is the population's E[clean right] - E[corrupted right]. Each replicate draws a test
set of `--drop-n` images (default 8,813, the size of issue 28's folder), plans the sample as the stage
does (`sample_plan`, with the test set's own clean accuracy, seed = replicate), and computes the
recorded interval (Tango's paired score interval, `robustness.paired_drop`) on the sampled images
only. Scored per pass: covered or not; and the widest half width reached against the +-5 points
target.

    .venv/bin/python bench/coverage.py --method drop-sample [--drop-reps 200] [--drop-n 8813]
"""

from __future__ import annotations

import numpy as np

PASSES = 18
SHARES = np.array([0.30, 0.18, 0.12, 0.10, 0.09, 0.08, 0.06, 0.04, 0.03])
SCENARIOS = {  # name: (mean clean accuracy, loss rates of the passes, gain rate)
    "strong model (p0 0.93)": (0.93, np.linspace(0.01, 0.40, PASSES), 0.03),
    "suite-like (p0 0.85)": (0.85, np.linspace(0.02, 0.45, PASSES), 0.05),
    "weak model (p0 0.60)": (0.60, np.linspace(0.05, 0.50, PASSES), 0.15),
}


def _population(p0: float, loss: np.ndarray):
    """Per-class clean accuracy (k,) and loss rates (k, P): accuracy spread +-, hard classes lose more."""
    spread = np.linspace(-1, 1, len(SHARES))
    accuracy = np.clip(p0 + 0.06 * spread * min(p0, 1 - p0) / 0.07, 0.01, 0.999)
    hardness = 1.0 + (accuracy.max() - accuracy) / max(accuracy.max() - accuracy.min(), 1e-9)  # 1 to 2
    rates = np.clip(loss[None, :] * hardness[:, None] / np.average(hardness, weights=SHARES), 0, 0.49)
    return accuracy, rates


def truth(p0: float, loss: np.ndarray, gain: float) -> np.ndarray:
    accuracy, rates = _population(p0, loss)
    lost = (SHARES * accuracy) @ rates           # E[fragility] = 1
    gained = (SHARES * (1 - accuracy)).sum() * gain
    return lost - gained


def test_set(n: int, p0: float, loss: np.ndarray, gain: float, rng: np.random.Generator):
    """(labels (n,), clean (n,), corrupted (P, n)) of one test set drawn from the population."""
    accuracy, rates = _population(p0, loss)
    labels = rng.choice(len(SHARES), size=n, p=SHARES)
    clean = rng.random(n) < accuracy[labels]
    fragile = rng.choice([0.0, 2.0], size=n)
    u = rng.random((PASSES, n))
    corrupted = (clean & ~(u < rates[labels].T * fragile)) | (~clean & (u < gain))
    return labels, clean, corrupted


def drop_coverage(scenario: str, reps: int, n: int, seed: int = 0) -> dict:
    from modelcard.analysis.robustness import paired_drop
    from modelcard.analysis.robustness_sample import sample_plan

    p0, loss, gain = SCENARIOS[scenario]
    true = truth(p0, loss, gain)
    rng = np.random.default_rng([seed, n, list(SCENARIOS).index(scenario)])
    hits, widest, sizes = 0, 0.0, []
    for r in range(reps):
        labels, clean, corrupted = test_set(n, p0, loss, gain, rng)
        positions, sample = sample_plan(labels, r, clean_accuracy=float(clean.mean()))
        drops = paired_drop(clean[positions], corrupted[:, positions], confidence=0.95)
        hits += sum(d["ci_low"] <= t <= d["ci_high"] for d, t in zip(drops, true))
        widest = max(widest, max((d["ci_high"] - d["ci_low"]) / 2 for d in drops))
        sizes.append(sample["n"])
    return {"scenario": scenario, "covered": hits / (reps * PASSES), "widest": widest,
            "n": f"{min(sizes)}-{max(sizes)}", "of": n}


def report(reps: int = 200, n: int = 8813, seed: int = 0) -> list[dict]:
    """Print the coverage table and the RESULT lines (bench/result.py)."""
    from result import result

    print(f"accuracy drop on a stratified sample of a {n}-image test set, {reps} test sets x {PASSES} passes per "
          "scenario, known truth; nominal 0.95, target half width 0.05:")
    print("| scenario | images sampled | coverage (Tango, on the sample) | widest half width |")
    print("| --- " * 4 + "|")
    rows = []
    for scenario in SCENARIOS:
        r = drop_coverage(scenario, reps, n, seed)
        rows.append(r)
        print(f"| {scenario} | {r['n']} of {n} | {r['covered']:.3f} | {r['widest']:.4f} |", flush=True)
    scale = f"{reps} test sets of {n} images x {PASSES} passes, {len(SCENARIOS)} scenarios"
    result("coverage", "accuracy drop interval on the robustness sample: lowest coverage",
           round(min(r["covered"] for r in rows), 3), ">=", 0.93, scale=scale)
    result("coverage", "accuracy drop interval on the robustness sample: widest half width",
           round(max(r["widest"] for r in rows), 4), "<=", 0.0505, scale=scale)
    return rows
