"""The predicate `check --attest` writes: in-toto test-result v0.1, each gate stated in full.

Why test-result and not the draft eval-result predicate: `check` is a pass/fail test of a release
against a policy, which is what test-result states (`result`, the `configuration` it ran under,
the passed and failed tests); the in-toto attestation library ships its protobuf, so the statement
is validated against the predicate's own schema (`statement.validate`), which a draft without a
published schema cannot give. The numbers of each gate (value, interval, bound, outcome) have no
field of their own in test-result, so they go where the predicate allows free-form data: the
`annotations` of the policy's ResourceDescriptor in `configuration`, whose digest is the policy's sha256.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GateEvidence:
    """One gate as the statement states it."""

    gate: str                       # as written, e.g. "accuracy.ci_low >= 0.9"
    metric: str                     # e.g. "accuracy.ci_low"
    quantity: str                   # e.g. "lower bound"
    op: str                         # e.g. ">="
    bound: float                    # e.g. 0.9
    value: float | None             # the number compared, e.g. 0.7149; None: not measured
    interval: tuple | None          # the metric's 95% interval (low, high), e.g. (0.7149, 0.9316); None: none
    point: float | None             # the metric's point estimate, e.g. 0.84375 (the value itself for scalars)
    passed: bool
    reason: str | None              # why it failed, e.g. "0.7149 is not >= 0.9"

    @property
    def outcome(self) -> str:
        return "passed" if self.passed else ("not measured" if self.value is None else "failed")

    def to_json(self) -> dict:
        interval = ({"low": self.interval[0], "high": self.interval[1], "level": 0.95}
                    if self.interval is not None else None)
        return {"gate": self.gate, "metric": self.metric, "quantity": self.quantity, "op": self.op,
                "bound": self.bound, "value": self.value, "point_estimate": self.point, "interval": interval,
                "outcome": self.outcome, "reason": self.reason}


@dataclass(frozen=True)
class CheckOutcome:
    """What `check` found, as plain data for the predicate."""

    passed: bool
    run_id: str
    gates: list[GateEvidence]
    policy_file: str | None                  # e.g. "policy.yaml"
    policy_sha256: str | None
    card_info: tuple[str, str] | None        # ("card.yaml", its sha256), or None
    completeness_failed: list[str]           # the items that failed, e.g. ["Section: Uses"]
    completeness_total: int
    consistency_failed: list[str]            # one line per broken invariant


def test_result_predicate(outcome: CheckOutcome) -> dict:
    """The test-result v0.1 predicate of a check."""
    configuration = []
    if outcome.policy_file:
        configuration.append({"name": outcome.policy_file, "digest": {"sha256": outcome.policy_sha256},
                              "mediaType": "application/yaml",
                              "annotations": {"run_id": outcome.run_id,
                                              "gates": [g.to_json() for g in outcome.gates]}})
    if outcome.card_info:
        configuration.append({"name": outcome.card_info[0], "digest": {"sha256": outcome.card_info[1]},
                              "mediaType": "application/yaml"})
    passed = [f"gate: {g.gate}" for g in outcome.gates if g.passed]
    failed = [f"gate: {g.gate} ({g.reason})" for g in outcome.gates if not g.passed]
    n_complete = outcome.completeness_total - len(outcome.completeness_failed)
    if n_complete:
        passed.append(f"completeness: {n_complete} of {outcome.completeness_total} items")
    failed += [f"completeness: {item}" for item in outcome.completeness_failed]
    failed += [f"consistency: {line}" for line in outcome.consistency_failed]
    predicate = {"result": "PASSED" if outcome.passed else "FAILED", "configuration": configuration,
                 "passedTests": passed, "failedTests": failed}
    return {k: v for k, v in predicate.items() if v != []}
