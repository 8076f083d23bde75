"""Decision: what a reviewer needs to sign, in one place under the summary and the scorecard (issue 25).

- the verdict of every stated bar (`verdict.py`): card.yaml's `accuracy_bar`, `class_recall_bar`
  and `group_accuracy_bar`, and the policy's gates on an interval (e.g. `accuracy.ci_low >= 0.9`);
- how many test images would settle each bar not established, and how many test images of the
  weakest class would pin its recall to +-10 points;
- the known failure cases: classes whose recall interval lies wholly below the accuracy interval,
  on test or in cross-validation (which often shows weak classes a small test set cannot), and the
  groups of a slice gap that is a risk;
- what was never measured, and the sign-off fields of card.yaml (`approved_by`, `approval_date`,
  `intended_users`), each named as missing when absent.
Every sentence is a `Statement`; the Markdown, HTML, MCT JSON (considerations) and CycloneDX BOM
(properties) print these, and the summary opens with the accuracy verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...analysis.sample_size import n_for_half_width
from ...claims import Statement
from ...claims.relations import ABOVE, AllOf, Below, Versus
from .. import formatting as fmt
from ..intervals import METRIC_NAMES
from .checks import BOUND_WORDS
from ..section_spec import SectionSpec
from .evaluation import evaluation_claims
from .summary import never_measured, percent, weakest_class_row
from .verdict import AT_LEAST, AT_MOST, MET, NOT_ESTABLISHED, NOT_MET, Bar, Verdict, judge

#: The half width the weakest class's recall is planned to (points of recall).
CLASS_HALF_WIDTH = 0.10
#: card.yaml's sign-off keys and how the Decision names them.
SIGN_OFF = (("approved_by", "Approved by"), ("approval_date", "Approval date"), ("intended_users", "Intended users"))


@dataclass
class Decision:
    """The Decision subsection: verdicts, plans, failure cases, what was never measured, sign-off."""

    verdicts: list[Verdict] = field(default_factory=list)      # one per bar, e.g. accuracy's
    lines: list[Statement] = field(default_factory=list)       # the verdict sentences as printed (classes grouped)
    plans: list[Statement] = field(default_factory=list)       # e.g. "About 229 test images would settle ..."
    failures: list[Statement] = field(default_factory=list)    # known failure cases
    never_measured: str | None = None                          # e.g. "Never measured: how well it works on ..."
    sign_off: list[tuple[str, str]] = field(default_factory=list)  # (label, value or "not provided: add `key` ...")
    intended_users: str | None = None                          # card.yaml's, e.g. "Radiologists reviewing ..."

    @property
    def blocking(self) -> list[Verdict]:
        """The verdicts a sign-off cannot pass over: bars not met or not established."""
        return [v for v in self.verdicts if v.outcome != MET]

    def printed(self) -> list[str]:
        """Every sentence the Decision prints, in order: verdicts, plans, failure cases, never measured, sign-off
        (MCT JSON and CycloneDX carry these same sentences)."""
        texts = [s.text for s in self.lines + self.plans + self.failures]
        texts += [self.never_measured] if self.never_measured else []
        return texts + [f"{label}: {value}" for label, value in self.sign_off]

    def statements(self) -> list[Statement]:
        """Its own statements (the failure cases that are measured risks belong to the risks section)."""
        parts = [v.statement for v in self.verdicts] + self.lines + self.plans + self.failures
        return list({s.key: s for s in parts if s.kind != "risk"}.values())


def _gate_bars(policy) -> list[Bar]:
    """Bars from the policy's gates on a score of the test set that has an interval, whichever end or the point
    estimate they bound (the verdict reads the interval); a gate on a fact without one (emissions, file size)
    or on the interval's near end (`accuracy.ci_high >= 0.9`) is a gate, not a bar."""
    bars = []
    for gate in (policy.gates if policy is not None else []):
        name, part = gate.metric, gate.metric.part
        if part is None or (gate.op in (">=", ">") and part == "ci_high") or (gate.op in ("<=", "<") and part == "ci_low"):
            continue
        direction = AT_LEAST if gate.op in (">=", ">") else AT_MOST
        pattern, values = name.row.pattern, name.values
        source = f"policy gate `{name.name}` {BOUND_WORDS[gate.op]} {gate.bound:g}"
        if pattern == "<metric>":
            words = METRIC_NAMES.get(values["metric"], values["metric"]).removesuffix(" (lower is better)")
            bars.append(Bar(f"gate.{gate.text}", f"test.{values['metric']}", words, gate.bound, direction, source))
        elif pattern == "per_class.<class>.<pc_metric>":
            bars.append(Bar(f"gate.{gate.text}", f"test.class.{values['class']}.{values['pc_metric']}",
                            f"the {values['pc_metric']} of {values['class']}", gate.bound, direction, source))
    return bars


def bars_of(info, policy, evaluation) -> list[Bar]:
    """Every stated bar: card.yaml's, then the policy's."""
    test = next((ev for ev in evaluation.sets if ev.name == "test"), None)
    if test is None:
        return []
    extra = [ev for ev in evaluation.sets if ev is not test]
    cv = evaluation.seeds_cv.cv if evaluation.seeds_cv is not None else None
    seeds = evaluation.seeds_cv.seeds if evaluation.seeds_cv is not None else None
    bars = []
    if info.accuracy_bar is not None:
        others = ([("cv.accuracy", "the cross-validated estimate of the same recipe")] if cv is not None else [])
        others += [(f"{ev.name}.accuracy", f"the `{ev.name}` set's estimate") for ev in extra]
        bars.append(Bar("accuracy", "test.accuracy", "accuracy", info.accuracy_bar, AT_LEAST,
                        "card.yaml `accuracy_bar`", tuple(others),
                        folds=tuple(c.key for c in (cv.claims if cv else []) if c.key.startswith("cv.fold.")),
                        seeds=tuple(c.key for c in (seeds.claims if seeds else []) if c.key.endswith(".accuracy"))))
    recall_bar = info.class_recall_bar
    for p in test.per_class:
        value = recall_bar.get(p.class_name) if isinstance(recall_bar, dict) else recall_bar
        if value is None:
            continue
        others = ((f"cv.class.{p.class_name}.recall", "its cross-validated recall"),) if cv is not None else ()
        bars.append(Bar(f"class_recall.{p.class_name}", p.recall.key, f"the recall of {p.class_name}", value, AT_LEAST,
                        "card.yaml `class_recall_bar`", others))
    if info.group_accuracy_bar is not None:
        bars += [Bar(f"group_accuracy.{s.column}.{g.group}", g.accuracy.key, f"the accuracy of `{s.column}` {g.group}",
                     info.group_accuracy_bar, AT_LEAST, "card.yaml `group_accuracy_bar`")
                 for s in test.slices for g in s.groups]
    return _merged(bars + _gate_bars(policy))


def _merged(bars: list[Bar]) -> list[Bar]:
    """One bar per score, value and direction: a policy gate that states card.yaml's bar again joins it (its
    source names both), so the same question gets one verdict."""
    out: dict[tuple, Bar] = {}
    for bar in bars:
        same = (bar.claim, bar.value, bar.direction)
        if same in out:
            first = out[same]
            out[same] = replace(first, source=f"{first.source}; {bar.source}")
        else:
            out[same] = bar
    return list(out.values())


def _grouped(verdicts: list[Verdict], prefix: str, words: str) -> list[Statement]:
    """Many bars of one kind (every class, every group) as one sentence per outcome, with their relations."""
    mine = [v for v in verdicts if v.bar.key.startswith(prefix)]
    if len(mine) < 2:
        return [v.statement for v in mine]
    for v in mine:  # printed grouped: each bar's own sentence is a part of the grouped one
        v.statement = replace(v.statement, kind="verdict-part")
    out = []
    for outcome in (NOT_MET, NOT_ESTABLISHED, MET):
        these = [v for v in mine if v.outcome == outcome]
        if these:
            names = ", ".join(v.bar.what.split(" of ", 1)[-1] for v in these)
            out.append(Statement(f"verdict.{prefix}{outcome.replace(' ', '_')}", "verdict",
                                 f"{words} ({these[0].bar.source}): {outcome} for {len(these)} of {len(mine)} "
                                 f"({names}).", AllOf(tuple(r for v in these for r in v.statement.relation.relations))))
    return out


def _class_plan(test) -> Statement | None:
    """How many test images of the weakest class would pin its recall to +-10 points."""
    worst = weakest_class_row(test)
    if worst is None or worst.recall.value is None:
        return None
    needed = n_for_half_width(float(worst.recall.value), CLASS_HALF_WIDTH)
    if needed is None:
        return None
    return Statement("plan.weakest_class", "plan",
                     f"To know the recall of {worst.class_name} within ±{CLASS_HALF_WIDTH * 100:.0f} points you need about "
                     f"{needed:,} test images of it at its observed recall, {percent(worst.recall.value)} (it has "
                     f"{fmt.count(worst.support)}).")


def _failures(evaluation, risks) -> list[Statement]:
    """Classes weak on test (the risk rule) or in cross-validation, and the groups of slice-gap risks."""
    found = [r for r in risks.measured if r.rule in ("weak class", "slice gap")]
    cv = evaluation.seeds_cv.cv if evaluation.seeds_cv is not None else None
    overall = next((c for c in (cv.claims if cv else []) if c.key == "cv.accuracy"), None)
    if overall is None or overall.interval is None:
        return found
    classes = [c for c in cv.claims if c.key.startswith("cv.class.") and c.value is not None]
    for c in classes:
        if c.interval is not None and c.interval.high < overall.interval.low:
            found.append(Statement(f"failure.cv.{c.key}", "comparison",
                                   f"In cross-validation, {_class(c)} is recognised less often than the recipe is right "
                                   f"overall: recall {fmt.metric(c)} on {fmt.count(c.n)} train+val images, wholly "
                                   f"below the cross-validated accuracy {fmt.ci(overall)}.", Below(c.key, overall.key)))
    low = [c for c in classes if c.value < overall.interval.low and not (c.interval and c.interval.high < overall.interval.low)]
    if low:  # low, but their own intervals (the folds disagree) cannot call them failures
        listed = ", ".join(f"{_class(c)} ({percent(c.value)} of {fmt.count(c.n)})" for c in low)
        found.append(Statement("failure.cv.low", "comparison",
                               f"In cross-validation, {listed} {'was' if len(low) == 1 else 'were'} recognised less "
                               f"often than the low end of the recipe's accuracy interval, {percent(overall.ci_low)}; "
                               f"{'its interval is' if len(low) == 1 else 'their intervals are'} too wide (the folds "
                               "disagree) to call this a failure with 95% confidence, so review "
                               f"{'it' if len(low) == 1 else 'them'} first.",
                               AllOf(tuple(Versus(overall.key, c.value, ABOVE) for c in low))))
    return found


def _class(c) -> str:
    """The class a `cv.class.<name>.recall` claim is about."""
    return c.key[len("cv.class."):-len(".recall")]


def decision(record, info, policy, evaluation, risks, claims_of_parts, unit: str = "images") -> Decision:
    """The Decision subsection of a card (`claims_of_parts(key) -> Claim | None` reads the claims built so far)."""
    test = next((ev for ev in evaluation.sets if ev.name == "test"), None)
    verdicts = [v for bar in bars_of(info, policy, evaluation)
                if (v := judge(bar, claims_of_parts, test.n_samples if test else None)) is not None]
    lines = ([v.statement for v in verdicts if not v.bar.key.startswith(("class_recall.", "group_accuracy."))]
             + _grouped(verdicts, "class_recall.", "Recall per class")
             + _grouped(verdicts, "group_accuracy.", "Accuracy per group"))
    plans = [v.plan for v in verdicts if v.plan is not None and not v.bar.key.startswith("group_accuracy.")]
    weakest = _class_plan(test) if test is not None else None
    sign_off = [(label, getattr(info, key) or f"not provided: add `{key}` to card.yaml") for key, label in SIGN_OFF]
    return Decision(verdicts=verdicts, lines=lines, plans=plans + ([weakest] if weakest else []),
                    failures=_failures(evaluation, risks), never_measured=never_measured(evaluation, unit),
                    sign_off=sign_off, intended_users=info.intended_users)


def _build(x):
    parts = x.parts
    index = {c.key: c for c in evaluation_claims(parts) if hasattr(c, "interval")}
    return decision(x.record, x.info, x.policy, parts.evaluation, parts.risks, index.get, parts.unit)


SECTION = SectionSpec("decision", order=35, build=_build, attr="decision", part=Decision, needs=("evaluation", "risks"),
                  claims=lambda c: c.decision.statements() if c.decision is not None else [])
