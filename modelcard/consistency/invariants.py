"""The invariants every set of card files must keep: one table row per invariant (docs generated).

`build` refuses to write a set of files that breaks one (exit 1, naming the invariant and both
places); `check` reports the same rows. Each row's function reads the card's claims (the
`Ledger`) and what every written file states (`stated.FileFacts`), and returns violations.
`python -m modelcard.consistency.doc` prints the table for the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..claims import Claim, Ledger
from ..claims.relations import AtMost, SumOf
from .stated import FileFacts, Stated


@dataclass(frozen=True)
class Violation:
    """One broken invariant: where, against what, and how."""

    invariant: str   # e.g. "identical-quantities"
    place: str       # e.g. "stamps.cdx.json: CycloneDX performanceMetrics: recall_macro on test"
    other: str       # e.g. "claim test.recall_macro"
    detail: str      # e.g. "[0.820, 0.999] against [0.822, 0.999]"

    def line(self) -> str:
        """e.g. "identical-quantities: stamps.cdx.json: recall_macro on test; claim test.recall_macro: [0.820,
        0.999] against [0.822, 0.999]": the invariant, then both places, then how they differ."""
        return f"{self.invariant}: {self.place}; {self.other}: {self.detail}"


@dataclass
class Evidence:
    """What the invariants read: the card's ledger and what each written file states (none for a ledger-only check)."""

    ledger: Ledger
    files: list[FileFacts] = field(default_factory=list)
    # Text that comes from the data or from people (class and group names, card.yaml): a class may be called
    # "None", a citation may hold braces; the leak scan ignores these, e.g. ("None", "@misc{x, title={Y}}")
    allowed: tuple[str, ...] = ()
    # The Decision's printed sentences (`Decision.printed`), which the machine formats carry word for word
    decision_texts: tuple[str, ...] = ()

    def model_card_files(self) -> list[FileFacts]:
        """The model card's Markdown and HTML (not the data card's)."""
        return [f for f in self.files if f.path.endswith((".md", ".html")) and not f.path.endswith((".data.md", ".data.html"))]


def _num(value) -> str:
    return "none" if value is None else f"{value:.6g}"


def _interval(low, high) -> str:
    return "no interval" if low is None or high is None else f"[{_num(low)}, {_num(high)}]"


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def _same_bounds(s, claim: Claim) -> bool:
    """The bounds a place states are the claim's (rounded as the place rounds them); a place with no field for an
    interval (`bounds=False`) states none."""
    if not s.bounds:
        return True
    if s.decimals is None or claim.ci_low is None or s.low is None:
        return _close(s.low, claim.ci_low) and _close(s.high, claim.ci_high)
    return (round(claim.ci_low, s.decimals), round(claim.ci_high, s.decimals)) == (round(s.low, s.decimals),
                                                                                   round(s.high, s.decimals))


def identical_quantities(e: Evidence) -> list[Violation]:
    """A score that is another by definition has its number; every file states each score as its claim does."""
    from ..card.intervals import method_label

    out = []
    for c in e.ledger:
        target = e.ledger.get(c.same_as) if c.same_as else None
        if target is not None and not c.same_number(target):
            out.append(Violation("identical-quantities", f"claim {c.key}", f"claim {target.key} (the same quantity)",
                                 f"{_num(c.value)} {_interval(c.ci_low, c.ci_high)} against {_num(target.value)} "
                                 f"{_interval(target.ci_low, target.ci_high)}"))
    index = {(c.slice, c.quantity): c for c in e.ledger if c.slice is not None}
    for f in e.files:
        for s in f.numbers:
            claim = index.get((s.slice, s.quantity))
            if claim is None:
                out.append(Violation("identical-quantities", f"{f.path}: {s.place}", "the card's claims",
                                     "states a number the card has no claim for"))
                continue
            if not (_close(s.value, claim.value) and _same_bounds(s, claim)):
                out.append(Violation("identical-quantities", f"{f.path}: {s.place}", f"claim {claim.key}",
                                     f"{_num(s.value)} {_interval(s.low, s.high)} against {_num(claim.value)} "
                                     f"{_interval(claim.ci_low, claim.ci_high)}"))
            elif s.method is not None and claim.interval is not None and s.method != method_label(claim.method):
                out.append(Violation("identical-quantities", f"{f.path}: {s.place}", f"claim {claim.key}",
                                     f"interval method {s.method!r} against {method_label(claim.method)!r}"))
    return out


def _by_unit(ledger: Ledger, unit: str) -> list[Claim]:
    return [c for c in ledger if c.unit == unit and c.value is not None and c.scope]


def one_scope(e: Evidence) -> list[Violation]:
    """Each figure has one scope, named the same everywhere, and its parts add up to the whole."""
    out = []
    for s in e.ledger.statements.values():
        if isinstance(s.relation, (SumOf, AtMost)) and not _holds(e.ledger, s.relation):
            out.append(Violation("one-scope", f"statement {s.key}", "its parts", s.relation.describe() + " does not hold"))
    for f in e.files:
        for label, (value, words) in f.scopes.items():
            matching = [c for c in _by_unit(e.ledger, "g CO2eq") if _close(round(c.value, 9), round(value, 9))
                        or abs(c.value - value) <= 1e-9 * max(1.0, abs(value))]
            if not matching:
                out.append(Violation("one-scope", f"{f.path}: {label}", "the card's CO2 claims",
                                     f"{_num(value)} g is no figure the card states"))
            elif not any(c.scope in words for c in matching):
                out.append(Violation("one-scope", f"{f.path}: {label}", f"claim {matching[0].key}",
                                     f"does not name its scope ({matching[0].scope!r})"))
    return out


#: Text that must never reach a reader: Python reprs and unrendered template markers.
#: (Human text from card.yaml may hold braces, as BibTeX does, or the word "None" in a sentence: the
#: patterns match only what a leaked value or an unrendered Jinja tag looks like.)
LEAKS = {"Python dict or list repr": re.compile(r"[{\[]'[^']*'(?::|,)"),
         "Python object repr": re.compile(r"<[A-Za-z_][\w.]* object at 0x"),
         "Python None as a value": re.compile(r"(?:[:=(\[|,]\s*)None(?=\s*(?:[,)\]|%]|$))", re.M),
         "NaN or infinity": re.compile(r"(?<![\w-])(?:nan|NaN|inf)(?![\w-])"),
         "template marker": re.compile(r"\{\{-? [\w.|()\"' ]+ -?\}\}|\{%-? ?(?:if|for|set|end\w+|else|elif|include|"
                                       r"call|macro)\b|\{#-? "),
         "placeholder": re.compile(r"\[More Information Needed\]")}


def no_leaks(e: Evidence) -> list[Violation]:
    """No Python repr, NaN or unrendered template marker in any file or claim text."""
    out = []
    texts = [(f.path, f.text) for f in e.files] + [(f"statement {s.key}", s.text) for s in e.ledger.statements.values()]
    allowed = sorted({a for a in e.allowed if a}, key=len, reverse=True)
    for place, text in texts:
        masked = text
        for a in allowed:  # same length, so a match points into the text as written
            masked = masked.replace(a, "_" * len(a))
        for what, pattern in LEAKS.items():
            found = pattern.search(masked)
            if found:
                start = max(found.start() - 40, 0)
                out.append(Violation("no-leaks", place, what, repr(text[start:found.end() + 40])))
    return out


GAP_LINE = re.compile(r"Not provided: add `([^`]+)`")


def checks_cover(e: Evidence) -> list[Violation]:
    """A checks verdict holds, and one that says nothing is missing is not beside a file that names a gap."""
    out = []
    for s in e.ledger.of_kind("checks"):
        if s.relation is not None and not _holds(e.ledger, s.relation):
            out.append(Violation("checks-cover", f"statement {s.key}", "the checks' own counts",
                                 s.relation.describe() + " does not hold"))
        if s.relation is None:  # a failing verdict claims nothing about what is missing
            continue
        named = {k for k in re.findall(r"`([^`]+)`", s.text.partition("not provided")[2])}
        for f in e.files:
            for key in dict.fromkeys(GAP_LINE.findall(f.text)):
                if key not in named:
                    out.append(Violation("checks-cover", f"{f.path}: gap line for `{key}`",
                                         f"statement {s.key} ({s.text!r})",
                                         "the verdict does not name this missing text"))
    return out


def comparisons_agree(e: Evidence) -> list[Violation]:
    """Every sentence that compares numbers (seeds, configurations, bars, intervals) says what they do."""
    out = []
    for s in e.ledger.statements.values():
        if s.kind in ("comparison", "risk") and s.relation is not None and not _holds(e.ledger, s.relation):
            out.append(Violation("comparisons-agree", f"statement {s.key} ({s.text!r})", "the claims it compares",
                                 s.relation.describe() + " does not hold"))
    return out


def same_risks(e: Evidence) -> list[Violation]:
    """Every format lists the card's measured risks, the same sentences by the same rule."""
    risks = [r.text for r in e.ledger.risks()]
    groups = [(r.subject, r.text) for r in e.ledger.risks() if r.subject]
    gaps = [r.text for r in e.ledger.risks() if r.rule == "slice gap"]
    out = []

    def differ(place: str, listed: list[str], expected: list[str]) -> None:
        if listed != expected:
            extra = [x for x in listed if x not in expected][:1] or ["(order)"]
            missing = [x for x in expected if x not in listed][:1]
            out.append(Violation("same-risks", place, "the card's risks",
                                 f"lists {len(listed)} against {len(expected)}; "
                                 + (f"missing {missing[0]!r}" if missing else f"extra {extra[0]!r}")))

    for f in e.files:
        if f in e.model_card_files():
            plain = f.path.endswith(".html")  # HTML shows `code` as <code>: compare without the backticks
            differ(f"{f.path}: Bias, Risks, and Limitations", _as_shown(f.risks or [], plain), _as_shown(risks, plain))
            if f.panel_risks is not None:
                differ(f"{f.path}: scorecard", _as_shown(f.panel_risks, plain), _as_shown(risks, plain))
        elif f.path.endswith((".mct.json", ".cdx.json")):
            missing = [r for r in risks if r not in (f.risks or [])]
            if missing:
                out.append(Violation("same-risks", f"{f.path}: limitations", "the card's risks",
                                     f"missing {missing[0]!r}"))
            if f.group_risks is not None and sorted(f.group_risks) != sorted(groups):
                out.append(Violation("same-risks", f"{f.path}: fairnessAssessments", "the card's group risks",
                                     f"{len(f.group_risks)} assessments against {len(groups)} risks naming a group"))
        elif f.path.endswith(".croissant.json"):
            missing = [g for g in gaps if g not in f.text]
            if missing:
                out.append(Violation("same-risks", f"{f.path}: rai:dataBiases", "the card's slice-gap risks",
                                     f"missing {missing[0]!r}"))
    return out


def same_decision(e: Evidence) -> list[Violation]:
    """Every format gives the same Decision: the cards print every verdict; MCT and CycloneDX carry exactly its
    sentences (`Decision.printed`), in order."""
    verdicts = [s.text for s in e.ledger.of_kind("verdict")]
    out = []
    for f in e.files:
        if f.decision is not None:
            if f.decision != list(e.decision_texts):
                missing = [t for t in e.decision_texts if t not in f.decision]
                extra = [t for t in f.decision if t not in e.decision_texts]
                out.append(Violation("same-decision", f"{f.path}: Decision", "the card's Decision",
                                     f"missing {missing[0]!r}" if missing else
                                     f"extra {extra[0]!r}" if extra else "the sentences in another order"))
        elif f in e.model_card_files():
            is_html = f.path.endswith(".html")
            missing = [t for t in verdicts if " ".join((t.replace("`", "") if is_html else t).split()) not in f.prose]
            if missing:
                out.append(Violation("same-decision", f"{f.path}: Decision", "the card's verdicts",
                                     f"missing {missing[0]!r}"))
    return out


def interval_or_reason(e: Evidence) -> list[Violation]:
    """Every score has an interval, or the card says why not (the Metrics paragraph lists the reasons)."""
    return [Violation("interval-or-reason", f"claim {c.key}", "the card's promise of an interval for every score",
                      f"{_num(c.value)} has no interval and no stated reason")
            for c in e.ledger.scores_without_interval() if not c.no_interval]


def _as_shown(texts: list[str], html: bool) -> list[str]:
    """Sentences as a format shows them: HTML renders `code` spans without their backticks."""
    return [t.replace("`", "") for t in texts] if html else list(texts)


def _holds(ledger: Ledger, relation) -> bool:
    try:
        return relation.holds(ledger.claim)
    except (KeyError, ValueError):
        return False


@dataclass(frozen=True)
class Invariant:
    """One row: its name, what it asserts, and the function that finds its violations."""

    name: str                                        # e.g. "identical-quantities"
    asserts: str                                     # one sentence for the README
    find: Callable[[Evidence], list[Violation]]


INVARIANTS = (
    Invariant("identical-quantities", "A quantity has one value and one interval everywhere: a score that is another "
              "by definition (weighted recall is accuracy) is printed with that score's number, and every file "
              "states each score as the card's claim does (value, bounds and interval method).", identical_quantities),
    Invariant("one-scope", "Each figure has one scope, named the same in every format (training CO2 is training CO2 "
              "everywhere), and its parts add up: phases to the run, durations within the run's wall time, images "
              "per split to the data set.", one_scope),
    Invariant("no-leaks", "No Python repr, NaN or unrendered template marker appears in any file.", no_leaks),
    Invariant("checks-cover", "A checks verdict covers what it says: its counts hold, and \"all pass\" never sits "
              "beside a file that names missing human text.", checks_cover),
    Invariant("comparisons-agree", "Every sentence that compares numbers (best seed, a bar, an interval excluding 0, "
              "one interval below another) agrees with the numbers it compares.", comparisons_agree),
    Invariant("same-decision", "Every format gives the same Decision: the Markdown and HTML cards print every verdict, "
              "and the MCT JSON (limitations) and the CycloneDX BOM (properties) carry exactly its sentences.",
              same_decision),
    Invariant("interval-or-reason", "Every score comes with its interval, or with the reason it has none, which the "
              "Metrics paragraph lists (one training run per seed; a record made before intervals were recorded).",
              interval_or_reason),
    Invariant("same-risks", "Every format lists the same measured risks, found by the same rules: the Markdown and "
              "HTML lists and the HTML scorecard exactly, MCT and CycloneDX among their limitations, CycloneDX's "
              "fairness assessments exactly the risks that name a group, Croissant every slice gap.", same_risks),
)


def violations(evidence: Evidence) -> list[Violation]:
    """Every violation of every invariant, in table order."""
    return [v for inv in INVARIANTS for v in inv.find(evidence)]
