"""A rate (k of n) as the record's `{value, ci_low, ci_high}` object, with the project's one
proportion interval (`proportions.wilson_interval`), so every rate switches method in one place."""

from __future__ import annotations

from .proportions import WILSON_LABEL, wilson_interval

PROPORTION_METHOD = WILSON_LABEL


def proportion_interval(successes: int, n: int, confidence: float = 0.95) -> dict:
    """`{"value", "ci_low", "ci_high"}` for `successes` out of `n` (all None when n is 0).

    >>> proportion_interval(0, 10)["ci_high"] > 0.2
    True
    """
    k, n = int(successes), int(n)
    if n <= 0:
        return {"value": None, "ci_low": None, "ci_high": None}
    if not 0 <= k <= n:
        raise ValueError(f"successes must be in 0..{n}, got {k}")
    low, high = wilson_interval(k, n, confidence)
    return {"value": k / n, "ci_low": float(low), "ci_high": float(high)}
