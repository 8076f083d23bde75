"""One confidence interval for a proportion (k of n), used wherever a rate is reported.

Why one function: every rate in a card (label-issue rates today) takes its interval from here,
so the method changes in one place. Clopper-Pearson (exact, from the beta distribution) is used
because its coverage is at least the nominal level at every sample size, 0 and n included.
"""

from __future__ import annotations

PROPORTION_METHOD = "Clopper-Pearson"


def proportion_interval(successes: int, n: int, confidence: float = 0.95) -> dict:
    """`{"value", "ci_low", "ci_high"}` for `successes` out of `n` (all None when n is 0).

    >>> proportion_interval(0, 10)["ci_high"] > 0.3
    True
    """
    from scipy.stats import beta

    k, n = int(successes), int(n)
    if n <= 0:
        return {"value": None, "ci_low": None, "ci_high": None}
    if not 0 <= k <= n:
        raise ValueError(f"successes must be in 0..{n}, got {k}")
    alpha = 1.0 - confidence
    low = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    return {"value": k / n, "ci_low": low, "ci_high": high}
