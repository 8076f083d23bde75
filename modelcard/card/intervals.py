"""How each interval on a card was computed: the method of every score, said once per table.

Run records since 1.1 name the method of each score in `evaluations.<set>.intervals` (see
`modelcard.analysis.interval_methods`); older records have none, and every interval in them is a
bootstrap of the method in `bootstrap.method` ("percentile": the plain percentile bootstrap).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..record.model import Bootstrap, Evaluation

#: How the card names each method of the record.
METHOD_LABELS = {"wilson": "Wilson score interval",
                 "smoothed_bootstrap": "expanded percentile bootstrap with pseudo-counts",
                 "expanded_percentile_bootstrap": "expanded percentile bootstrap",
                 "percentile_bootstrap": "percentile bootstrap",
                 "smoothed_poisson_bootstrap": "expanded percentile Poisson bootstrap with pseudo-counts",
                 "expanded_percentile_poisson_bootstrap": "expanded percentile Poisson bootstrap",
                 "simultaneous_group_projection": "simultaneous group intervals projected onto the gap",
                 "wilson_or_corrected_t": "Wilson score interval or corrected t over the folds, the wider",
                 "bootstrap_or_corrected_t": "expanded percentile bootstrap or corrected t over the folds, the wider",
                 "smoothed_paired_bootstrap": "paired bootstrap over the images with pseudo-counts",
                 "tango_paired": "Tango score interval for paired proportions"}
#: Methods whose resamples are Poisson(1) weights (`record` of streamed Parquet predictions).
POISSON_METHODS = ("smoothed_poisson_bootstrap", "expanded_percentile_poisson_bootstrap")
#: Display names of the scalar metrics, in the words of the card's tables.
METRIC_NAMES = {"accuracy": "accuracy", "balanced_accuracy": "balanced accuracy", "top5_accuracy": "top-5 accuracy",
                "f1_macro": "F1 (macro)", "precision_macro": "precision (macro)", "recall_macro": "recall (macro)",
                "f1_weighted": "F1 (weighted)", "precision_weighted": "precision (weighted)",
                "recall_weighted": "recall (weighted)", "log_loss": "log loss (lower is better)",
                "ece": "expected calibration error (lower is better)"}
#: The scores of the per-class and per-group tables, in column order.
TABLE_NAMES = {"per_class": {"precision": "precision", "recall": "recall", "f1": "F1"},
               "slices": {"accuracy": "accuracy", "f1_macro": "F1 (macro)", "difference": "the differences between groups"}}
NO_INTERVAL = "no interval (no bootstrap was run)"
#: What each method is, in the card's words: the glossary entries (only the methods a run used)
#: and the Metrics paragraph read these, so no other text restates a method. `{resamples}` is
#: e.g. "1,000 bootstrap resamples of the evaluation images (drawn with replacement, seed 0)".
METHOD_DEFINITIONS = {
    "wilson": "The interval for a share of counted images (e.g. accuracy: right answers out of all images), "
              "from the Wilson score test; it stays inside 0 to 1 and stays honest on a handful of images.",
    "expanded_percentile_bootstrap": "Percentiles of the score over {resamples}, taken at a level widened for "
                                     "small sets (Hesterberg 2015), where plain percentiles are too narrow.",
    "smoothed_bootstrap": "The expanded percentile bootstrap over {resamples}, each resample's confusion counts "
                          "plus random pseudo-counts worth half an image of right and wrong answers, so that a set "
                          "without errors is not read as certainty.",
    "percentile_bootstrap": "The plain percentiles of the score over {resamples}.",
    "expanded_percentile_poisson_bootstrap": "Percentiles of the score over {resamples}, taken at the widened level "
                                             "of the expanded percentile bootstrap. A Poisson bootstrap approximates "
                                             "drawing with replacement so that predictions can stream; its coverage "
                                             "is measured in docs/benchmarks.md.",
    "smoothed_poisson_bootstrap": "The expanded percentile Poisson bootstrap over {resamples}, each resample's "
                                  "confusion counts plus random pseudo-counts worth half an image of right and wrong "
                                  "answers, so that a set without errors is not read as certainty.",
    "simultaneous_group_projection": "The interval of a difference between groups (best minus worst): each of the G "
                                     "groups gets its own interval at the stricter level 1 - 0.05 / G (Bonferroni; "
                                     "Wilson score interval for accuracy, expanded percentile bootstrap over "
                                     "{resamples} for F1), and the difference's interval runs from the smallest to "
                                     "the largest gap those intervals allow, so it includes 0 whenever they overlap "
                                     "and holds its level even for a group of one image. The difference itself, "
                                     "best minus worst observed score, is biased upward: noise alone sets groups "
                                     "apart.",
    "wilson_or_corrected_t": "For a cross-validated share of images (accuracy, or a class's recall on its images): "
                             "the wider of the Wilson score interval on the pooled out-of-fold predictions and the "
                             "Nadeau-Bengio corrected t interval over the fold scores, so that folds whose models "
                             "disagree widen it.",
    "bootstrap_or_corrected_t": "For a cross-validated F1 (macro) or balanced accuracy: the wider of the expanded "
                                "percentile bootstrap with pseudo-counts on the pooled out-of-fold predictions and the "
                                "Nadeau-Bengio corrected t interval over the fold scores.",
    "tango_paired": "For the difference between two shares measured on the same images (clean minus corrupted "
                    "accuracy): Tango's score interval for paired proportions (Tango 1998), which reads only the "
                    "images whose outcome changed and stays inside -1 to 1 on a handful of them.",
    "smoothed_paired_bootstrap": "For relative robustness: percentiles over bootstrap resamples of the test images, "
                                 "each drawn image keeping its clean and corrupted outcomes together, at the widened "
                                 "level of the expanded percentile bootstrap, with pseudo-counts worth half an image "
                                 "gained and half an image lost per corruption, so that a set where no outcome "
                                 "changed is not read as certainty.",
}


def method_label(method: str | None) -> str:
    """The card's words for a record's method id, e.g. "Wilson score interval"."""
    if method is None:
        return NO_INTERVAL
    return METHOD_LABELS.get(method, method.replace("_", " "))


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@dataclass
class IntervalMethods:
    """Method id of each interval of one evaluation set, by table (None: no interval)."""

    metrics: dict[str, str | None]     # e.g. {"accuracy": "wilson", "log_loss": "percentile_bootstrap"}
    per_class: dict[str, str | None]   # e.g. {"precision": "wilson", "recall": "wilson", "f1": "smoothed_bootstrap"}
    slices: dict[str, str | None]      # e.g. {"accuracy": "wilson", "f1_macro": "smoothed_bootstrap", ...}
    recorded: bool                     # e.g. False for records older than 1.1 (all percentile bootstrap)

    def label(self, table: str, key: str) -> str:
        """The method of one score in words, e.g. label("metrics", "accuracy") -> "Wilson score interval"."""
        return method_label(getattr(self, table).get(key))

    def sentence(self, table: str, order=None) -> str:
        """One line for under a table, e.g. "Intervals: Wilson score interval for accuracy; ...".

        `order`: the keys in the table's row order (default: the record's order).
        """
        names = METRIC_NAMES if table == "metrics" else TABLE_NAMES[table]
        methods = getattr(self, table)
        if order is None:
            order = list(names) if table != "metrics" else list(methods)
        groups: dict[str, list[str]] = {}
        for key in order:
            words = names.get(key, key).removesuffix(" (lower is better)")
            groups.setdefault(method_label(methods.get(key)), []).append(words)
        if len(groups) == 1:
            return f"Intervals: {next(iter(groups))}."
        return "Intervals: " + "; ".join(f"{label} for {_listed(words)}" for label, words in groups.items()) + "."


def interval_methods(ev: Evaluation) -> IntervalMethods:
    """The methods of one record evaluation, for new and old (pre-1.1) records alike."""
    metrics, per_class, slices, recorded = ev.interval_methods()
    return IntervalMethods(metrics=metrics, per_class=per_class, slices=slices, recorded=recorded)


def resamples_words(bootstrap: Bootstrap | None, method: str | None = None) -> str:
    """e.g. "1,000 bootstrap resamples of the evaluation images (drawn with replacement, seed 0)"."""
    n, seed = (bootstrap.n_resamples, bootstrap.seed) if bootstrap is not None else (None, None)
    count = f"{n:,}" if isinstance(n, int) else "the"
    how = ("Poisson bootstrap resamples of the evaluation images (each image counted a Poisson(1) number of times"
           if method in POISSON_METHODS else "bootstrap resamples of the evaluation images (drawn with replacement")
    return f"{count} {how}" + (f", seed {seed})" if seed is not None else ")")
