"""Which interval method each reported score uses, as written to `evaluations.<set>.intervals`.

- `wilson`: scores that are a share of counted images (accuracy, top-5 accuracy, per-class
  precision and recall, per-group accuracy): the Wilson score interval (`proportions.py`).
- `smoothed_bootstrap`: other scores built from confusion counts (F1 of every kind, balanced
  accuracy, macro/weighted averages, per-group F1): expanded percentile
  interval (`bootstrap.expanded_confidence`) of the shared resamples with pseudo-counts
  (`pseudo.py`).
- `expanded_percentile_bootstrap`: log loss and ECE: expanded percentile interval of the
  shared resamples.
- `simultaneous_group_projection` (since 1.3): the differences between groups of a slice
  (`slices[].difference_ci`): simultaneous per-group intervals (Bonferroni) projected onto the
  gap max - min (`slice_gap.py`); it can cover 0, which the percentile bootstrap of max - min
  (`smoothed_bootstrap`, the method of older records) cannot.

`modelcard record` of Parquet predictions streams them and resamples with Poisson(1) weights
instead of drawing whole resamples (`streamed.py`); its intervals are named apart:
`smoothed_poisson_bootstrap` and `expanded_percentile_poisson_bootstrap` (the same intervals
over Poisson bootstrap resamples; `bench/coverage.py --method poisson` measures them).

Records written before 1.1 have no `intervals` object: all their intervals are plain
percentile bootstrap (their `bootstrap.method` says "percentile"; new ones "expanded percentile").
"""

from __future__ import annotations

from .proportions import WILSON
from .slice_gap import GAP_DESCRIPTION, GAP_METHOD

SMOOTHED_BOOTSTRAP = "smoothed_bootstrap"
PERCENTILE_BOOTSTRAP = "expanded_percentile_bootstrap"
SMOOTHED_POISSON = "smoothed_poisson_bootstrap"
PERCENTILE_POISSON = "expanded_percentile_poisson_bootstrap"

#: One line per method, stored in the record so a reader never has to guess.
DESCRIPTIONS = {
    WILSON: "Wilson score interval for a proportion of counted images (Newcombe's closed form, as "
            "scipy.stats.binomtest(k, n).proportion_ci(method='wilson') computes it)",
    SMOOTHED_BOOTSTRAP: "expanded percentile interval (Hesterberg 2015: quantiles at the level where a normal "
                        "interval matches Student's t with n - 1 degrees of freedom, times sqrt(n / (n - 1))) of the "
                        "shared bootstrap resamples, each resample's confusion counts plus random pseudo-counts "
                        "(Gamma draws, half an image of prior weight on true positives, false positives and false "
                        "negatives) so that a set without errors is not read as certainty",
    PERCENTILE_BOOTSTRAP: "expanded percentile interval (as above) of the shared bootstrap resamples",
    SMOOTHED_POISSON: "expanded percentile interval (as above) of Poisson bootstrap resamples (each image weighted by "
                      "a seeded Poisson(1) count, accumulated while the predictions stream, so a resample's size "
                      "varies around n), each resample's confusion counts plus the same random pseudo-counts",
    PERCENTILE_POISSON: "expanded percentile interval (as above) of the Poisson bootstrap resamples",
    GAP_METHOD: GAP_DESCRIPTION,
}
#: The method each bootstrap method becomes when the resamples are Poisson bootstrap weights.
POISSON = {SMOOTHED_BOOTSTRAP: SMOOTHED_POISSON, PERCENTILE_BOOTSTRAP: PERCENTILE_POISSON}

METRICS = {"accuracy": WILSON, "top5_accuracy": WILSON, "log_loss": PERCENTILE_BOOTSTRAP,
           "ece": PERCENTILE_BOOTSTRAP}  # every other scalar: SMOOTHED_BOOTSTRAP
PER_CLASS = {"precision": WILSON, "recall": WILSON, "f1": SMOOTHED_BOOTSTRAP}
SLICES = {"accuracy": WILSON, "f1_macro": SMOOTHED_BOOTSTRAP, "difference": GAP_METHOD}
#: Methods that need no resamples: named even when no bootstrap was run (the gap's accuracy part is Wilson).
WITHOUT_RESAMPLES = (WILSON, GAP_METHOD)


def metric_method(name: str) -> str:
    """The method of a scalar metric, e.g. "wilson" for accuracy."""
    return METRICS.get(name, SMOOTHED_BOOTSTRAP)


def intervals_object(metric_names, bootstrapped: bool, confidence: float, poisson: bool = False) -> dict:
    """The record's `intervals`: method per metric family; bootstrap methods are None without resamples,
    and the Poisson bootstrap's own ids when `poisson`."""
    def method(name: str) -> str | None:
        if name in WITHOUT_RESAMPLES or not bootstrapped:
            return name if name in WITHOUT_RESAMPLES else None
        return POISSON.get(name, name) if poisson else name

    used = {metric_method(m) for m in metric_names} | set(PER_CLASS.values()) | set(SLICES.values())
    return {"confidence": float(confidence),
            "methods": {method(m): DESCRIPTIONS[method(m)] for m in sorted(used) if method(m)},
            "metrics": {m: method(metric_method(m)) for m in metric_names},
            "per_class": {m: method(v) for m, v in PER_CLASS.items()},
            "slices": {m: method(v) for m, v in SLICES.items()}}
