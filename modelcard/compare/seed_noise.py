"""Seed noise in `modelcard diff`: is B - A smaller than what retraining with another seed moves?

When both runs were trained with `--seeds N` (record `seeds`), each has a spread of its test
accuracy across seeds (max - min). A change between the two shipped models smaller than the
larger of the two spreads is "within seed noise": one retraining of the same recipe moves
accuracy that far, so a single-seed paired test on the shipped models cannot show that the
recipes differ, whatever its p-value.
"""

from __future__ import annotations

from dataclasses import dataclass

METRIC = "accuracy"


@dataclass(frozen=True)
class SeedNoise:
    """e.g. change +0.031, spreads 0.094 (A, 3 seeds) and 0.063 (B, 3 seeds): within seed noise."""

    metric: str        # "accuracy"
    change: float      # B - A of the shipped models' test values, e.g. 0.031
    a_spread: float    # max - min across A's seeds, e.g. 0.094
    b_spread: float    # e.g. 0.063
    a_seeds: int       # e.g. 3
    b_seeds: int       # e.g. 3
    within: bool       # |change| < max(a_spread, b_spread)

    @property
    def spread(self) -> float:
        return max(self.a_spread, self.b_spread)


def _test_value(record: dict, metric: str) -> float | None:
    return ((((record.get("evaluations") or {}).get("test") or {}).get("metrics") or {}).get(metric) or {}).get("value")


def seed_noise(a: dict, b: dict, metric: str = METRIC) -> SeedNoise | None:
    """The comparison against seed spread, or None unless both records hold seed results."""
    sa, sb = a.get("seeds"), b.get("seeds")
    if not sa or not sb:
        return None
    va, vb = _test_value(a, metric), _test_value(b, metric)
    spread_a, spread_b = (s.get("spread", {}).get(metric, {}).get("spread") for s in (sa, sb))
    if None in (va, vb, spread_a, spread_b):
        return None
    change = vb - va
    return SeedNoise(metric=metric, change=change, a_spread=spread_a, b_spread=spread_b, a_seeds=len(sa["seeds"]),
                     b_seeds=len(sb["seeds"]), within=abs(change) < max(spread_a, spread_b))


def seed_noise_sentence(noise: SeedNoise | None) -> str | None:
    """The headline's lead when the change is within seed noise, else None."""
    if noise is None or not noise.within:
        return None
    return (f"Within seed noise: {noise.metric} B - A = {noise.change:+.3f} is smaller than the seed spread "
            f"({noise.spread:.3f}, max - min of test {noise.metric} over A's {noise.a_seeds} and B's {noise.b_seeds} "
            "seeds), so retraining alone can move it that far, whatever the single-seed paired test says.")
