"""Bias, Risks, and Limitations: the limitations the numbers themselves show."""

from __future__ import annotations

from .. import formatting as fmt
from ...record.model import RunRecord
from ..info import CardInfo
from ..parts import Evaluation, Risks, TrainingDetails
from ..section_spec import CoverageItem, Gap, Heading, Section
from .evaluation import unit_of
from .robustness import robustness_risk

SMALL_TEST_SET = 100
HIGH_ECE = 0.1
IMBALANCE_RATIO = 3.0


def measured_risks(record: RunRecord, training: TrainingDetails, evaluation: Evaluation) -> list[str]:
    """Limitations the numbers themselves show; these never replace the human text."""
    found = []
    unit = unit_of(record)
    for ev in evaluation.sets:
        acc = ev.metrics.get("accuracy")
        if ev.n_samples < SMALL_TEST_SET and acc is not None:
            found.append(f"The {ev.name} set has only {ev.n_samples} {unit}, so its scores are uncertain "
                         f"(accuracy 95% CI {fmt.ci(acc)}).")
        ece = ev.metrics.get("ece")
        if ece is not None and ece.value is not None and ece.value > HIGH_ECE:
            found.append(f"Confidence scores are poorly calibrated on {ev.name} (ECE {fmt.num(ece.value)}): do not "
                         "read them as probabilities.")
        for s in ev.slices:
            if s.all_small:  # every group too small to judge: the difference is no evidence (said under Results)
                continue
            worst = s.worst_group.get("accuracy") if isinstance(s.worst_group, dict) else s.worst_group
            diff = s.difference.get("accuracy") if isinstance(s.difference, dict) else None
            interval = (s.difference_ci or {}).get("accuracy")
            spread = fmt.num(diff) + (f" (95% CI {fmt.ci(interval)})" if interval is not None and interval.ci_low is not None else "")
            found.append(f"On {ev.name}, accuracy differs by {spread} across `{s.column}` groups; "
                         f"the worst group is {worst!s}.")
            small = [g.group for g in s.groups if g.unreliable]
            if small:
                found.append(f"Groups of `{s.column}` with fewer than {s.min_group_size} {unit} are too small to "
                             f"judge: {', '.join(small)}.")
    for gap in evaluation.shift_gaps:
        if gap.metric == "accuracy" and gap.difference is not None:
            found.append(f"Accuracy on {gap.other} is {fmt.num(gap.other_value)} against {fmt.num(gap.reference_value)} "
                         f"on {gap.reference} (difference {gap.difference:+.3f}): expect lower scores on data unlike "
                         "the training data.")
    if evaluation.robustness is not None and (line := robustness_risk(evaluation.robustness)):
        found.append(line)
    dup = training.data.duplicates
    if dup and dup.cross_split_pairs:
        found.append(f"{dup.cross_split_pairs} near-duplicate image pair(s) sit on both sides of a split, which can "
                     "inflate test scores.")
    train = next((s for s in training.data.splits if s.name == "train"), None)
    if train and train.class_counts:
        counts = [c for c in train.class_counts.values()]
        if min(counts) > 0 and max(counts) / min(counts) >= IMBALANCE_RATIO:
            found.append(f"Classes are imbalanced in training ({min(counts)} to {max(counts)} images per class).")
    test_issues = record.label_issues_of("test")
    if test_issues is not None and test_issues.measured and test_issues.moves_accuracy:  # decided when measured (run-record.md)
        rate = test_issues.rate
        found.append(f"cleanlab estimates that {fmt.num(rate.value)} of the test labels may be wrong (95% CI "
                     f"{fmt.ci(rate)}): more than half the width of the test accuracy's interval, so label errors "
                     "alone could move accuracy beyond its stated uncertainty (suspects are listed on the data card).")
    if training.data.skipped_files:
        found.append(f"{len(training.data.skipped_files)} unreadable file(s) were skipped (listed under Training Data).")
    return found


def risks(record: RunRecord, info: CardInfo, training: TrainingDetails, evaluation: Evaluation) -> Risks:
    """Bias, Risks and Limitations: the human text with the limitations the numbers show."""
    return Risks(info.bias_risks_limitations, measured_risks(record, training, evaluation), info.recommendations)


COVERAGE = (
    CoverageItem("hf.bias_risks", "hf", "Bias, Risks, and Limitations",
                 "Known technical and social limitations and risks",
                 where="Bias, Risks, and Limitations", measured=("measured_risks",),
                 human=("bias_risks_limitations",)),
    CoverageItem("hf.recommendations", "hf", "Bias, Risks, and Limitations / Recommendations",
                 "What users should do about those risks",
                 where="Bias, Risks, and Limitations / Recommendations", human=("recommendations",)),
    CoverageItem("aiv.2b.tradeoffs", "annex_iv", "2(b)",
                 "Trade-offs made between technical options to meet the requirements",
                 where="Bias, Risks, and Limitations / Recommendations", human=("recommendations",)),
    CoverageItem("aiv.2e", "annex_iv", "2(e)",
                 "The human oversight needed, and what helps deployers interpret the outputs",
                 where="Bias, Risks, and Limitations / Recommendations", human=("recommendations",)),
    CoverageItem("aiv.3.risks", "annex_iv", "3",
                 "Foreseeable unintended outcomes and sources of risk (health, safety, fundamental rights, discrimination)",
                 where="Bias, Risks, and Limitations; Uses / Out-of-Scope Use",
                 human=("bias_risks_limitations", "uses.out_of_scope")),
    CoverageItem("aiv.3.oversight", "annex_iv", "3",
                 "Human oversight measures, including technical aids to interpret outputs",
                 where="Bias, Risks, and Limitations / Recommendations", human=("recommendations",)),
)

SECTION = Section(
    "risks", build=risks, attr="risks",
    headings=(Heading("Bias, Risks, and Limitations", ("bias_risks_limitations", "recommendations"),
                      lambda c: bool(c.risks.measured)),),
    probes={"measured_risks": lambda c: bool(c.risks.measured)}, coverage=COVERAGE,
    gaps={"bias_risks_limitations": Gap("Bias, Risks and Limitations"),
          "recommendations": Gap("Bias, Risks and Limitations / Recommendations")})
