"""Is a stated bar met? Fixed rules over every estimate the run has (issue 25); the README lists them.

A bar is a number a score must reach (`AT_LEAST`, e.g. accuracy 90%) or stay under (`AT_MOST`, e.g. ECE
0.3), stated in card.yaml (`accuracy_bar`, `class_recall_bar`, `group_accuracy_bar`) or by a policy
gate on an interval (`accuracy.ci_low >= 0.9`). Its verdict is read from the test set's interval:
- met: the interval lies wholly on the right side of the bar;
- not met: wholly on the wrong side;
- not established: the interval holds the bar.
Every other estimate of the same quantity is weighed too (the cross-validated estimate of the same
recipe, each extra evaluation set; for accuracy, the seeds and the fold accuracies): a "met" whose
other estimate lies wholly on the wrong side becomes "not established", and the card says which
estimate disagrees. Each verdict is a `Statement` whose relation the consistency check recomputes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...claims import Claim, Statement
from ...claims.relations import ABOVE, BELOW, AllOf, Rank, Versus, interval_versus
from ...analysis.sample_size import n_to_settle
from .. import formatting as fmt
from .summary import percent, percent_pair

AT_LEAST, AT_MOST = "at least", "at most"
MET, NOT_MET, NOT_ESTABLISHED = "met", "not met", "not established"
#: Where an interval must lie for each outcome, by direction.
GOOD = {AT_LEAST: ABOVE, AT_MOST: BELOW}
BAD = {AT_LEAST: BELOW, AT_MOST: ABOVE}


@dataclass(frozen=True)
class Bar:
    """A number a score must reach or stay under, and where it was stated."""

    key: str                  # unique, e.g. "accuracy" or "class_recall.vegetables"
    claim: str                # the test set's claim it is read from, e.g. "test.accuracy"
    what: str                 # the score in words, e.g. "accuracy" or "the recall of vegetables"
    value: float              # e.g. 0.9
    direction: str            # AT_LEAST | AT_MOST
    source: str               # e.g. "card.yaml `accuracy_bar`" or "policy gate `accuracy.ci_low >= 0.6`"
    others: tuple[tuple[str, str], ...] = ()  # (claim key, its words) of other estimates, e.g. (("cv.accuracy", "..."),)
    folds: tuple[str, ...] = ()   # the fold scores' claim keys (accuracy with --cv), e.g. ("cv.fold.0.accuracy", ...)
    seeds: tuple[str, ...] = ()   # each seed's test score, e.g. ("seeds.0.accuracy", ...)


@dataclass
class Verdict:
    """A bar's outcome, its sentence and how many test images would settle it."""

    bar: Bar
    outcome: str                          # MET | NOT_MET | NOT_ESTABLISHED
    statement: Statement                  # kind "verdict": the sentence every format prints
    plan: Statement | None = None         # e.g. "About 229 test images would settle it ..."
    disagreeing: list[str] = field(default_factory=list)  # the other estimates on the wrong side, in words


def _pct(value: float) -> str:
    return percent(value) or "–"


def _shown(value: float, unit: str) -> str:
    """A share as a percentage (as the summary prints it), any other score as the tables print it."""
    return _pct(value) if unit == "share" else fmt.num(value)


def _interval(c: Claim) -> str:
    if c.unit != "share":
        return f"{fmt.num(c.value)} (95% CI {fmt.num(c.ci_low)} to {fmt.num(c.ci_high)})"
    low, high = percent_pair(c.ci_low, c.ci_high)
    return f"{_pct(c.value)} (95% CI {low} to {high})"


def _bar_words(bar: Bar, unit: str) -> str:
    return f"{bar.what} {bar.direction} {_shown(bar.value, unit)} ({bar.source})"


def judge(bar: Bar, get, n_test: int | None) -> Verdict | None:
    """The verdict of `bar` from the claims (`get(key) -> Claim | None`); None when the test set has no interval."""
    test = get(bar.claim)
    if test is None or test.interval is None or test.value is None:
        return None
    where = interval_versus(test, bar.value)
    outcome = MET if where == GOOD[bar.direction] else NOT_MET if where == BAD[bar.direction] else NOT_ESTABLISHED
    relations = [Versus(test.key, bar.value, where)]
    wrong, notes = [], []
    for key, words in bar.others:
        other = get(key)
        if other is None or other.interval is None or other.value is None:
            continue
        side = interval_versus(other, bar.value)
        relations.append(Versus(key, bar.value, side))
        if side == BAD[bar.direction]:
            wrong.append(f"{words}, {_interval(other)}, lies wholly {'below' if side == BELOW else 'above'} it")
    if outcome == MET and wrong:
        outcome = NOT_ESTABLISHED
    test_words = (f"the test set's {_interval(test)} on {test.n} images"
                  if test.n else f"the test set's {_interval(test)}")
    position = {ABOVE: "lies wholly above the bar", BELOW: "lies wholly below the bar",
                "straddles": "holds the bar inside its interval"}[where]
    parts = [f"{test_words[0].upper()}{test_words[1:]} {position}"]
    if wrong:
        parts.append("but " + "; ".join(wrong) if where == GOOD[bar.direction] else "and " + "; ".join(wrong))
    notes += _folds(bar, test, get, relations) + _seeds(bar, get)
    words = _bar_words(bar, test.unit)
    text = f"{words[0].upper()}{words[1:]}: {outcome}. " + ", ".join(parts) + "." + "".join(f" {n}" for n in notes)
    statement = Statement(f"verdict.{bar.key}", "verdict", text, AllOf(tuple(relations)))
    return Verdict(bar=bar, outcome=outcome, statement=statement, plan=_plan(bar, test, outcome, n_test),
                   disagreeing=wrong)


def _folds(bar: Bar, test: Claim, get, relations: list) -> list[str]:
    """When the test score lies above (or below) every fold of the cross-validation, a note that says so."""
    folds = [c for c in (get(k) for k in bar.folds) if c is not None and c.value is not None]
    if len(folds) < 2:
        return []
    low, high = percent_pair(min(f.value for f in folds), max(f.value for f in folds))
    above = all(test.value > f.value for f in folds)
    if not above and not all(test.value < f.value for f in folds):
        return []
    relations.append(Rank(test.key, (test.key, *(f.key for f in folds)), 1 if above else len(folds) + 1))
    cv_n = max((c.n for c in (get(k) for k, _ in bar.others if k.startswith("cv.")) if c is not None and c.n),
               default=0)
    small = (f"The test set is small ({test.n} images, against {cv_n} in the cross-validation) and its estimate"
             if test.n and test.n < cv_n else "The test estimate")
    return [f"{small} sits {'above' if above else 'below'} all {len(folds)} folds of the cross-validation "
            f"({low} to {high}), so it may be a {'lucky' if above else 'unlucky'} draw."]


def _seeds(bar: Bar, get) -> list[str]:
    """How many of the retrained seeds' test scores fall on the wrong side of the bar."""
    seeds = [c for c in (get(k) for k in bar.seeds) if c is not None and c.value is not None]
    if len(seeds) < 2:
        return []
    wrong = [c for c in seeds if (c.value < bar.value if bar.direction == AT_LEAST else c.value > bar.value)]
    low, high = percent_pair(min(c.value for c in seeds), max(c.value for c in seeds))
    return [f"Retrained with {len(seeds)} seeds, the test score ranged from {low} to {high}; {len(wrong)} of the "
            f"{len(seeds)} seeds fall {'below' if bar.direction == AT_LEAST else 'above'} the bar."]


def _plan(bar: Bar, test: Claim, outcome: str, n_test: int | None) -> Statement | None:
    """How many test images would settle a bar not established, at the observed rate."""
    if outcome != NOT_ESTABLISHED or test.unit != "share" or not 0 < bar.value < 1:
        return None
    needed = n_to_settle(float(test.value), bar.value, test.interval.level or 0.95)
    if needed is None:
        return Statement(f"plan.{bar.key}", "plan", f"No test size settles {bar.what} against {_pct(bar.value)}: "
                         "the observed rate is the bar itself.")
    have = f" (this one has {test.n})" if test.n else ""
    return Statement(f"plan.{bar.key}", "plan",
                     f"About {needed:,} test images would settle {bar.what} against {_pct(bar.value)}{have}, if "
                     f"{_pct(test.value)} of them were right as here: the Wilson interval would then lie wholly "
                     f"{'above' if test.value > bar.value else 'below'} the bar. At that rate it is an even chance; "
                     "a true rate nearer the bar needs more.")
