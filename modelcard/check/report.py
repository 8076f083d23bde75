"""What `modelcard check` found, as one report: readable tables for people, JSON for machines."""

from __future__ import annotations

from dataclasses import dataclass, field

from .completeness import Item
from .coverage import STATUS_WORDS, CoverageRow, coverage_fraction
from .gates import GateResult


@dataclass
class CheckReport:
    """Gates, completeness and (optionally) coverage for one run or one Markdown card."""

    target: str                          # e.g. "run 20261122T000037Z-01409c (examples/runs/...)"
    card_info: str | None                # e.g. "card.yaml"; None for a Markdown card or no card.yaml
    policy_file: str | None              # e.g. "policy.yaml"
    policy_sha256: str | None            # e.g. "9f2c..."
    gates: list[GateResult] = field(default_factory=list)
    completeness: list[Item] = field(default_factory=list)
    coverage: list[CoverageRow] | None = None    # None unless --coverage
    not_checked: list[str] = field(default_factory=list)  # e.g. ["policy gates (need the run record: use --run)"]
    # The consistency invariants' violations (modelcard.consistency.Violation), and what was checked, e.g.
    # "the card's claims and the 8 files `build` wrote in cards"; None: not checked (a Markdown card alone)
    consistency: list = field(default_factory=list)
    consistency_scope: str | None = None
    warnings: list[str] = field(default_factory=list)  # e.g. ["card.yaml `description` names `food`, ..."]

    @property
    def passed(self) -> bool:
        """True when every gate, completeness item and invariant holds (coverage and warnings never fail a check)."""
        return (all(g.passed for g in self.gates) and all(i.passed for i in self.completeness)
                and not self.consistency)

    def to_json(self) -> dict:
        out = {"target": self.target, "card_info": self.card_info, "passed": self.passed,
               "policy": {"file": self.policy_file, "sha256": self.policy_sha256} if self.policy_file else None,
               "gates": [g.to_json() for g in self.gates],
               "completeness": [i.to_json() for i in self.completeness], "not_checked": list(self.not_checked),
               "warnings": list(self.warnings)}
        if self.consistency_scope is not None:
            out["consistency"] = {"checked": self.consistency_scope,
                                  "violations": [{"invariant": v.invariant, "place": v.place, "other": v.other,
                                                  "detail": v.detail} for v in self.consistency]}
        if self.coverage is not None:
            out["coverage"] = {"items": [r.to_json() for r in self.coverage],
                               "summary": coverage_fraction(self.coverage).to_json()}
        return out


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header, *rows]]


def number(value: float) -> str:
    """Whole numbers with thousands separators (9,762,877), others with 4 significant digits (0.8438)."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:.4g}"


def gate_value(result: GateResult) -> str:
    return "not measured" if result.value is None else number(result.value)


def gate_bound(result: GateResult) -> str:
    return f"{result.op} {number(result.bound)}"


def format_text(report: CheckReport) -> str:
    """The human-readable report: one table per part, then a one-line verdict."""
    lines = [f"modelcard check: {report.target}" + (f", {report.card_info}" if report.card_info else "")]
    if report.policy_file:
        lines += ["", f"Policy gates ({report.policy_file}, sha256 {report.policy_sha256[:12]}…)"]
        lines += _table(("GATE", "QUANTITY", "VALUE", "BOUND", "RESULT"),
                        [(g.metric, g.quantity, gate_value(g), gate_bound(g),
                          "pass" if g.passed else "FAIL" + (f" ({g.reason})" if g.reason and g.value is None else ""))
                         for g in report.gates])
    lines += ["", "Completeness"]
    lines += _table(("ITEM", "RESULT", "DETAIL"),
                    [(i.item, "pass" if i.passed else "FAIL", i.detail) for i in report.completeness])
    if report.coverage is not None:
        summary = coverage_fraction(report.coverage)
        lines += ["", f"Documentation coverage: {summary.sentence()}"]
        for reference in dict.fromkeys(r.reference for r in report.coverage):
            lines += ["", f"  {reference}"]
            lines += _table(("POINT", "STATUS", "ITEM", "WHERE ON THE CARD"),
                            [(r.point, STATUS_WORDS[r.status], r.text, r.where)
                             for r in report.coverage if r.reference == reference])
    if report.consistency_scope is not None:
        from ..consistency import INVARIANTS

        held = len({v.invariant for v in report.consistency})
        lines += ["", f"Consistency ({report.consistency_scope}): "
                  + (f"all {len(INVARIANTS)} invariants hold" if not report.consistency
                     else f"{held} of {len(INVARIANTS)} invariants broken")]
        lines += [f"  - {v.line()}" for v in report.consistency]
    if report.warnings:
        lines += ["", "Warnings:"] + [f"  - {w}" for w in report.warnings]
    if report.not_checked:
        lines += ["", "Not checked:"] + [f"  - {what}" for what in report.not_checked]
    verdict = "PASS" if report.passed else "FAIL"
    gates = pass_count(sum(g.passed for g in report.gates), len(report.gates), "gates") if report.policy_file \
        else "no policy"
    items = pass_count(sum(i.passed for i in report.completeness), len(report.completeness), "completeness items")
    broken = f"; {len(report.consistency)} consistency violation(s)" if report.consistency else ""
    lines += ["", f"{verdict}: {gates}; {items}{broken}"]
    return "\n".join(lines) + "\n"


def pass_count(passed: int, total: int, what: str) -> str:
    """e.g. "5 of 8 gates pass, 3 fail", "8 of 8 gates pass", "1 of 2 gates pass, 1 fails"."""
    failed = total - passed
    return f"{passed} of {total} {what} pass" + (f", {failed} {'fails' if failed == 1 else 'fail'}" if failed else "")
