"""Coverage of the relative-robustness interval (record `robustness.relative_robustness_ci`, since 1.3),
by simulation with known clean and corrupted rates.

Each replicate draws n test images: right when clean with probability p0; under each of P = 18
corruption passes (the quick suite: 6 corruptions x 3 severities) a clean-right image is lost with
probability loss_p times its fragility (0 or 2, drawn once per image, so that losses cluster on
the same images as they do on real data) and a clean-wrong image is gained with probability
gain_p. The truth is R = mean_p(E[corrupted accuracy_p]) / p0 = 1 - mean(loss) + (1 - p0) / p0 *
mean(gain). Scenarios: mild (p0 = 0.95, every pass loses 0.5% of right images), a suite-like
spread (p0 = 0.90, losses 2% to 45%, gains 5%), a weak model (p0 = 0.60, losses 5% to 50%, gains
15%), rare changes (p0 = 1.00, losses 0.2%: most small sets see no change at all) and none (no
image ever changes: R = 1). The interval is `paired_ratio.relative_robustness_interval`
(1,000 resamples), scored beside the plain expanded percentile bootstrap of the same resamples
without pseudo-counts, which collapses to [1, 1] when no outcome changed.

    .venv/bin/python bench/coverage.py --method ratio [--ratio-reps 300]
"""

from __future__ import annotations

import numpy as np

PASSES = 18
NS = (10, 32, 72, 300, 1000)
SCENARIOS = {
    "mild (p0 0.95)": (0.95, np.full(PASSES, 0.005), np.zeros(PASSES)),
    "suite-like (p0 0.90)": (0.90, np.linspace(0.02, 0.45, PASSES), np.full(PASSES, 0.05)),
    "weak model (p0 0.60)": (0.60, np.linspace(0.05, 0.50, PASSES), np.full(PASSES, 0.15)),
    "rare changes (p0 1.00)": (1.00, np.full(PASSES, 0.002), np.zeros(PASSES)),
    "no change (p0 0.95)": (0.95, np.zeros(PASSES), np.zeros(PASSES)),
}


def outcomes(n: int, p0: float, loss: np.ndarray, gain: np.ndarray, rng: np.random.Generator):
    """(clean (n,), corrupted (P, n), true R) of one simulated test set."""
    clean = rng.random(n) < p0
    fragile = rng.choice([0.0, 2.0], size=n)
    u = rng.random((len(loss), n))
    corrupted = (clean & ~(u < loss[:, None] * fragile)) | (~clean & (u < gain[:, None]))
    return clean, corrupted, float(1 - loss.mean() + (1 - p0) / p0 * gain.mean())


def plain_interval(clean: np.ndarray, corrupted: np.ndarray, n_resamples: int, seed: int) -> tuple[float, float]:
    """The same paired resamples without pseudo-counts (for comparison only; not recorded)."""
    from modelcard.analysis.bootstrap import expanded_confidence, percentile_interval, resample_indices

    share = corrupted.mean(axis=0)
    ratios = [np.divide(share[i].sum(axis=1), clean[i].sum(axis=1), out=np.full(len(i), np.nan),
                        where=clean[i].sum(axis=1) > 0) for i in resample_indices(clean.size, n_resamples, seed)]
    low, high = percentile_interval(np.concatenate(ratios), expanded_confidence(0.95, clean.size))
    value = share.sum() / clean.sum()
    return min(float(low), value), max(float(high), value)


def ratio_coverage(n: int, scenario: str, reps: int = 300, seed: int = 0, n_resamples: int = 1000) -> dict:
    from modelcard.analysis.paired_ratio import relative_robustness_interval

    p0, loss, gain = SCENARIOS[scenario]
    rng = np.random.default_rng([seed, n, list(SCENARIOS).index(scenario)])
    hits = plain = defined = 0
    width = 0.0
    truth = float("nan")
    for r in range(reps):
        clean, corrupted, truth = outcomes(n, p0, loss, gain, rng)
        ratio = relative_robustness_interval(clean, corrupted, n_resamples=n_resamples, seed=r)
        if ratio.ci_low is None:
            continue  # no clean image right: relative robustness is undefined (counted as a miss)
        defined += 1
        hits += ratio.ci_low <= truth <= ratio.ci_high
        width += ratio.ci_high - ratio.ci_low
        low, high = plain_interval(clean, corrupted, n_resamples, r)
        plain += low <= truth <= high
    return {"n": n, "scenario": scenario, "truth": truth, "covered": hits / reps, "plain": plain / reps,
            "width": width / max(defined, 1), "defined": defined / reps}


def report(reps: int = 300, seed: int = 0) -> list[dict]:
    """Print the coverage table and the RESULT lines (bench/result.py)."""
    from result import result

    print(f"relative robustness (mean corrupted accuracy / clean accuracy, {PASSES} passes), {reps} simulated test "
          "sets per cell, known rates; nominal 0.95:")
    print("| n | scenario | true R | smoothed paired bootstrap (recorded) | mean width | plain paired bootstrap |")
    print("| --- " * 6 + "|")
    rows = []
    for n in NS:
        for scenario in SCENARIOS:
            r = ratio_coverage(n, scenario, reps, seed)
            rows.append(r)
            print(f"| {n} | {scenario} | {r['truth']:.4f} | {r['covered']:.3f} | {r['width']:.4f} | {r['plain']:.3f} |",
                  flush=True)
    scale = f"{reps} sets per cell, n = {', '.join(map(str, NS))}, {len(SCENARIOS)} scenarios"
    result("coverage", "relative robustness interval (smoothed paired bootstrap): lowest coverage",
           round(min(r["covered"] for r in rows), 3), ">=", 0.90, scale=scale)
    result("coverage", "relative robustness, plain paired bootstrap (not used): lowest coverage",
           round(min(r["plain"] for r in rows), 3), scale=scale)
    return rows
