"""Small helpers shared by the section modules."""

from __future__ import annotations

from ...record.model import Metric


def metric_from(obj: dict | None) -> Metric:
    """A `Metric` from a record's `{value, ci_low, ci_high}` object (missing parts are None)."""
    obj = obj or {}
    return Metric(obj.get("value"), obj.get("ci_low"), obj.get("ci_high"), obj.get("reason"))
