"""The "Checks" subsection (`build --policy`): the policy's gates and the completeness items,
with pass/fail marks and the policy file's sha256, so a reader sees what the card was held to."""

from __future__ import annotations

from dataclasses import dataclass

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
