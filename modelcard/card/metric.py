"""A point estimate with its confidence interval: the one value type every card section uses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """A point estimate with its bootstrap confidence interval (any part may be None)."""

    value: float | None     # e.g. 0.912
    ci_low: float | None    # e.g. 0.871
    ci_high: float | None   # e.g. 0.948
    reason: str | None = None  # e.g. "the model never predicted this class" (value None: too few images)
