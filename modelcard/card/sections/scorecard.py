"""The scorecard: the verdict at a glance, before Model Details (a panel in HTML; in Markdown, the
policy gates as a compact table under the plain-words summary).

Built by `scorecard(card)` from the assembled card, after `build` has attached the Checks
subsection (`card.checks`, with `--policy`) and the data card (`card.data_card`). It states no
fact of its own: each entry is derived from a fact the card already holds, by the function
that derives it for the summary or the sections below:

- headline: the headline set (`summary.headline_set`, the set `meta.json`'s headline speaks of)
  with its accuracy and macro F1, each printed as the tables print it, with its interval, the
  interval's method, and the geometry of the bar drawn for it (`IntervalBar`);
- gates: the rows of `card.checks.gates` (None without `--policy`: the card was not checked);
- risks: the card's measured risks (`risk_rules.RULES`), the same statements, in the same order,
  as the risk list under Bias, Risks, and Limitations;
- the run id and the run's end (`provenance.ended_at`);
- the data card's verdict: its estimated label-issue rates (`DataCard.issue_lines`) and
  image-quality flags (`DataCard.quality_flags`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import formatting as fmt
from ..intervals import method_label
from ..parts import EvalSetResults, Metric
from ..section_spec import SectionSpec
from .checks import PASS
from .scorecard_parts import ScorecardGate, Headline, IntervalBar, Outcome, Scorecard
from .verdict import MET, NOT_ESTABLISHED, NOT_MET
from .summary import headline_set, percent

if TYPE_CHECKING:  # the card and its draft take their fields from the registry, which imports this module
    from ..draft import Parts
    from ..model import Card

HEADLINE_METRICS = ("accuracy", "f1_macro")  # the headline scores, in panel order
BAR_WIDTH = 200                              # the bar's length in SVG user units: a score of 1.0


def interval_bar(m: Metric) -> IntervalBar | None:
    """The bar of a score in 0..1: its interval as a band, its value as a tick; None without an
    interval or off the 0..1 scale (a percentile bootstrap's value may lie outside its interval: still drawn)."""
    if m.value is None or m.ci_low is None or m.ci_high is None:
        return None
    if not (0 <= m.ci_low <= m.ci_high <= 1 and 0 <= m.value <= 1):
        return None
    def at(v: float) -> str:
        return f"{v * BAR_WIDTH:.1f}"
    return IntervalBar(x=at(m.ci_low), width=f"{(m.ci_high - m.ci_low) * BAR_WIDTH:.1f}", value_x=at(m.value))


def headlines(ev: EvalSetResults, names: dict[str, str]) -> list[Headline]:
    conf = ev.bootstrap.confidence if ev.bootstrap is not None else None
    level = f"{percent(conf)} CI" if isinstance(conf, (int, float)) and not isinstance(conf, bool) else "CI"
    rows = []
    for key in HEADLINE_METRICS:
        m = ev.metrics.get(key)
        if m is None or m.value is None:
            continue
        interval = fmt.ci(m) if m.ci_low is not None and m.ci_high is not None else None
        method = ev.intervals.metrics.get(key) if interval and ev.intervals is not None else None
        rows.append(Headline(metric=key, label=names.get(key, key), value=fmt.num(m.value), interval=interval,
                             level=level, method=method_label(method) if method else None, bar=interval_bar(m)))
    return rows


def data_verdict(card: Card) -> list[str]:
    """The data card's verdict: estimated label-issue rates per split, then image-quality flags."""
    dc = card.data_card
    if dc is None:
        return []
    flags = dc.quality_flags()
    return dc.issue_lines() + ([flags] if flags else [])


def scorecard(card: Card | Parts) -> Scorecard:
    """The panel of `card` (an assembled Card, or its Parts with the checks and the data card set)."""
    ev = headline_set(card.evaluation)
    checks = card.checks
    decision = card.decision
    stated = _stated_bars(decision)
    gates = None if checks is None else [ScorecardGate(g.check, g.value, g.bound, g.result, g.result == PASS,
                                              stated.get(g.check.split(" (")[0].split(".")[0]))
                                         for g in checks.gates]
    return Scorecard(
        run_id=card.details.run_id, ended_at=(card.specs.provenance or {}).get("ended_at"),
        eval_set=ev.name if ev else None, n_samples=ev.n_samples if ev else None,
        headlines=headlines(ev, card.evaluation.metric_names) if ev else [],
        gates=gates, passed=checks.passed if checks else None, checks_summary=checks.verdict if checks else None,
        risks=[r.text for r in card.risks.measured], data=data_verdict(card),
        outcomes=[Outcome(v.outcome, v.statement.text.split(": ")[0], BADGES[v.outcome])
                  for v in (decision.verdicts if decision else [])],
        plans=[p.text for p in (decision.plans if decision else [])])


#: The badge of each verdict.
BADGES = {MET: "badge-pass", NOT_MET: "badge-fail", NOT_ESTABLISHED: "badge-open"}


def _stated_bars(decision) -> dict[str, str]:
    """The card.yaml bar beside each gate on the same score, e.g. {"accuracy": "card.yaml bar: at least 90%"}."""
    out = {}
    for v in (decision.verdicts if decision else []):
        if v.bar.source.startswith("card.yaml") and v.bar.claim.count(".") == 1:
            out[v.bar.claim.split(".", 1)[1]] = f"card.yaml bar: {v.bar.direction} {percent(v.bar.value)}"
    return out


SECTION = SectionSpec("scorecard", order=30, build=lambda x: scorecard(x.parts), attr="scorecard", part=Scorecard, final=True,
                  needs=("details", "evaluation", "risks", "specs", "checks", "data_card", "decision"))
