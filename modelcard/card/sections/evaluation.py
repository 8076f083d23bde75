"""Evaluation: metrics with intervals per evaluation set, per class, slices, shift gaps."""

from __future__ import annotations

from typing import Iterator

from ...claims import Claim, Statement, metric_claim
from ...record.model import Evaluation, RunRecord
from .. import formatting as fmt
from ..intervals import METRIC_NAMES, interval_methods
from ...record.model import Metric
from ..parts import EvalSetResults, EvaluationResults, PerClass, ShiftGap, SliceTable, SliceRow
from ..section_spec import CoverageItem, Heading, SectionSpec
from .calibration import calibration_finding
from .slice_notes import slice_notes
from .robustness import robustness, robustness_claims
from .seeds_cv import seeds_cv, seeds_cv_claims

METRIC_ORDER = ("accuracy", "balanced_accuracy", "top5_accuracy", "f1_macro", "precision_macro", "recall_macro",
                "f1_weighted", "precision_weighted", "recall_weighted", "log_loss", "ece")


def unit_of(record: RunRecord) -> str:
    """What one evaluated item is called on the card: "samples" for `modelcard record` runs, whose
    predictions need not be of images (the tool never saw the inputs), else "images"."""
    return "samples" if record.created_by == "record" else "images"


#: The unit of each scalar score; every other score is a share of images.
METRIC_UNITS = {"log_loss": "nats", "ece": "probability"}


def _level(ev: Evaluation) -> float | None:
    """The nominal level of the set's intervals, e.g. 0.95."""
    if ev.intervals is not None and ev.intervals.confidence is not None:
        return ev.intervals.confidence
    return ev.bootstrap.confidence if ev.bootstrap is not None else None


def no_interval_reason(ev: Evaluation) -> str:
    """Why a score of this set has no interval: the run skipped the bootstrap, or an old record has none."""
    if ev.bootstrap is not None and not ev.bootstrap.n_resamples:
        return "the scores that need the bootstrap, which this run skipped (0 resamples)"
    return "the scores an older record holds without an interval"


def _metric_claims(name: str, ev: Evaluation) -> dict[str, Claim]:
    """The set's scalar scores as claims, in display order; a score that is another by definition
    (`Evaluation.same_as`) is that score's number, with `same_as` naming it."""
    keys = [k for k in METRIC_ORDER if k in ev.metrics] + sorted(k for k in ev.metrics if k not in METRIC_ORDER)
    out = {}
    for key in keys:
        fact, target = ev.metric(key), ev.same_as(key)
        out[key] = metric_claim(f"{name}.{key}", name, key, fact, method=fact.method if fact else None,
                                level=_level(ev), n=ev.n_samples, unit=METRIC_UNITS.get(key, "share"),
                                same_as=f"{name}.{target}" if target else None, slice=name,
                                no_interval=no_interval_reason(ev))
    return out


def _per_class(name: str, ev: Evaluation, methods) -> list[PerClass]:
    level, rows = _level(ev), []
    for p in ev.per_class:
        scores = {score: metric_claim(f"{name}.class.{p.class_name}.{score}", name, score, getattr(p, score),
                                      method=methods.per_class.get(score), level=level,
                                      n=int(p.support) if score == "recall" else None,
                                      slice=f"{name}/class={p.class_name}", no_interval=no_interval_reason(ev))
                  for score in ("precision", "recall", "f1")}
        rows.append(PerClass(p.class_name, int(p.support), scores["precision"], scores["recall"], scores["f1"]))
    return rows


def _slice(name: str, ev: Evaluation, s, methods) -> SliceTable:
    level, stem = _level(ev), f"{name}.slice.{s.column}"
    groups = [SliceRow(str(g.group), int(g.count), bool(g.unreliable),
                         *(metric_claim(f"{stem}.group.{g.group}.{score}", name, score, getattr(g, score),
                                        method=methods.slices.get(score), level=level, n=int(g.count),
                                        slice=f"{name}/{s.column}={g.group}", no_interval=no_interval_reason(ev))
                           for score in ("accuracy", "f1_macro")))
              for g in s.groups or []]
    worst = s.worst_group if isinstance(s.worst_group, dict) else {"accuracy": s.worst_group}
    intervals = s.difference_ci or {}
    gaps = {}
    for score, value in (s.difference or {}).items():
        m = intervals.get(score)
        gaps[score] = metric_claim(f"{stem}.gap.{score}", name, f"{score}_gap",
                                   m if m is not None else Metric(value, None, None),
                                   method=methods.slices.get("difference"), level=level,
                                   n=sum(g.count for g in groups), slice=f"{name}/{s.column}",
                                   no_interval=no_interval_reason(ev))
    return SliceTable(column=s.column, min_group_size=s.min_group_size, groups=groups, gaps=gaps, ratio=s.ratio,
                 worst_group={k: v for k, v in (worst or {}).items() if v is not None}, has_intervals=bool(intervals))


def _eval_set(name: str, ev: Evaluation, unit: str = "images") -> EvalSetResults:
    methods = interval_methods(ev)
    metrics = _metric_claims(name, ev)
    methods.metrics = {k: fact.method if (fact := ev.metric(k)) is not None else None for k in metrics}
    slices = [_slice(name, ev, s, methods) for s in ev.slices]
    # An attribute with one group compares nothing: no table, chart or risk, one line instead.
    single = [s for s in slices if len(s.groups) < 2]
    slices = [s for s in slices if len(s.groups) >= 2]
    for s in slices:
        if s.all_small:
            s.all_small_note = _all_small_note(s, unit)
    notes = slice_notes(ev)
    found = calibration_finding(name, ev.calibration, metrics.get("accuracy"), metrics.get("ece"), unit)
    return EvalSetResults(name=name, source=ev.source, n_samples=ev.n_samples, n_classes=ev.n_classes,
                   bootstrap=ev.bootstrap, metrics=metrics, per_class=_per_class(name, ev, methods),
                   confusion_labels=list(ev.confusion_matrix.labels),
                   confusion_counts=[list(r) for r in ev.confusion_matrix.counts],
                   top_confusions=list(ev.top_confusions or []), calibration=ev.calibration,
                   slices=slices, slice_notes={s.column: n for s in slices if (n := notes.get(s.column))},
                   intervals=methods, single_group_notes=[_single_group_note(s, unit) for s in single],
                   same_as={k: t for k in metrics if (t := ev.same_as(k))},
                   mean_confidence=found[0] if found else None, calibration_note=found[1] if found else None)


#: Why each score is another by definition (`record.model.evaluation.SAME_AS`), in the card's words.
IDENTITY_WORDS = {"recall_weighted": "by definition (recall weighted by class size is right answers out of all {unit})",
                  "recall_macro": "here (no class without {unit} in the set was predicted, so both are the mean "
                                  "recall over the same classes)"}


def identities(sets: list[EvalSetResults], unit: str) -> str | None:
    """One sentence naming the printed scores that are one quantity, e.g. "Recall (weighted) is accuracy
    by definition (...): each pair is one quantity, printed with one interval."; None when there is none."""
    found = {k: t for ev in sets for k, t in ev.same_as.items()}
    if not found:
        return None
    parts = [f"{METRIC_NAMES[k]} is {METRIC_NAMES[t]} {IDENTITY_WORDS[k].format(unit=unit)}" for k, t in found.items()]
    everywhere = all(ev.same_as == sets[0].same_as for ev in sets)
    where = "" if everywhere else " (on the sets where the table marks it with =)"
    return "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + f"{where}: each pair is one quantity, printed with one interval and method."


def _all_small_note(s: SliceTable, unit: str) -> str:
    """e.g. "Every group of `light` has fewer than 30 images, too few images to judge: the accuracy
    difference between them, 0.100 [0.007, 0.404], may be chance and is not counted as a risk."."""
    gap = s.gaps.get("accuracy")
    shown = fmt.metric(gap) if gap is not None and gap.value is not None else None
    size = f"fewer than {s.min_group_size} {unit}" if s.min_group_size else f"too few {unit}"
    return (f"Every group of `{s.column}` has {size}, too few {unit} to judge"
            + (f": the accuracy difference between them, {shown}, may be chance and is not counted as a risk."
               if shown else "."))


def _single_group_note(s: SliceTable, unit: str) -> str:
    """e.g. "Slice `aspect` has one group (square: all 30 images): not compared."."""
    if not s.groups:
        return f"Slice `{s.column}` has no group: not compared."
    g = s.groups[0]
    return f"Slice `{s.column}` has one group ({g.group}: all {fmt.count(g.count)} {unit}): not compared."


def evaluation(record: RunRecord) -> EvaluationResults:
    names = sorted(record.evaluations, key=lambda n: (n != "test", n))
    sets = [_eval_set(n, record.evaluations[n], unit_of(record)) for n in names]
    gaps = []
    if len(sets) > 1:
        ref = sets[0]
        for other in sets[1:]:
            for key in ("accuracy", "f1_macro"):
                a, b = ref.metrics.get(key), other.metrics.get(key)
                if a is None or b is None:
                    continue
                diff = None if a.value is None or b.value is None else b.value - a.value
                gaps.append(ShiftGap(key, ref.name, other.name, a.value, b.value, diff))
    factors = ["class (per-class scores)"]
    metadata = {c for n in names for c in record.evaluations[n].metadata_columns or []}
    columns = sorted({s.column for e in sets for s in e.slices})
    for kind, picked in (("slice attributes", [c for c in columns if c not in metadata]),
                         ("attributes from --metadata", [c for c in columns if c in metadata])):
        if picked:
            factors.append(f"{kind}: {', '.join(picked)}")
    if len(sets) > 1:
        factors.append("evaluation set (distribution shift between sets)")
    rob = robustness(record)
    if rob.measured:
        factors.append(f"common image corruptions ({rob.suite} suite of ImageNet-C, on {rob.eval_set})")
    return EvaluationResults(sets=sets, shift_gaps=gaps, factors=factors, robustness=rob, metric_names=dict(METRIC_NAMES),
                      seeds_cv=seeds_cv(record), identities=identities(sets, unit_of(record)))


def set_claims(ev: EvalSetResults) -> Iterator[Claim | Statement]:
    """Every number one evaluation set prints: scores, per class, per group and gap, calibration."""
    yield from ev.metrics.values()
    for p in ev.per_class:
        yield from (p.precision, p.recall, p.f1)
    for s in ev.slices:
        for g in s.groups:
            yield from (g.accuracy, g.f1_macro)
        yield from s.gaps.values()
    if ev.mean_confidence is not None:
        yield ev.mean_confidence
    if ev.calibration_note is not None:
        yield ev.calibration_note


def evaluation_claims(card) -> Iterator[Claim | Statement]:
    """The claims of the Evaluation section: every set's, then robustness under corruptions."""
    for ev in card.evaluation.sets:
        yield from set_claims(ev)
    if card.evaluation.robustness is not None:
        yield from robustness_claims(card.evaluation.robustness)
    yield from seeds_cv_claims(card.evaluation.seeds_cv)


COVERAGE = (
    CoverageItem("hf.testing_data", "hf", "Evaluation / Testing Data", "The data the model was evaluated on",
                 where="Evaluation / Testing Data", measured=("evaluation",)),
    CoverageItem("hf.factors", "hf", "Evaluation / Factors",
                 "The sub-populations or conditions results are broken down by",
                 where="Evaluation / Factors", measured=("factors",)),
    CoverageItem("hf.metrics", "hf", "Evaluation / Metrics", "Which metrics are reported and why",
                 where="Evaluation / Metrics", measured=("evaluation",)),
    CoverageItem("hf.results", "hf", "Evaluation / Results", "The evaluation results and their summary",
                 where="Evaluation / Results", measured=("evaluation",)),
    CoverageItem("aiv.2b.output", "annex_iv", "2(b)", "The expected output and its quality",
                 where="Evaluation / Results", measured=("evaluation",)),
    CoverageItem("aiv.2g.procedure", "annex_iv", "2(g)",
                 "The validation and testing procedures, and the test data with its main characteristics",
                 where="Evaluation / Testing Data, Metrics", measured=("evaluation",)),
    CoverageItem("aiv.2g.accuracy", "annex_iv", "2(g)", "Metrics used to measure accuracy",
                 where="Evaluation / Results", measured=("evaluation",)),
    CoverageItem("aiv.2g.robustness", "annex_iv", "2(g)", "Metrics used to measure robustness",
                 where="Evaluation (shifted sets, corruptions)", measured=("robustness",)),
    CoverageItem("aiv.2g.discrimination", "annex_iv", "2(g)", "Possible discriminatory impacts",
                 where="Evaluation / Results by attribute; Bias, Risks, and Limitations", measured=("slices",),
                 human=("bias_risks_limitations",)),
    CoverageItem("aiv.3.capabilities", "annex_iv", "3",
                 "Capabilities and limits of performance, overall and for the groups it is used on",
                 where="Evaluation / Results; Results by attribute", measured=("evaluation",),
                 human=("bias_risks_limitations",)),
    CoverageItem("aiv.4", "annex_iv", "4", "Why the performance metrics suit this system",
                 where="Evaluation / Metrics; Model Examination", human=("model_examination",)),
)

SECTION = SectionSpec(
    "evaluation", order=90, build=lambda x: evaluation(x.record), attr="evaluation", part=EvaluationResults,
    headings=(Heading("Evaluation", (), lambda c: bool(c.evaluation.sets)),),
    probes={
        "evaluation": lambda c: bool(c.evaluation.sets),
        "factors": lambda c: bool(c.evaluation.sets and c.evaluation.factors),
        "slices": lambda c: any(s.slices for s in c.evaluation.sets),
        "robustness": lambda c: len(c.evaluation.sets) > 1 or bool(c.evaluation.robustness
                                                                   and c.evaluation.robustness.measured),
    },
    coverage=COVERAGE, claims=evaluation_claims)
