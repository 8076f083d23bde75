"""Evaluation: metrics with intervals per evaluation set, per class, slices, shift gaps."""

from __future__ import annotations

from ...record.model import Evaluation as RecordEvaluation, RunRecord
from .. import formatting as fmt
from ..intervals import METRIC_NAMES, interval_methods
from ..metric import metric_of
from ..parts import EvalSet, Evaluation, PerClass, ShiftGap, Slice, SliceGroup
from ..section_spec import CoverageItem, Heading, Section
from .slice_notes import slice_notes
from .robustness import robustness
from .seeds_cv import seeds_cv

METRIC_ORDER = ("accuracy", "balanced_accuracy", "top5_accuracy", "f1_macro", "precision_macro", "recall_macro",
                "f1_weighted", "precision_weighted", "recall_weighted", "log_loss", "ece")


def unit_of(record: RunRecord) -> str:
    """What one evaluated item is called on the card: "samples" for `modelcard record` runs, whose
    predictions need not be of images (the tool never saw the inputs), else "images"."""
    return "samples" if record.created_by == "record" else "images"


def _eval_set(name: str, ev: RecordEvaluation, unit: str = "images") -> EvalSet:
    metrics = {k: metric_of(ev.metrics[k]) for k in METRIC_ORDER if k in ev.metrics}
    metrics.update({k: metric_of(v) for k, v in sorted(ev.metrics.items()) if k not in metrics})
    per_class = [PerClass(p.class_name, int(p.support), metric_of(p.precision), metric_of(p.recall),
                          metric_of(p.f1)) for p in ev.per_class]
    slices = [Slice(column=s.column, min_group_size=s.min_group_size,
                    groups=[SliceGroup(str(g.group), int(g.count), bool(g.unreliable),
                                       metric_of(g.accuracy), metric_of(g.f1_macro)) for g in s.groups],
                    difference=s.difference, ratio=s.ratio, worst_group=s.worst_group,
                    difference_ci=None if s.difference_ci is None else dict(s.difference_ci)) for s in ev.slices]
    # An attribute with one group compares nothing: no table, chart or risk, one line instead.
    single = [s for s in slices if len(s.groups) < 2]
    slices = [s for s in slices if len(s.groups) >= 2]
    for s in slices:
        if s.all_small:
            s.all_small_note = _all_small_note(s, unit)
    notes = slice_notes(ev)
    return EvalSet(name=name, source=ev.source, n_samples=ev.n_samples, n_classes=ev.n_classes,
                   bootstrap=ev.bootstrap, metrics=metrics, per_class=per_class,
                   confusion_labels=list(ev.confusion_matrix.labels),
                   confusion_counts=[list(r) for r in ev.confusion_matrix.counts],
                   top_confusions=list(ev.top_confusions or []), calibration=ev.calibration,
                   slices=slices, slice_notes={s.column: n for s in slices if (n := notes.get(s.column))},
                   intervals=interval_methods(ev), single_group_notes=[_single_group_note(s, unit) for s in single])


def _all_small_note(s: Slice, unit: str) -> str:
    """e.g. "Every group of `light` has fewer than 30 images, too few images to judge: the accuracy
    difference between them, 0.100 [0.007, 0.404], may be chance and is not counted as a risk."."""
    interval = (s.difference_ci or {}).get("accuracy")
    diff = s.difference.get("accuracy") if isinstance(s.difference, dict) else None
    shown = fmt.metric(interval) if interval else fmt.num(diff) if diff is not None else None
    size = f"fewer than {s.min_group_size} {unit}" if s.min_group_size else f"too few {unit}"
    return (f"Every group of `{s.column}` has {size}, too few {unit} to judge"
            + (f": the accuracy difference between them, {shown}, may be chance and is not counted as a risk."
               if shown else "."))


def _single_group_note(s: Slice, unit: str) -> str:
    """e.g. "Slice `aspect` has one group (square: all 30 images): not compared."."""
    if not s.groups:
        return f"Slice `{s.column}` has no group: not compared."
    g = s.groups[0]
    return f"Slice `{s.column}` has one group ({g.group}: all {fmt.count(g.count)} {unit}): not compared."


def evaluation(record: RunRecord) -> Evaluation:
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
    return Evaluation(sets=sets, shift_gaps=gaps, factors=factors, robustness=rob, metric_names=dict(METRIC_NAMES),
                      seeds_cv=seeds_cv(record))


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

SECTION = Section(
    "evaluation", build=evaluation, attr="evaluation",
    headings=(Heading("Evaluation", (), lambda c: bool(c.evaluation.sets)),),
    probes={
        "evaluation": lambda c: bool(c.evaluation.sets),
        "factors": lambda c: bool(c.evaluation.sets and c.evaluation.factors),
        "slices": lambda c: any(s.slices for s in c.evaluation.sets),
        "robustness": lambda c: len(c.evaluation.sets) > 1 or bool(c.evaluation.robustness
                                                                   and c.evaluation.robustness.measured),
    },
    coverage=COVERAGE)
