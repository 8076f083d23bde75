"""Robustness under common corruptions: the card's table, risk line and MCT metrics.

Reads the record's optional `robustness` object (docs/run-record.md, "### robustness"). When it
is absent the section still says what was not measured and why: the stage failed (the reason
is in the record's warnings), `--robustness none`, or the run could not measure it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...record.format import ROBUSTNESS_NOT_MEASURED
from ...record.model import RunRecord
from ...claims import Claim, Statement, metric_claim
from ...claims.relations import ExcludesZero
from .. import formatting as fmt
from ..intervals import method_label
from ...record.model import Metric, RobustnessSample, metric_of

#: Prefix of the record warning written when the stage failed (training.robustness writes it).
ROBUSTNESS_WARNING = ROBUSTNESS_NOT_MEASURED  # the record's warning prefix (modelcard.record.format)


@dataclass
class SeverityResult:
    """Accuracy and paired drop against clean data for one corruption at one severity."""

    severity: int     # e.g. 3
    accuracy: Claim   # e.g. the claim "robustness.test.gaussian_noise.3.accuracy", 0.71 [0.62, 0.80]
    drop: Claim       # e.g. "robustness.test.gaussian_noise.3.drop", 0.12 [0.05, 0.20]: clean minus corrupted, positive = worse


@dataclass
class CorruptionResult:
    """One corruption type across the severities that were run."""

    name: str                       # e.g. "gaussian_noise"
    results: list[SeverityResult]   # ascending severity
    parameters: dict = field(default_factory=dict)  # e.g. {"1": 0.08, "3": 0.18, "5": 0.38}


@dataclass
class RobustnessResults:
    """The robustness subsection: measured results, or why there are none."""

    measured: bool                       # e.g. True
    reason: str | None = None            # e.g. "skipped (--robustness none)" when not measured
    suite: str | None = None             # e.g. "quick"
    eval_set: str | None = None          # e.g. "test"
    n: int | None = None                 # e.g. 72
    seed: int | None = None              # e.g. 0
    clean_accuracy: Claim | None = None  # e.g. "robustness.test.clean_accuracy", 0.9 [0.81, 0.95] (same as test.accuracy)
    relative: Claim | None = None        # mean corrupted / clean accuracy, e.g. 0.83 [0.74, 0.91] (no interval before 1.3)
    severities: list[int] = field(default_factory=list)  # e.g. [1, 3, 5]
    corruptions: list[CorruptionResult] = field(default_factory=list)
    method: str | None = None            # e.g. "ImageNet-C corruptions ... paired percentile bootstrap ..."
    sample: RobustnessSample | None = None  # a sample of the set (1.4), e.g. 692 of 8813, stratified; None: all of it

    @property
    def images(self) -> str:
        """The images it ran on, e.g. "the 60 test images" or "692 of the 8,813 test images (a sample
        stratified by class, seed 0, sized for a drop interval of at most ±5 points)"."""
        if self.sample is None:
            return f"the {fmt.count(self.n)} {self.eval_set} images"
        width = self.sample.target_half_width
        sized = "" if width is None else f", sized for a drop interval of at most ±{fmt.plain(round(width * 100, 2))} points"
        return (f"{fmt.count(self.n)} of the {fmt.count(self.sample.of)} {self.eval_set} images "
                f"(a sample {self.sample.method}{sized})")


def robustness(record: RunRecord) -> RobustnessResults:
    """The subsection from a record of any version (the object is optional)."""
    section = record.robustness
    if section is None:
        return RobustnessResults(measured=False, reason=_why_not(record))
    corruptions = []
    severities: set[int] = set()
    for name, by_severity in sorted(section.corruptions.items()):
        results = [SeverityResult(int(s), *_severity_claims(section, name, int(s), v))
                   for s, v in sorted(by_severity.items(), key=lambda item: int(item[0]))]
        severities.update(r.severity for r in results)
        corruptions.append(CorruptionResult(name, results, dict((section.parameters or {}).get(name) or {})))
    clean, relative = _headline_claims(record, section)
    return RobustnessResults(measured=True, suite=section.suite, eval_set=section.set, n=section.n,
                      seed=section.seed, clean_accuracy=clean, relative=relative, severities=sorted(severities),
                      corruptions=corruptions, method=section.method,
                      sample=section.sample if section.sample is not None and section.sample.sampled else None)


def _headline_claims(record: RunRecord, section) -> tuple[Claim, Claim]:
    """Clean accuracy (the set's own accuracy when the numbers agree, which they must on the same images;
    else a number of the robustness pipeline, scoped so) and relative robustness with its interval (1.3)."""
    evaluated = record.evaluations.get(section.set) if record.evaluations else None
    own = evaluated.metric("accuracy") if evaluated is not None else None
    if section.sample is not None and section.sample.sampled:  # the headline's predictions on the sampled images
        clean = metric_claim(f"robustness.{section.set}.clean_accuracy", section.set, "clean accuracy",
                             section.clean_accuracy, method=own.method if own is not None else ACCURACY_METHOD,
                             level=0.95, n=section.n, scope=f"the {section.n} sampled {section.set} images")
        return clean, _relative_claim(section)
    same = (own is not None and evaluated.n_samples == section.n and own.value == section.clean_accuracy.value
            and own.ci_low == section.clean_accuracy.ci_low and own.ci_high == section.clean_accuracy.ci_high)
    clean = metric_claim(f"robustness.{section.set}.clean_accuracy", section.set, "clean accuracy",
                         section.clean_accuracy, method=own.method if same else ACCURACY_METHOD, level=0.95,
                         n=section.n, same_as=f"{section.set}.accuracy" if same else None,
                         scope=None if same else "the clean images in the robustness pipeline")
    return clean, _relative_claim(section)


def _relative_claim(section) -> Claim:
    """Relative robustness with its interval (1.3; none in older records)."""
    how = section.relative_robustness_interval
    relative = metric_claim(f"robustness.{section.set}.relative", section.set, "relative robustness",
                            section.relative_robustness_ci or Metric(section.relative_robustness, None, None),
                            method=how.method if how is not None else None,
                            level=(how.confidence if how is not None else None) or 0.95, n=section.n, unit="ratio",
                            no_interval="relative robustness in records made before 1.3")
    return relative


#: The method ids of the robustness intervals (the accuracies are the test set's; the drop is paired).
ACCURACY_METHOD, DROP_METHOD = "wilson", "tango_paired"


def _severity_claims(section, name: str, severity: int, v) -> tuple[Claim, Claim]:
    """The accuracy and the paired drop of one corruption at one severity, as claims."""
    stem, where = f"robustness.{section.set}.{name}.{severity}", f"{section.set}/corruption={name},severity={severity}"
    level = 0.95
    return (metric_claim(f"{stem}.accuracy", section.set, "accuracy", v.accuracy, method=ACCURACY_METHOD,
                         level=level, n=section.n, slice=where),
            metric_claim(f"{stem}.drop", section.set, "accuracy_drop", v.accuracy_drop, method=DROP_METHOD,
                         level=level, n=section.n, slice=where))


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


def robustness_claims(rob: RobustnessResults) -> list[Claim | Statement]:
    """Every number the robustness subsection prints, and its findings."""
    if not rob.measured:
        return []
    return ([rob.clean_accuracy, rob.relative] + [c for cr in rob.corruptions for r in cr.results for c in (r.accuracy, r.drop)]
            + robustness_findings(rob))


#: What counts as a corruption risk (the risk rules' table shows it).
RISK_WORDS = ("a corruption whose paired accuracy drop against the clean images has an interval wholly above 0 at "
              "some severity (named from the lowest such severity, with the largest drop)")


def largest_drop(rob: RobustnessResults) -> tuple[CorruptionResult, SeverityResult] | None:
    """The corruption and severity with the largest accuracy drop against clean data (ties: higher
    severity, then name); None when robustness was not measured or no drop is defined."""
    if not rob.measured:
        return None
    found = [(c, r) for c in rob.corruptions for r in c.results if r.drop.value is not None]
    if not found:
        return None
    return min(found, key=lambda cr: (-cr[1].drop.value, -cr[1].severity, cr[0].name))


def robustness_findings(rob: RobustnessResults) -> list[Statement]:
    """One statement per corruption whose drop is established (its interval lies wholly above 0) at some
    severity: from the lowest such severity, up to its largest drop. Kind "risk"."""
    if not rob.measured:
        return []
    out = []
    for c in rob.corruptions:
        hit = [r for r in c.results if r.drop.interval is not None and r.drop.interval.low > 0]
        if not hit:
            continue
        first = hit[0]
        worst = max((r for r in c.results if r.drop.value is not None), key=lambda r: (r.drop.value, r.severity))
        tail = "" if worst is first else f", up to {fmt.metric(worst.drop)} at severity {worst.severity}"
        out.append(Statement(
            f"risk.robustness.{c.name}", "risk",
            f"{c.name} lowers accuracy from severity {first.severity} on: drop {fmt.metric(first.drop)} at severity "
            f"{first.severity}{tail} (against the clean {rob.eval_set} images, paired 95% CI).",
            ExcludesZero(first.drop.key, True), rule="corruption"))
    return out
