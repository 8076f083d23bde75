"""Seed noise in `modelcard diff`: is B - A smaller than what retraining with another seed moves?

When both runs were trained with `--seeds N` (record `seeds`), each has a spread of its test
accuracy across seeds (max - min). A change between the two shipped models smaller than the
larger of the two spreads is "within seed noise": one retraining of the same recipe moves
accuracy that far, so a single-seed paired test on the shipped models cannot show that the
recipes differ, whatever its p-value.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..record.model import RunRecord, Seeds, Spread

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


def _test_value(record: RunRecord, metric: str) -> float | None:
    fact = record.metric(metric, "test")
    return fact.value if fact is not None else None


def _spread(seeds: Seeds, metric: str) -> float | None:
    spread = seeds.spread.get(metric)
    return spread.spread if isinstance(spread, Spread) else None


def seed_noise(a: dict | RunRecord, b: dict | RunRecord, metric: str = METRIC) -> SeedNoise | None:
    """The comparison against seed spread, or None unless both records hold seed results."""
    a, b = RunRecord.of(a), RunRecord.of(b)
    sa, sb = a.seeds, b.seeds
    if not sa or not sb:
        return None
    va, vb = _test_value(a, metric), _test_value(b, metric)
    spread_a, spread_b = _spread(sa, metric), _spread(sb, metric)
    if None in (va, vb, spread_a, spread_b):
        return None
    change = vb - va
    return SeedNoise(metric=metric, change=change, a_spread=spread_a, b_spread=spread_b, a_seeds=len(sa.seeds),
                     b_seeds=len(sb.seeds), within=abs(change) < max(spread_a, spread_b))


def seed_noise_sentence(noise: SeedNoise | None) -> str | None:
    """The headline's lead when the change is within seed noise, else None."""
    if noise is None or not noise.within:
        return None
    return (f"Within seed noise: {noise.metric} B - A = {noise.change:+.3f} is smaller than the seed spread "
            f"({noise.spread:.3f}, max - min of test {noise.metric} over A's {noise.a_seeds} and B's {noise.b_seeds} "
            "seeds), so retraining alone can move it that far, whatever the single-seed paired test says.")
