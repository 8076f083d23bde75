"""Every name a policy gate may use, in ONE table: its pattern, where its value comes from in
the run record, and what it means. `docs/policy.md` is generated from this table
(`python -m modelcard.check.policy_doc > docs/policy.md`; a test keeps the two in step).

A name is a pattern with `<placeholders>`. Placeholders with a fixed vocabulary (`<metric>`,
`<pc_metric>`, `<slice_metric>`) are checked when the policy is read, so a typo is a usage
error; the others (`<class>`, `<column>`, `<set>`, ...) depend on the run, and a value the run
does not have makes the gate fail as "not measured".

Interval names hold a metric object `{value, ci_low, ci_high}`: a gate names its part with
`.value`, `.ci_low` or `.ci_high`; the bare name means the point estimate (`.value`).
Scalar names hold one number and take no suffix.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Any, Callable

from ..record.model import ClassResult, Evaluation, Metric, RunRecord, Slice
from ..record.model.evaluation import PER_CLASS_METRICS, SCALAR_METRICS, SLICE_METRICS
from ..record.typed import Section

PARTS = ("value", "ci_low", "ci_high")
PART_WORDS = {"value": "point estimate", "ci_low": "lower bound", "ci_high": "upper bound"}

#: Placeholders: a fixed vocabulary (checked when a policy is read) or None (depends on the run).
PLACEHOLDERS: dict[str, tuple[str, ...] | None] = {
    "metric": SCALAR_METRICS,
    "pc_metric": PER_CLASS_METRICS,
    "slice_metric": SLICE_METRICS,
    "cv_metric": ("accuracy", "f1_macro", "balanced_accuracy"),
    "seed_metric": ("accuracy", "f1_macro"),
    "seed_stat": ("min", "max", "spread", "mean", "std"),
    "class": None, "column": None, "set": None, "corruption": None, "severity": None, "split": None,
}
PLACEHOLDER_MEANING = {
    "metric": "a metric of `evaluations.<set>.metrics`",
    "pc_metric": "a per-class metric",
    "slice_metric": "a metric computed per slice group",
    "cv_metric": "a metric of the cross-validated estimate (`cv.metrics`, `train --cv`)",
    "seed_metric": "a test metric compared across training seeds (`seeds.spread`, `train --seeds`)",
    "seed_stat": "min, max, spread (max - min), mean or std (sample standard deviation) across the seeds",
    "class": "a class name of the run (`data.class_names`)",
    "column": "a slicing attribute column of the test set (`evaluations.test.slices[].column`)",
    "set": "an evaluation set name (`evaluations` keys: `test`, or an `--eval-set` name)",
    "corruption": "a corruption name of the robustness evaluation (`robustness.corruptions` keys)",
    "severity": "a severity level of that corruption, as recorded (e.g. `3`)",
    "split": "a data split checked for label issues (`label_issues` keys, e.g. `train`, `test`)",
}


class NotMeasured(Exception):
    """The run has no value for this name; `str()` says what is missing (the gate fails)."""


@dataclass(frozen=True)
class GateName:
    """One row of the table."""

    pattern: str        # e.g. "per_class.<class>.<pc_metric>"
    interval: bool      # True: a {value, ci_low, ci_high} object, selected with .value/.ci_low/.ci_high
    source: str         # where in the run record, e.g. "evaluations.test.per_class[<class>].<pc_metric>"
    description: str    # what the number means, e.g. "Recall of one class on the test set."
    example: str        # a complete gate, e.g. "per_class.birds.recall.ci_low >= 0.5"
    extract: Callable[..., Any]  # (record, placeholder values[, reviewed files]) -> Metric or number
    reviewed: bool = False  # the extractor also takes the files card.yaml's `data.label_review` names


@dataclass(frozen=True)
class ResolvedName:
    """A gate's metric name matched to its table row."""

    name: str                 # as written, e.g. "accuracy.ci_low"
    row: GateName
    values: dict[str, str]    # placeholder values, e.g. {"metric": "accuracy"}
    part: str | None          # "value" | "ci_low" | "ci_high" for interval rows; None for scalars

    @property
    def source(self) -> str:
        """The row's record path with this name's placeholder values filled in."""
        text = self.row.source
        for key, value in self.values.items():
            text = text.replace(f"<{key}>", value)
        return text

    @property
    def quantity(self) -> str:
        """e.g. "lower bound" or "value"."""
        return PART_WORDS[self.part] if self.part else "value"


# ---- extraction helpers: each returns the record's value or raises NotMeasured ------------

def _section(record: RunRecord, key: str, what: str) -> Any:
    value = getattr(record, key)
    if not value:
        raise NotMeasured(f"the run has no {what} (`{key}` is absent)")
    return value


def _key(mapping: dict, key: str, what: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] is None:
        have = ", ".join(sorted(map(str, mapping))) if isinstance(mapping, dict) and mapping else "none"
        raise NotMeasured(f"the run has no {what} `{key}` (it has: {have})")
    return mapping[key]


def _field(section: Section, name: str, what: str) -> Any:
    """A field of a typed section, as `_key` reads a mapping (same message when it is absent)."""
    value = getattr(section, name)
    return value if value is not None else _key(section.to_dict(), name, what)


def _eval(record: RunRecord, name: str) -> Evaluation:
    return _key(record.evaluations or {}, name, "evaluation set")


def _test(record: RunRecord) -> Evaluation:
    return _eval(record, "test")


def _per_class(ev: Evaluation, cls: str) -> ClassResult:
    rows = {row.class_name: row for row in ev.per_class or []}
    return _key(rows, cls, "class")


def _slice(record: RunRecord, column: str) -> Slice:
    slices = {s.column: s for s in _test(record).slices or []}
    return _key(slices, column, "slice column")


def _min_parts(objects: list) -> dict:
    """Part by part minimum over metric objects: `ci_low` of the result is the lowest lower bound."""
    out = {}
    for part in PARTS:
        values = [getattr(o, part) for o in objects if isinstance(o, Metric)]
        out[part] = None if not values or any(v is None for v in values) else min(values)
    return out


def _per_class_gap(record: RunRecord, metric: str) -> float:
    scores = [getattr(row, metric) for row in _test(record).per_class or []]
    values = [m.value for m in scores if isinstance(m, Metric) and m.value is not None]
    if len(values) < 2:
        raise NotMeasured("the test set has fewer than two classes with a per-class score")
    return max(values) - min(values)


def _robustness(record: RunRecord, corruption: str, severity: str, key: str) -> Any:
    robustness = _section(record, "robustness", "robustness evaluation")
    levels = _key(_field(robustness, "corruptions", "robustness field"), corruption, "corruption")
    return _field(_key(levels, severity, f"severity of {corruption}"), key, "robustness metric")


def _cross_split_pairs(record: RunRecord) -> int:
    duplicates = record.data.duplicates if record.data is not None else None
    if not duplicates:
        raise NotMeasured("the run did not check its data for duplicates (`data.duplicates` is absent)")
    return sum(1 for pair in duplicates.near_pairs or [] if pair.cross_split)


def _seed_stat(record: RunRecord, metric: str, stat: str) -> Any:
    spread = _field(_section(record, "seeds", "training-seed results (train --seeds)"), "spread", "seeds field")
    return _field(_key(spread, metric, "seed metric"), stat, f"statistic of {metric} across seeds")


def _model_file_bytes(record: RunRecord) -> Any:
    if record.efficiency is not None and record.efficiency.model_file_bytes is not None:
        return record.efficiency.model_file_bytes
    if record.model is None:
        return _key({}, "file_bytes", "model field")
    return _field(record.model, "file_bytes", "model field")


def _latency(record: RunRecord, stat: str) -> Any:
    latency = _field(_section(record, "efficiency", "efficiency record"), "latency_ms_batch1", "efficiency field")
    return _field(latency, stat, "latency statistic")


# ---- the table ----------------------------------------------------------------------------------

TABLE: tuple[GateName, ...] = (
    GateName("<metric>", True, "evaluations.test.metrics.<metric>",
             "A metric on the test set with its bootstrap interval. Lower is better for `log_loss` and `ece`.",
             "accuracy.ci_low >= 0.80", lambda r, v: _key(_test(r).metrics, v["metric"], "test metric")),
    GateName("eval.<set>.<metric>", True, "evaluations.<set>.metrics.<metric>",
             "A metric on any evaluation set, e.g. an extra `--eval-set` with shifted data.",
             "eval.shifted.accuracy.ci_low >= 0.6",
             lambda r, v: _key(_eval(r, v["set"]).metrics, v["metric"], f"metric on {v['set']}")),
    GateName("n_samples", False, "evaluations.test.n_samples", "Number of test images.",
             "n_samples >= 100", lambda r, v: _test(r).n_samples),
    GateName("eval.<set>.n_samples", False, "evaluations.<set>.n_samples", "Number of images in an evaluation set.",
             "eval.shifted.n_samples >= 50", lambda r, v: _eval(r, v["set"]).n_samples),
    GateName("per_class.<class>.<pc_metric>", True, "evaluations.test.per_class[class_name=<class>].<pc_metric>",
             "Precision, recall or F1 of one class on the test set.", "per_class.birds.recall.ci_low >= 0.5",
             lambda r, v: getattr(_per_class(_test(r), v["class"]), v["pc_metric"])),
    GateName("worst_class.<pc_metric>", True, "evaluations.test.per_class[*].<pc_metric>",
             "The lowest per-class score, part by part: `.ci_low` is the lowest lower bound of any class, so "
             "`worst_class.recall.ci_low >= 0.5` holds only if it holds for every class.",
             "worst_class.recall.ci_low >= 0.5",
             lambda r, v: _min_parts([getattr(row, v["pc_metric"]) for row in _test(r).per_class or []])),
    GateName("max_per_class_<pc_metric>_gap", False, "evaluations.test.per_class[*].<pc_metric>.value",
             "Largest minus smallest per-class point estimate on the test set (how unevenly classes are served).",
             "max_per_class_recall_gap <= 0.25", lambda r, v: _per_class_gap(r, v["pc_metric"])),
    GateName("slices.<column>.worst.<slice_metric>", True, "evaluations.test.slices[column=<column>].groups[*].<slice_metric>",
             "The worst group of a slicing attribute, part by part: `.ci_low` is the lowest lower bound of any "
             "group (small groups included; the card marks them unreliable).",
             "slices.orientation.worst.accuracy.ci_low >= 0.70",
             lambda r, v: _min_parts([getattr(g, v["slice_metric"]) for g in _slice(r, v["column"]).groups])),
    GateName("slices.<column>.difference.<slice_metric>", True,
             "evaluations.test.slices[column=<column>].difference_ci.<slice_metric> (or .difference)",
             "Spread between the best and the worst group (max - min); the interval exists in records that "
             "store `difference_ci`.", "slices.orientation.difference.accuracy <= 0.2",
             lambda r, v: (_slice(r, v["column"]).difference_ci or {}).get(v["slice_metric"])
             or _key(_slice(r, v["column"]).difference or {}, v["slice_metric"], "slice metric")),
    GateName("slices.<column>.ratio.<slice_metric>", True, "evaluations.test.slices[column=<column>].ratio.<slice_metric>",
             "Worst group divided by best group (1 = even).", "slices.orientation.ratio.accuracy >= 0.8",
             lambda r, v: _key(_slice(r, v["column"]).ratio or {}, v["slice_metric"], "slice metric")),
    GateName("robustness.<corruption>.<severity>.accuracy", True,
             "robustness.corruptions.<corruption>.<severity>.accuracy",
             "Test accuracy on corrupted copies of the test images.", "robustness.gaussian_noise.3.accuracy >= 0.6",
             lambda r, v: _robustness(r, v["corruption"], v["severity"], "accuracy")),
    GateName("robustness.<corruption>.<severity>.accuracy_drop", True,
             "robustness.corruptions.<corruption>.<severity>.accuracy_drop",
             "Clean test accuracy minus accuracy under the corruption (higher is worse).",
             "robustness.gaussian_noise.3.accuracy_drop <= 0.2",
             lambda r, v: _robustness(r, v["corruption"], v["severity"], "accuracy_drop")),
    GateName("robustness.relative_robustness", True, "robustness.relative_robustness_ci (or .relative_robustness)",
             "Accuracy under corruption relative to clean accuracy, over all corruptions (1 = unaffected); the "
             "interval (a paired bootstrap over the images) exists in records that store `relative_robustness_ci`.",
             "robustness.relative_robustness >= 0.8",
             lambda r, v: _section(r, "robustness", "robustness evaluation").relative_robustness_ci
             or _field(_section(r, "robustness", "robustness evaluation"), "relative_robustness", "robustness field")),
    GateName("label_issues.<split>.rate", True, "label_issues.<split>.rate",
             "Share of images in a split whose given label looks wrong (label-issue detection).",
             "label_issues.test.rate <= 0.05",
             lambda r, v: _field(_key(_section(r, "label_issues", "label-issue check"), v["split"], "split"),
                                 "rate", "label-issue field")),
    GateName("label_issues.<split>.unreviewed", False, "label_issues.<split>.suspects, less card.yaml data.label_review",
             "Label disagreements cleanlab flagged in a split that no person has reviewed yet: the suspects the run "
             "recorded, less the files card.yaml's `data.label_review` gives an outcome (confirmed or rejected).",
             "label_issues.train.unreviewed <= 0",
             lambda r, v, reviewed: _unreviewed(_key(_section(r, "label_issues", "label-issue check"), v["split"],
                                                     "split"), reviewed), reviewed=True),
    GateName("cv.<cv_metric>", True, "cv.metrics.<cv_metric>",
             "The recipe's K-fold cross-validated estimate over train+val (`train --cv`), each with the union of an "
             "interval on the n = train+val pooled out-of-fold predictions (Wilson for accuracy, a bootstrap for the "
             "others) and the corrected t interval over the fold scores (coverage measured in bench/coverage.py); "
             "records before 1.3 give F1 (macro) and balanced accuracy a value only.",
             "cv.accuracy.ci_low >= 0.80",
             lambda r, v: _key(_section(r, "cv", "cross-validated estimate (train --cv)").metrics, v["cv_metric"],
                               "cross-validated metric")),
    GateName("seeds.<seed_metric>.<seed_stat>", False, "seeds.spread.<seed_metric>.<seed_stat>",
             "A test metric across the training seeds of `train --seeds N` (the run's own seed included): "
             "`spread` is max - min, so `seeds.accuracy.spread <= 0.05` asks that retraining moves accuracy by at "
             "most 5 points; `seeds.accuracy.min` is the worst seed's test accuracy.",
             "seeds.accuracy.spread <= 0.05", lambda r, v: _seed_stat(r, v["seed_metric"], v["seed_stat"])),
    GateName("duplicates.cross_split_pairs", False, "data.duplicates.near_pairs[cross_split=true]",
             "Near-duplicate image pairs that sit in different splits (they inflate test scores).",
             "duplicates.cross_split_pairs <= 0", lambda r, v: _cross_split_pairs(r)),
    GateName("emissions_kg", False, "emissions.emissions_kg",
             "CO2-equivalent emitted by the whole command that made the run, in kg: every phase, with a sweep every "
             "configuration, the measurements of the saved model included (codecarbon; the card says whether it was "
             "measured or estimated, and states training's share apart).",
             "emissions_kg <= 0.01", lambda r, v: _field(_section(r, "emissions", "emissions record"), "emissions_kg",
                                                         "emissions field")),
    GateName("energy_kwh", False, "emissions.energy_kwh", "Energy used by the whole command that made the run, in "
             "kWh: every phase (codecarbon).",
             "energy_kwh <= 0.05", lambda r, v: _field(_section(r, "emissions", "emissions record"), "energy_kwh",
                                                       "emissions field")),
    GateName("latency_ms_batch1.median", False, "efficiency.latency_ms_batch1.median",
             "Median time to classify one image at batch size 1, in ms, on the recorded hardware.",
             "latency_ms_batch1.median <= 50",
             lambda r, v: _latency(r, "median")),
    GateName("latency_ms_batch1.p95", False, "efficiency.latency_ms_batch1.p95",
             "95th percentile of the batch-size-1 latency, in ms.", "latency_ms_batch1.p95 <= 100",
             lambda r, v: _latency(r, "p95")),
    GateName("latency_ms_per_image", False, "efficiency.latency_ms_per_image",
             "Time per image when predicting in batches, in ms.", "latency_ms_per_image <= 20",
             lambda r, v: _field(_section(r, "efficiency", "efficiency record"), "latency_ms_per_image",
                                 "efficiency field")),
    GateName("peak_rss_mb", False, "efficiency.peak_rss_mb", "Peak resident memory of the run, in MB.",
             "peak_rss_mb <= 4000", lambda r, v: _field(_section(r, "efficiency", "efficiency record"), "peak_rss_mb",
                                                        "efficiency field")),
    GateName("model_file_bytes", False, "efficiency.model_file_bytes (or model.file_bytes)",
             "Size of the saved model file, in bytes.", "model_file_bytes <= 20000000",
             lambda r, v: _model_file_bytes(r)),
    GateName("total_params", False, "model.total_params", "Number of parameters of the model.",
             "total_params <= 5000000",
             lambda r, v: _field(_section(r, "model", "model record"), "total_params", "model field")),
)


def _compile(row: GateName) -> re.Pattern:
    out, pos = [], 0
    for m in re.finditer(r"<([a-z_]+)>", row.pattern):
        out.append(re.escape(row.pattern[pos:m.start()]))
        vocab = PLACEHOLDERS[m.group(1)]
        body = "|".join(map(re.escape, vocab)) if vocab else ".+?"
        out.append(f"(?P<{m.group(1)}>{body})")
        pos = m.end()
    out.append(re.escape(row.pattern[pos:]))
    suffix = r"(?:\.(?P<_part>value|ci_low|ci_high))?" if row.interval else ""
    return re.compile("^" + "".join(out) + suffix + "$")


_COMPILED = tuple((row, _compile(row)) for row in TABLE)


def resolve(name: str) -> ResolvedName | None:
    """The table row a name belongs to, or None for an unknown name."""
    for row, regex in _COMPILED:
        m = regex.match(name)
        if m:
            values = {k: v for k, v in m.groupdict().items() if k != "_part"}
            part = (m.group("_part") or "value") if row.interval else None
            return ResolvedName(name, row, values, part)
    return None


def _run_vocabulary(record: dict | RunRecord | None) -> dict[str, list[str]]:
    """Values of the run-dependent placeholders, for suggestions."""
    if not record:
        return {}
    record = RunRecord.of(record)
    evaluations = record.evaluations or {}
    test = evaluations.get("test")
    corruptions = (record.robustness.corruptions if record.robustness else None) or {}
    return {
        "class": [row.class_name for row in test.per_class or []] if test else [],
        "column": [s.column for s in test.slices or []] if test else [],
        "set": sorted(evaluations),
        "corruption": sorted(corruptions),
        "severity": sorted({str(s) for levels in corruptions.values() if isinstance(levels, dict) for s in levels}),
        "split": sorted(record.label_issues or {}),
    }


def known_names(record: dict | RunRecord | None = None) -> list[str]:
    """Every name with fixed placeholders spelled out; run-dependent ones from `record`, else as `<class>`."""
    vocab = {k: list(v) for k, v in PLACEHOLDERS.items() if v}
    vocab.update({k: v for k, v in _run_vocabulary(record).items() if v})
    names: list[str] = []
    for row in TABLE:
        expanded = [row.pattern]
        for ph in re.findall(r"<([a-z_]+)>", row.pattern):
            choices = vocab.get(ph) or [f"<{ph}>"]
            expanded = [n.replace(f"<{ph}>", c, 1) for n in expanded for c in choices]
        for n in expanded:
            names += [n] + ([f"{n}.{p}" for p in PARTS] if row.interval else [])
    return names


def close_matches(name: str, record: dict | RunRecord | None = None, n: int = 3) -> list[str]:
    """Up to `n` known names that look like `name` (difflib), for the unknown-name message."""
    return difflib.get_close_matches(name, known_names(record), n=n, cutoff=0.6)


def _unreviewed(entry, reviewed: frozenset[str]) -> int:
    """Suspects of one split no review names (the record lists every suspect of its count)."""
    if not entry.measured:
        raise NotMeasured("label issues were not measured in this split")
    return sum(1 for s in entry.suspects or [] if str(s.get("path")) not in reviewed)


def read(resolved: ResolvedName, record: dict | RunRecord, reviewed: frozenset[str] = frozenset()) -> float:
    """The number a gate compares; raises NotMeasured when the run did not measure it. `reviewed`: the files
    card.yaml's `data.label_review` gives an outcome, for the rows that read it."""
    try:
        found = (resolved.row.extract(RunRecord.of(record), resolved.values, reviewed) if resolved.row.reviewed
                 else resolved.row.extract(RunRecord.of(record), resolved.values))
    except (KeyError, TypeError, AttributeError) as exc:  # a record shaped unlike the table expects
        raise NotMeasured(f"the run record has no {resolved.source} ({type(exc).__name__}: {exc})") from None
    if isinstance(found, Metric):
        found = found.to_dict()
    if isinstance(found, dict):
        if not resolved.row.interval:
            raise NotMeasured(f"{resolved.source} is not a single number in this run")
        value = found.get(resolved.part)
        if value is None:
            raise NotMeasured(f"the run recorded no {resolved.quantity} for {resolved.source}")
    else:
        value = found
        if resolved.part not in (None, "value"):
            raise NotMeasured(f"the run recorded {resolved.source} without an interval, so it has no "
                              f"{resolved.quantity}")
    if value is None:
        raise NotMeasured(f"the run recorded no value for {resolved.source}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise NotMeasured(f"{resolved.source} is {value!r}, not a number")
    return float(value)
