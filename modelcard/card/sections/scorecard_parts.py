"""The scorecard's values (scorecard.py builds them from an assembled card; `Card.scorecard` holds one)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IntervalBar:
    """Where the bar of one score is drawn on a 0-to-1 scale `BAR_WIDTH` long (SVG user units)."""

    x: str        # e.g. "159.8": ci_low * BAR_WIDTH, one decimal
    width: str    # e.g. "36.8": (ci_high - ci_low) * BAR_WIDTH
    value_x: str  # e.g. "187.5": value * BAR_WIDTH, where the point estimate's tick goes


@dataclass
class Headline:
    """One headline score with its interval."""

    metric: str              # e.g. "accuracy"
    label: str               # e.g. "F1 (macro)" (the Evaluation tables' name)
    value: str               # e.g. "0.938" (as the tables print it)
    interval: str | None     # e.g. "[0.799, 0.983]"; None when the record has no interval
    level: str               # e.g. "95% CI" ("CI" when the record does not state the level)
    method: str | None       # e.g. "Wilson score interval" (the metric's own interval method)
    bar: IntervalBar | None  # None when there is no interval or a bound lies outside 0..1


@dataclass
class Outcome:
    """One stated bar's verdict, as a badge."""

    outcome: str  # "met" | "not met" | "not established"
    bar: str      # e.g. "Accuracy at least 90% (card.yaml `accuracy_bar`)": the verdict sentence's first words
    badge: str    # the CSS class, e.g. "badge-open"


@dataclass
class ScorecardGate:
    """One policy gate as a badge."""

    check: str    # e.g. "accuracy.ci_low (lower bound)"
    value: str    # e.g. "0.799" or "not measured"
    bound: str    # e.g. "at least 0.6"
    result: str   # e.g. "✓ pass" (the Checks table's mark)
    passed: bool  # e.g. True
    stated: str | None = None  # the bar card.yaml states for the same score, e.g. "card.yaml bar: at least 90%"


@dataclass
class Scorecard:
    """Everything the scorecard panel shows."""

    run_id: str                      # e.g. "20261122T035106Z-11c318"
    ended_at: str | None             # e.g. "2026-11-22T03:54:00Z" (provenance; None when not recorded)
    eval_set: str | None             # e.g. "test": the set the headline scores are measured on
    n_samples: int | None            # e.g. 32: how many items that set has
    headlines: list[Headline] = field(default_factory=list)  # e.g. [accuracy, F1 (macro)]
    gates: list[ScorecardGate] | None = None  # None: built without --policy (not checked)
    passed: bool | None = None       # e.g. False when any gate or completeness item fails; None: not checked
    checks_summary: str | None = None  # e.g. "7 of 8 gates pass, 1 fails; 22 of 22 completeness items pass"
    risks: list[str] = field(default_factory=list)  # the measured risks' sentences, as the risk list prints them
    outcomes: list[Outcome] = field(default_factory=list)  # each stated bar's verdict (the Decision's), first
    plans: list[str] = field(default_factory=list)          # e.g. ["About 229 test images would settle ..."]
    data: list[str] = field(default_factory=list)  # e.g. ["estimated label issues in test: 2 (5.7%, 95% CI ...)"]
