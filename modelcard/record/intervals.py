"""Which method made each interval of a record evaluation: the one place that reads it.

Records since 1.1 name the method of every score in `evaluations.<set>.intervals`
(`{"metrics": {"accuracy": "wilson", ...}, "per_class": {...}, "slices": {...}}`); older records
have none, and every interval in them is a bootstrap of the method in `bootstrap.method`
("percentile": the plain percentile bootstrap). Every surface that names a method (card tables,
front matter, MCT JSON, `meta.json`, the publish index, sweep rows) reads it from here.
"""

from __future__ import annotations

#: The scores of the per-class and per-group tables (their methods in records before 1.1).
PER_CLASS_SCORES = ("precision", "recall", "f1")
SLICE_SCORES = ("accuracy", "f1_macro", "difference")


def interval_method_ids(ev: dict) -> tuple[dict, dict, dict, bool]:
    """(metrics, per_class, slices, recorded): method id of every interval of one evaluation
    (None: no interval), e.g. ({"accuracy": "wilson", ...}, {...}, {...}, True); `recorded` is
    False for records older than 1.1, whose methods follow from `bootstrap`."""
    recorded = ev.get("intervals")
    if recorded:
        return (dict(recorded.get("metrics") or {}), dict(recorded.get("per_class") or {}),
                dict(recorded.get("slices") or {}), True)
    boot = ev.get("bootstrap") or {}
    name = str(boot.get("method") or "percentile").removesuffix(" bootstrap").replace(" ", "_")
    method = f"{name}_bootstrap" if boot.get("n_resamples") else None
    return ({k: method for k in ev.get("metrics") or {}}, dict.fromkeys(PER_CLASS_SCORES, method),
            dict.fromkeys(SLICE_SCORES, method), False)


def metric_interval_method(ev: dict, key: str) -> str | None:
    """The method id of one metric's interval, e.g. "wilson" for accuracy since 1.1."""
    return interval_method_ids(ev)[0].get(key)


def method_descriptions(ev: dict) -> dict[str, str]:
    """The record's own description of each method id it used (empty before 1.1)."""
    return dict((ev.get("intervals") or {}).get("methods") or {})
