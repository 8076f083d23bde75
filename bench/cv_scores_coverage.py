"""Coverage of the cross-validated F1 (macro), balanced accuracy and per-class recall intervals (record
`cv`, since 1.3), by simulation with a known truth.

A recipe simulated as K = 5 folds of Bernoulli outcomes with a fold-level random effect: n
train+val images of 3 classes (shares 0.5 / 0.3 / 0.2), dealt to the folds class by class (as a
stratified split does); fold f's model recognises an image of class c with probability
expit(logit(r_c) + u_f), r = (0.90, 0.80, 0.70), u_f ~ Normal(0, sigma^2) drawn once per fold
(how much the K heads differ because each was fitted on other data); a missed image is predicted
as one of the other two classes at random. The truth is the recipe's expected population score,
E_u[score(u)], over the random effect: recall of class c E_u[expit(logit(r_c) + u)], balanced
accuracy their mean, macro F1 from each u's expected confusion matrix (200,000 draws of u).
Each replicate runs `cv_score_intervals` (the function `cv_section` records, 1,000 resamples
by default) and `cv_accuracy_interval`; coverage is the share of replicates whose interval holds
the truth. Both parts of the union are scored too: the pooled bootstrap alone ignores how the
folds' models differ, the corrected t alone is the only part that sees it.

    .venv/bin/python bench/coverage.py --method cv-scores [--cv-score-reps 200]
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

SHARES = np.array([0.5, 0.3, 0.2])
RECALL = np.array([0.90, 0.80, 0.70])
K = 5
NS = (60, 200, 1000)
SIGMAS = (0.0, 0.25, 0.5)


def scores_at(recall: np.ndarray) -> dict[str, np.ndarray]:
    """Population accuracy, balanced accuracy and macro F1 of per-class recalls `(..., 3)`, errors
    spread evenly over the two other classes."""
    predicted = SHARES * recall + ((SHARES * (1 - recall))[..., None, :] * (1 - np.eye(3)) / 2).sum(axis=-1)
    f1 = 2 * SHARES * recall / (SHARES + predicted)
    return {"accuracy": (SHARES * recall).sum(axis=-1), "balanced_accuracy": recall.mean(axis=-1),
            "f1_macro": f1.mean(axis=-1)}


def truth(sigma: float, draws: int = 200_000, seed: int = 0) -> dict[str, object]:
    """The recipe's expected scores and per-class recalls over the fold-level random effect."""
    u = np.random.default_rng(seed).normal(0.0, sigma, (draws, 1)) if sigma else np.zeros((1, 1))
    recall = expit(logit(RECALL) + u)
    out: dict[str, object] = {name: float(v.mean()) for name, v in scores_at(recall).items()}
    out["recall"] = recall.mean(axis=0)
    return out


def simulate(n: int, sigma: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(y_true, y_prob, fold_of) of one cross-validated recipe."""
    y = rng.choice(3, n, p=SHARES)
    fold_of = np.empty(n, dtype=np.int64)
    for c in range(3):  # stratified: each class dealt round-robin from a random start
        rows = rng.permutation(np.flatnonzero(y == c))
        fold_of[rows] = (np.arange(len(rows)) + rng.integers(K)) % K
    u = rng.normal(0.0, sigma, K)
    right = rng.random(n) < expit(logit(RECALL[y]) + u[fold_of])
    predicted = np.where(right, y, (y + rng.integers(1, 3, n)) % 3)
    prob = np.full((n, 3), 0.1)
    prob[np.arange(n), predicted] = 0.8
    return y, prob, fold_of


def cv_scores_coverage(n: int, sigma: float, reps: int = 200, seed: int = 0, n_resamples: int = 1000) -> dict:
    """Coverage of every recorded interval (and of the two parts of the F1 one) at one (n, sigma)."""
    from modelcard.analysis.cv_estimate import cv_accuracy_interval, cv_score_intervals

    known = truth(sigma)
    rng = np.random.default_rng([seed, n, int(sigma * 100)])
    names = ("accuracy", "f1_macro", "balanced_accuracy", "f1 pooled only", "f1 corrected t only")
    hits = dict.fromkeys(names, 0)
    recall_hits = np.zeros(3)
    width = 0.0
    for r in range(reps):
        y, prob, fold_of = simulate(n, sigma, rng)
        scores = cv_score_intervals(y, prob, fold_of, ["a", "b", "c"], n_resamples=n_resamples, seed=r)
        acc = cv_accuracy_interval(prob.argmax(axis=1) == y, fold_of)["metric"]
        bounds = {"accuracy": (acc["ci_low"], acc["ci_high"]),
                  "f1_macro": (scores.f1_macro.ci_low, scores.f1_macro.ci_high),
                  "balanced_accuracy": (scores.balanced_accuracy.ci_low, scores.balanced_accuracy.ci_high),
                  "f1 pooled only": scores.f1_macro.pooled, "f1 corrected t only": scores.f1_macro.corrected_t}
        for name, (low, high) in bounds.items():
            target = known["f1_macro" if name.startswith("f1") else name]
            hits[name] += low <= target <= high
        for c, rec in enumerate(scores.recall):
            recall_hits[c] += rec.ci_low <= known["recall"][c] <= rec.ci_high
        width += scores.f1_macro.ci_high - scores.f1_macro.ci_low
    out = {"n": n, "sigma": sigma, "reps": reps, "f1_truth": known["f1_macro"], "f1_width": width / reps}
    out.update({name: hits[name] / reps for name in names})
    out["recall_lowest_class"] = float(recall_hits.min() / reps)
    return out


def report(reps: int = 200, seed: int = 0) -> list[dict]:
    """Print the coverage table and the RESULT lines (bench/result.py)."""
    from result import result

    print(f"cross-validated scores ({K} folds, fold-level random effect sigma on the logit scale), {reps} simulated "
          "recipes per cell, known truth; nominal 0.95:")
    print("| n train+val | sigma | true F1 (macro) | F1 (macro) | F1 width | balanced accuracy | recall, lowest class "
          "| accuracy | F1 pooled bootstrap only | F1 corrected t only |")
    print("| --- " * 10 + "|")
    rows = []
    for n in NS:
        for sigma in SIGMAS:
            r = cv_scores_coverage(n, sigma, reps, seed)
            rows.append(r)
            print(f"| {n} | {sigma} | {r['f1_truth']:.3f} | {r['f1_macro']:.3f} | {r['f1_width']:.3f} | "
                  f"{r['balanced_accuracy']:.3f} | {r['recall_lowest_class']:.3f} | {r['accuracy']:.3f} | "
                  f"{r['f1 pooled only']:.3f} | {r['f1 corrected t only']:.3f} |", flush=True)
    scale = f"{reps} recipes per cell, n = {', '.join(map(str, NS))}, sigma = {', '.join(map(str, SIGMAS))}"
    for name, words in (("f1_macro", "cross-validated F1 (macro) interval (bootstrap or corrected t)"),
                        ("balanced_accuracy", "cross-validated balanced accuracy interval (bootstrap or corrected t)"),
                        ("recall_lowest_class", "cross-validated per-class recall interval (Wilson or corrected t), "
                                                "lowest class")):
        result("coverage", f"{words}: lowest coverage", round(min(r[name] for r in rows), 3), ">=", 0.90, scale=scale)
    result("coverage", "cross-validated F1 (macro), pooled bootstrap alone (not used): lowest coverage",
           round(min(r["f1 pooled only"] for r in rows), 3), scale=scale)
    return rows
