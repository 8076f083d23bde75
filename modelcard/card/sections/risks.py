"""Bias, Risks, and Limitations: the limitations the numbers themselves show."""

from __future__ import annotations

from .. import formatting as fmt
from ..model import Evaluation, TrainingDetails
from .evaluation import unit_of
from .robustness import robustness_risk

SMALL_TEST_SET = 100
HIGH_ECE = 0.1
IMBALANCE_RATIO = 3.0


def measured_risks(record: dict, training: TrainingDetails, evaluation: Evaluation) -> list[str]:
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
            spread = fmt.num(diff) + (f" (95% CI {fmt.ci(interval)})" if interval and interval.get("ci_low") is not None else "")
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
    test_issues = (record.get("label_issues") or {}).get("test") or {}
    if test_issues.get("measured") and test_issues.get("moves_accuracy"):  # decided when measured (run-record.md)
        rate = test_issues["rate"]
        found.append(f"cleanlab estimates that {fmt.num(rate['value'])} of the test labels may be wrong (95% CI "
                     f"{fmt.ci(rate)}): more than half the width of the test accuracy's interval, so label errors "
                     "alone could move accuracy beyond its stated uncertainty (suspects are listed on the data card).")
    if training.data.skipped_files:
        found.append(f"{len(training.data.skipped_files)} unreadable file(s) were skipped (listed under Training Data).")
    return found
