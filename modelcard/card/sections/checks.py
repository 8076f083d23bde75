"""The "Checks" subsection (`build --policy`): the policy's gates and the completeness items,
with pass/fail marks and the policy file's sha256, so a reader sees what the card was held to."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...claims import Statement, figure_claim
from ...claims.relations import Equals

PASS, FAIL = "✓ pass", "✗ FAIL"
# Bounds in words: readable in the raw Markdown a reviewer diffs (where `<` must be escaped).
BOUND_WORDS = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}


@dataclass
class CheckRow:
    """One line of the Checks tables."""

    check: str      # e.g. "accuracy.ci_low (lower bound)" or "Sign-off: license"
    value: str      # e.g. "0.844", "not measured" or a completeness detail
    bound: str      # e.g. "at least 0.6" ("" for completeness items)
    result: str     # PASS or FAIL mark
    note: str       # e.g. "not measured: the run has no robustness evaluation"


@dataclass
class ChecksSection:
    """Everything the Checks partial shows."""

    policy_file: str            # e.g. "policy.yaml" (the name, not the full path)
    policy_sha256: str          # e.g. "9f2c..."
    gates: list[CheckRow]
    completeness: list[CheckRow]
    passed: bool                # every gate and item passed
    summary: str                # e.g. "5 of 6 gates pass, 1 fails; 22 of 22 completeness items pass"
    coverage: str               # e.g. "56 of 63 items a card can hold are filled (89%); 11 are human, outside the card"
    verdict: str = ""           # e.g. "All checks pass: 8 of 8 policy gates pass; 27 of 27 completeness items pass (...)"
    failed: int = 0             # gates and completeness items that failed, e.g. 0
    missing_human: list[str] = field(default_factory=list)  # card.yaml keys named "Not provided", e.g. ["citation.bibtex"]


def checks_claims(checks: ChecksSection) -> list:
    """What the verdict asserts: how many checks failed, and which human texts are named as missing (the
    consistency check compares these with the gap lines every written file shows)."""
    failed = figure_claim("checks.failed", "checks", "failed checks", checks.failed, "count")
    missing = figure_claim("checks.missing_human", "checks", "human texts not provided", len(checks.missing_human),
                           "count")
    return [failed, missing, Statement("checks.verdict", "checks", checks.verdict,
                                       Equals("checks.failed", 0) if checks.passed else None)]
