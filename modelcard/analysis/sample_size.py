"""How many test images would settle a question, with the card's own interval (the Wilson score interval).

Planning happens at an assumed rate, by default the observed one: "about 229 test images at 93.75%"
means that a test set of 229 images with the whole number nearest 93.75% of them right (215) would
give a Wilson interval whose low end clears a 90% bar, and no smaller set would. The intervals come from `proportions.wilson_interval`, the code every share on a
card is computed with, so the plan and the card can never disagree about what "settled" means. At the
assumed rate itself the chance of settling the bar with that many images is about one half (the
observed rate of a new set falls on either side of it); `bench/coverage.py --method sample-size` and
the tests simulate it with known truth.

>>> n_to_clear(0.9375, 0.90)
229
>>> n_to_clear(0.70, 0.90) is None  # below the bar: it cannot clear it
True
>>> n_to_fall_below(0.80, 0.90)
28
>>> n_for_half_width(0.5, 0.10)
93
"""

from __future__ import annotations

import math

import numpy as np

from .proportions import normal_quantile, wilson_interval

#: No plan beyond this many images (a rate this close to the bar is no question a test set answers).
MAX_N = 10_000_000


def _first(ok, start: int = 1) -> int | None:
    """The smallest n >= start for which `ok(n_array)` holds, scanning whole numbers in growing chunks (the
    Wilson bounds of round(rate * n) of n are not monotone in n, by the rounding); None past MAX_N."""
    low, size = max(int(start), 1), 4096
    while low <= MAX_N:
        n = np.arange(low, min(low + size, MAX_N + 1))
        hit = np.flatnonzero(ok(n))
        if hit.size:
            return int(n[hit[0]])
        low, size = int(n[-1]) + 1, size * 4
    return None


def _start(rate: float, bar: float, confidence: float) -> int | None:
    """The smallest n at which a set at `rate` could settle `bar` at all; None when none up to MAX_N can.

    The Wilson interval leaves `bar` out exactly when |k/n - bar| > z * sqrt(bar * (1 - bar) / n) (it is the
    score test inverted), and rounding moves k/n at most 1 / (2n) from `rate`; so with d = |rate - bar|,
    s = z * sqrt(bar * (1 - bar)) and x = 1 / sqrt(n), a set can settle the bar only where
    x^2 / 2 - s x + d > 0, outside the roots x1 < x2 of that quadratic. Starting the scan at 1 / x1^2 skips
    the sizes that cannot settle it (with a rate a hair from the bar, millions)."""
    d, s = abs(rate - bar), normal_quantile(confidence) * math.sqrt(bar * (1.0 - bar))
    if d == 0.0:
        return None
    disc = s * s - 2.0 * d
    if disc <= 0.0 or s + math.sqrt(disc) <= 1.0:  # the rounding alone may settle it at some small n
        return 1
    first = 1.0 / (s - math.sqrt(disc)) ** 2
    return None if first > MAX_N else max(1, int(first * (1.0 - 1e-9)))


def _bounds(rate: float, n: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson bounds of a test set of `n` images with the whole number of them nearest `rate` right."""
    return wilson_interval(np.rint(rate * n), n, confidence)


def _check(rate: float, bar: float, confidence: float) -> None:
    if not (0.0 <= rate <= 1.0 and 0.0 < bar < 1.0 and 0.0 < confidence < 1.0):
        raise ValueError(f"rate {rate}, bar {bar} and confidence {confidence} must be shares (bar and "
                         "confidence strictly between 0 and 1)")


def n_to_clear(rate: float, bar: float, confidence: float = 0.95) -> int | None:
    """Images needed for the interval's low end to lie above `bar` when `rate` of them are right; None when
    `rate` is not above the bar (no test size can then show it is above)."""
    _check(rate, bar, confidence)
    start = _start(rate, bar, confidence) if rate > bar else None
    return None if start is None else _first(lambda n: _bounds(rate, n, confidence)[0] > bar, start)


def n_to_fall_below(rate: float, bar: float, confidence: float = 0.95) -> int | None:
    """Images needed for the interval's high end to lie below `bar` when `rate` of them are right; None when
    `rate` is not below the bar."""
    _check(rate, bar, confidence)
    start = _start(rate, bar, confidence) if rate < bar else None
    return None if start is None else _first(lambda n: _bounds(rate, n, confidence)[1] < bar, start)


def n_to_settle(rate: float, bar: float, confidence: float = 0.95) -> int | None:
    """Images that settle a bar either way at `rate`: clear it from above, or fall below it; None when
    `rate` equals the bar.

    >>> n_to_settle(0.9375, 0.90), n_to_settle(0.80, 0.90), n_to_settle(0.90, 0.90)
    (229, 28, None)
    """
    return n_to_clear(rate, bar, confidence) if rate > bar else n_to_fall_below(rate, bar, confidence)


def n_for_half_width(rate: float, half_width: float, confidence: float = 0.95) -> int | None:
    """Images needed for the interval to reach `rate` +- `half_width` (half its width at most `half_width`).

    >>> n_for_half_width(0.9, 0.05)
    141
    """
    if not (0.0 < half_width < 0.5):
        raise ValueError(f"half width {half_width} must lie strictly between 0 and 0.5")
    _check(rate, 0.5, confidence)

    def narrow(n: np.ndarray) -> np.ndarray:
        low, high = _bounds(rate, n, confidence)
        return (high - low) / 2 <= half_width

    return _first(narrow)


def more_images(needed: int | None, have: int) -> int | None:
    """How many images beyond `have` the plan asks for (0 when it already has them), None without a plan."""
    return None if needed is None else max(0, int(math.ceil(needed)) - int(have))
