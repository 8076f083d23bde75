"""Evaluate a policy's gates on a run record: each gate passes, fails, or fails as "not measured"."""

from __future__ import annotations

from dataclasses import dataclass

from ..record.model import RunRecord
from .gate_names import NotMeasured, read
from .policy import Gate, Policy


@dataclass(frozen=True)
class GateResult:
    """The outcome of one gate."""

    gate: str             # e.g. "accuracy.ci_low >= 0.8"
    metric: str           # e.g. "accuracy.ci_low"
    quantity: str         # e.g. "lower bound" | "point estimate" | "value"
    op: str               # e.g. ">="
    bound: float          # e.g. 0.8
    value: float | None   # e.g. 0.84375; None when not measured
    passed: bool
    reason: str | None    # why it failed, e.g. "not measured: the run has no robustness evaluation"

    def to_json(self) -> dict:
        return {"gate": self.gate, "metric": self.metric, "quantity": self.quantity, "op": self.op,
                "bound": self.bound, "value": self.value, "passed": self.passed, "reason": self.reason}


def evaluate_gate(gate: Gate, record: dict | RunRecord, reviewed: frozenset[str] = frozenset()) -> GateResult:
    """One gate on one record; a value the run did not measure fails the gate (never passes silently).
    `reviewed`: the files card.yaml's `data.label_review` gives an outcome."""
    common = dict(gate=gate.text, metric=gate.metric.name, quantity=gate.metric.quantity, op=gate.op, bound=gate.bound)
    try:
        value = read(gate.metric, record, reviewed)
    except NotMeasured as exc:
        return GateResult(**common, value=None, passed=False, reason=f"not measured: {exc}")
    passed = gate.holds(value)
    reason = None if passed else f"{value:.6g} is not {gate.op} {gate.bound:g}"
    return GateResult(**common, value=value, passed=passed, reason=reason)


def evaluate_policy(policy: Policy, record: dict | RunRecord, reviewed: frozenset[str] = frozenset()) -> list[GateResult]:
    """Every gate of the policy, in file order (the record typed once for all of them)."""
    record = RunRecord.of(record)
    return [evaluate_gate(gate, record, reviewed) for gate in policy.gates]
