"""Policy gates looser than the bar card.yaml states for the same score: a warning for `check` and `build`.

card.yaml states what the model must reach (`accuracy_bar: 0.9`); a policy gate that a run can pass
without establishing that bar (`accuracy.ci_low >= 0.6`, or a bound on the point estimate,
`accuracy >= 0.9`) would let a green check read as approval of a model whose bar is not established.
A gate matches a bar when it bounds the same score from the same side; it is as strict as the bar
when it bounds the interval's far end (`.ci_low` for a bar to reach) at the bar or beyond.
"""

from __future__ import annotations

from ..card.info import CardInfo
from .policy import Policy

_REACH = (">=", ">")


def _bars(info: CardInfo, gate) -> list[tuple[float, str]]:
    """The card.yaml bars a gate bounds: (bar, its card.yaml key)."""
    pattern, values = gate.metric.row.pattern, gate.metric.values
    if pattern == "<metric>" and values.get("metric") == "accuracy" and info.accuracy_bar is not None:
        return [(info.accuracy_bar, "accuracy_bar")]
    recall = info.class_recall_bar
    if recall is not None and values.get("pc_metric") == "recall":
        if pattern == "per_class.<class>.<pc_metric>":
            bar = recall.get(values["class"]) if isinstance(recall, dict) else recall
            return [(bar, "class_recall_bar")] if bar is not None else []
        if pattern == "worst_class.<pc_metric>":
            bars = recall.values() if isinstance(recall, dict) else [recall]
            return [(max(bars), "class_recall_bar")]
    if (pattern == "slices.<column>.worst.<slice_metric>" and values.get("slice_metric") == "accuracy"
            and info.group_accuracy_bar is not None):
        return [(info.group_accuracy_bar, "group_accuracy_bar")]
    return []


def looser_gates(info: CardInfo, policy: Policy | None) -> list[str]:
    """One warning per gate that a run can pass without establishing card.yaml's bar for the same score."""
    found = []
    for gate in (policy.gates if policy is not None else []):
        if gate.op not in _REACH:
            continue
        for bar, key in _bars(info, gate):
            part = gate.metric.part
            if part == "ci_low" and gate.bound >= bar:
                continue
            why = (f"its bound {gate.bound:g} is below the bar" if part == "ci_low" else
                   "it bounds the point estimate, which can pass while the interval still holds the bar"
                   if part in (None, "value") else "it bounds the interval's upper end")
            base = gate.metric.name.removesuffix(f".{part}") if part else gate.metric.name
            found.append(f"policy gate `{gate.text}` is looser than card.yaml `{key}` ({bar:g}): {why}, so the check "
                         f"can pass while the bar is not established; gate `{base}.ci_low >= {bar:g}` instead")
    return found
