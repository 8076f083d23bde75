"""Robustness under common corruptions: the card's table, risk line and MCT metrics.

Reads the record's optional `robustness` object (docs/run-record.md, "### robustness"). When it
is absent the section still says what was not measured and why: the stage failed (the reason
is in the record's warnings), `--robustness none`, or the run could not measure it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...record.format import ROBUSTNESS_NOT_MEASURED
from ...record.model import RunRecord
from .. import formatting as fmt
from ..metric import Metric, metric_of

#: Prefix of the record warning written when the stage failed (training.robustness writes it).
ROBUSTNESS_WARNING = ROBUSTNESS_NOT_MEASURED  # the record's warning prefix (modelcard.record.format)
RISK_SEVERITY = 3


@dataclass
class SeverityResult:
    """Accuracy and paired drop against clean data for one corruption at one severity."""

    severity: int     # e.g. 3
    accuracy: Metric  # e.g. Metric(0.71, 0.62, 0.80)
    drop: Metric      # e.g. Metric(0.12, 0.05, 0.20): clean minus corrupted, positive = worse


@dataclass
class CorruptionResult:
    """One corruption type across the severities that were run."""

    name: str                       # e.g. "gaussian_noise"
    results: list[SeverityResult]   # ascending severity
    parameters: dict = field(default_factory=dict)  # e.g. {"1": 0.08, "3": 0.18, "5": 0.38}


@dataclass
class Robustness:
    """The robustness subsection: measured results, or why there are none."""

    measured: bool                       # e.g. True
    reason: str | None = None            # e.g. "skipped (--robustness none)" when not measured
    suite: str | None = None             # e.g. "quick"
    eval_set: str | None = None          # e.g. "test"
    n: int | None = None                 # e.g. 72
    seed: int | None = None              # e.g. 0
    clean_accuracy: Metric | None = None  # e.g. Metric(0.9, 0.81, 0.95)
    relative_robustness: float | None = None  # e.g. 0.83
    relative_robustness_ci: Metric | None = None  # e.g. Metric(0.83, 0.74, 0.91) (1.3; None in older records)
    severities: list[int] = field(default_factory=list)  # e.g. [1, 3, 5]
    corruptions: list[CorruptionResult] = field(default_factory=list)
    method: str | None = None            # e.g. "ImageNet-C corruptions ... paired percentile bootstrap ..."


def robustness(record: RunRecord) -> Robustness:
    """The subsection from a record of any version (the object is optional)."""
    section = record.robustness
    if section is None:
        return Robustness(measured=False, reason=_why_not(record))
    corruptions = []
    severities: set[int] = set()
    for name, by_severity in sorted(section.corruptions.items()):
        results = [SeverityResult(int(s), metric_of(v.accuracy), metric_of(v.accuracy_drop))
                   for s, v in sorted(by_severity.items(), key=lambda item: int(item[0]))]
        severities.update(r.severity for r in results)
        corruptions.append(CorruptionResult(name, results, dict((section.parameters or {}).get(name) or {})))
    return Robustness(measured=True, suite=section.suite, eval_set=section.set, n=section.n,
                      seed=section.seed, clean_accuracy=metric_of(section.clean_accuracy),
                      relative_robustness=section.relative_robustness, severities=sorted(severities),
                      relative_robustness_ci=None if section.relative_robustness_ci is None
                      else metric_of(section.relative_robustness_ci),
                      corruptions=corruptions, method=section.method)


def _why_not(record: RunRecord) -> str:
    for text in record.warnings or []:
        if text.startswith(ROBUSTNESS_WARNING):
            return text[len(ROBUSTNESS_WARNING):].lstrip(": ") or "the stage failed"
    suite = (record.config or {}).get("robustness")
    if suite == "none":
        return "skipped (`--robustness none`)"
    if record.created_by == "record":
        return "the run holds predictions only (`modelcard record`), so no images could be corrupted"
    return "this run did not measure it (made before robustness was recorded)"


def largest_drop(rob: Robustness) -> tuple[CorruptionResult, SeverityResult] | None:
    """The corruption and severity with the largest accuracy drop against clean data (ties: higher
    severity, then name); None when robustness was not measured or no drop is defined."""
    if not rob.measured:
        return None
    found = [(c, r) for c in rob.corruptions for r in c.results if r.drop.value is not None]
    if not found:
        return None
    return min(found, key=lambda cr: (-cr[1].drop.value, -cr[1].severity, cr[0].name))


def robustness_risk(rob: Robustness) -> str | None:
    """One measured-risk line when the drop at severity 3 excludes 0 for some corruption."""
    if not rob.measured:
        return None
    hits = []
    for c in rob.corruptions:
        for r in c.results:
            if r.severity != RISK_SEVERITY or r.drop.ci_low is None or r.drop.ci_high is None:
                continue
            if r.drop.ci_low > 0 or r.drop.ci_high < 0:
                hits.append(f"{c.name} {fmt.metric(r.drop)}")
    if not hits:
        return None
    return (f"Common image corruptions at severity {RISK_SEVERITY} change accuracy (accuracy drop against the "
            f"clean {rob.eval_set} images, 95% paired CI excluding 0): {'; '.join(hits)}.")


def mct_metrics(rob: Robustness) -> list[dict]:
    """MCT `performance_metrics` entries: accuracy and accuracy_drop per corruption and severity."""
    if not rob.measured:
        return []
    entries = []
    for c in rob.corruptions:
        for r in c.results:
            for kind, m in (("accuracy", r.accuracy), ("accuracy_drop", r.drop)):
                if m.value is None:
                    continue
                entry = {"type": kind, "value": str(m.value),
                         "slice": f"{rob.eval_set}/corruption={c.name},severity={r.severity}"}
                if m.ci_low is not None and m.ci_high is not None:
                    entry["confidence_interval"] = {"lower_bound": str(m.ci_low), "upper_bound": str(m.ci_high)}
                entries.append(entry)
    return entries
