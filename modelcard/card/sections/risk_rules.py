"""The rules that decide what counts as a measured risk: one table row per rule.

Every format lists the same risks (the Markdown and HTML risk lists, the HTML scorecard, the MCT
limitations, the CycloneDX technical limitations and fairness assessments, the Croissant biases)
because every format reads the `Statement`s these rules return, in this order. A rule whose
verdict is a comparison carries it as a relation, which the consistency check recomputes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ...claims import Statement
from ...claims.relations import Below, ExcludesZero
from ...record.model import RunRecord
from .. import formatting as fmt
from ..parts import EvalSetResults, EvaluationResults, TrainingDetails
from .robustness import RISK_WORDS, robustness_findings

SMALL_TEST_SET = 100
IMBALANCE_RATIO = 3.0


@dataclass(frozen=True)
class RiskInputs:
    """What the rules read: the typed record and the assembled Training Details and Evaluation."""

    record: RunRecord
    training: TrainingDetails
    evaluation: EvaluationResults
    unit: str  # "images", or "samples" for `modelcard record` runs


@dataclass(frozen=True)
class RiskRule:
    """One rule: its name, what it counts as a risk (the README lists these) and its finder."""

    name: str                                         # e.g. "slice gap"
    rule: str                                         # e.g. "a gap whose interval excludes 0 ..."
    find: Callable[[RiskInputs], list[Statement]]


def _small_sets(x: RiskInputs) -> list[Statement]:
    out = []
    for ev in x.evaluation.sets:
        acc = ev.metrics.get("accuracy")
        if ev.n_samples < SMALL_TEST_SET and acc is not None and acc.interval is not None:
            out.append(Statement(f"risk.{ev.name}.small", "risk",
                                 f"The {ev.name} set has only {fmt.count(ev.n_samples)} {x.unit}, so its scores are "
                                 f"uncertain (accuracy 95% CI {fmt.ci(acc)})."))
    return out


def _calibration(x: RiskInputs) -> list[Statement]:
    return [ev.calibration_note for ev in x.evaluation.sets
            if ev.calibration_note is not None and ev.calibration_note.kind == "risk"]


def _weak_classes(x: RiskInputs) -> list[Statement]:
    out = []
    for ev in x.evaluation.sets:
        acc = ev.metrics.get("accuracy")
        if acc is None or acc.interval is None:
            continue
        for p in ev.per_class:
            r = p.recall
            if r.interval is not None and r.interval.high < acc.interval.low:
                out.append(Statement(
                    f"risk.{ev.name}.class.{p.class_name}", "risk",
                    f"On {ev.name}, {p.class_name} is recognised less often than the model is right overall: recall "
                    f"{fmt.metric(r)} on {fmt.count(p.support)} {x.unit}, wholly below the accuracy interval "
                    f"{fmt.ci(acc)}.", Below(r.key, acc.key), subject=f"{ev.name} {x.unit} of class {p.class_name}"))
    return out


def slice_gap_risk(ev: EvalSetResults, s, unit: str) -> Statement | None:
    """The risk of one slice attribute: its accuracy gap's interval excludes 0 and not every group is
    too small to judge; None otherwise."""
    gap = s.gaps.get("accuracy")
    worst = s.worst_group.get("accuracy")
    if gap is None or gap.interval is None or gap.interval.low <= 0 <= gap.interval.high or s.all_small or not worst:
        return None
    n = next((g.count for g in s.groups if g.group == worst), None)
    return Statement(f"risk.{ev.name}.slice.{s.column}", "risk",
                     f"On {ev.name}, accuracy differs by {fmt.metric(gap)} across `{s.column}` groups, lowest for "
                     f"{worst} ({fmt.count(n)} {unit}): the interval excludes 0.", ExcludesZero(gap.key, True),
                     subject=f"{ev.name} {unit} whose {s.column} is {worst}")


def _slice_gaps(x: RiskInputs) -> list[Statement]:
    return [r for ev in x.evaluation.sets for s in ev.slices if (r := slice_gap_risk(ev, s, x.unit))]


def _shift(x: RiskInputs) -> list[Statement]:
    sets = x.evaluation.sets
    if len(sets) < 2:
        return []
    ref, out = sets[0].metrics.get("accuracy"), []
    for ev in sets[1:]:
        acc = ev.metrics.get("accuracy")
        if ref is None or acc is None or ref.interval is None or acc.interval is None:
            continue
        if acc.interval.high < ref.interval.low:
            out.append(Statement(f"risk.{ev.name}.shift", "risk",
                                 f"Accuracy on {ev.name} is {fmt.metric(acc)} against {fmt.metric(ref)} on "
                                 f"{sets[0].name}, intervals apart: expect lower scores on data like {ev.name}.",
                                 Below(acc.key, ref.key)))
    return out


def _robustness(x: RiskInputs) -> list[Statement]:
    rob = x.evaluation.robustness
    return [] if rob is None else [f for f in robustness_findings(rob) if f.kind == "risk"]


def _leakage(x: RiskInputs) -> list[Statement]:
    dup = x.training.data.duplicates
    if not (dup and dup.cross_split_pairs):
        return []
    return [Statement("risk.data.cross_split", "risk",
                      f"{dup.cross_split_pairs} near-duplicate image pair(s) sit on both sides of a split, which can "
                      "inflate test scores.")]


def _imbalance(x: RiskInputs) -> list[Statement]:
    train = next((s for s in x.training.data.splits if s.name == "train"), None)
    counts = list(train.class_counts.values()) if train and train.class_counts else []
    if not counts or min(counts) <= 0 or max(counts) / min(counts) < IMBALANCE_RATIO:
        return []
    return [Statement("risk.data.imbalance", "risk",
                      f"Classes are imbalanced in training ({min(counts)} to {max(counts)} images per class).")]


def _label_issues(x: RiskInputs) -> list[Statement]:
    issues = x.record.label_issues_of("test")
    if issues is None or not issues.measured or not issues.moves_accuracy:  # decided when measured (run-record.md)
        return []
    rate = issues.rate
    return [Statement("risk.data.label_issues", "risk",
                      f"cleanlab flags {fmt.num(rate.value)} of the test labels as disagreements to review (95% CI "
                      f"{fmt.ci(rate)}): more than half the width of the test accuracy's interval, so if a review "
                      "confirms them as label errors they alone could move accuracy beyond its stated uncertainty "
                      "(the suspects are listed on the data card).")]


def _conflicts(x: RiskInputs) -> list[Statement]:
    note = x.training.data.conflict_note
    return [note] if note is not None else []


def _skipped(x: RiskInputs) -> list[Statement]:
    n = len(x.training.data.skipped_files)
    return [Statement("risk.data.skipped", "risk",
                      f"{n} unreadable file(s) were skipped (listed under Training Data).")] if n else []


#: The rules in the order the card lists their risks.
RULES = (
    RiskRule("small set", f"an evaluation set of fewer than {SMALL_TEST_SET} images (its intervals are wide)",
             _small_sets),
    RiskRule("calibration", "the mean stated confidence lies outside the accuracy's interval (over- or "
             "under-confident on average)", _calibration),
    RiskRule("weak class", "a class whose recall interval lies wholly below the set's accuracy interval",
             _weak_classes),
    RiskRule("slice gap", "an attribute whose accuracy gap between groups has an interval that excludes 0 (and "
             "not every group is below the small-group size)", _slice_gaps),
    RiskRule("shift", "an extra evaluation set whose accuracy interval lies wholly below the first set's",
             _shift),
    RiskRule("corruption", RISK_WORDS, _robustness),
    RiskRule("label conflicts", "the same image (identical files, or a confirmed near-duplicate pair) under different "
             "labels: certain, not estimated; in test they cap the accuracy any model can reach", _conflicts),
    RiskRule("leakage", "confirmed near-duplicate pairs across splits", _leakage),
    RiskRule("imbalance", f"the largest training class has at least {IMBALANCE_RATIO:g} times the images of the "
             "smallest", _imbalance),
    RiskRule("label errors", "cleanlab's test label disagreements, if confirmed, could move accuracy beyond its "
             "interval",
             _label_issues),
    RiskRule("unreadable files", "files skipped as unreadable", _skipped),
)


def measured_risks(inputs: RiskInputs) -> list[Statement]:
    """Every rule's risks, in `RULES` order, each marked with the rule that found it."""
    return [replace(s, kind="risk", rule=rule.name) for rule in RULES for s in rule.find(inputs)]


#: The rules whose risks name a group of inputs (CycloneDX lists them as fairness assessments).
GROUP_RULES = ("weak class", "slice gap")
