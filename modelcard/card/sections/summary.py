"""The summary in plain words at the top of every card, written by rules from the run record.

No language model: each sentence below comes from one fact of the record (or `card.yaml`'s
`accuracy_bar`), by one function, and a missing fact leaves its sentence out. Only `value`,
`ci_low` and `ci_high` of a metric are read (any may be None: an undefined metric or a missing
interval drops the sentence or its interval), never how the interval was computed.

Numbers are written exactly as the tables below print them: a share is the table's 3-decimal
figure times 100 with trailing zeros dropped (0.938 -> "93.8%", 1.000 -> "100%"); counts as
the tables print them; other scores (ECE) in the table's own form, "0.157 [0.115, 0.241]".

An interval's two ends share one precision ("80.0% to 88.6%", not "80% to 88.6%"). Cards of
`modelcard record` runs say "samples", not "images": the tool never saw what was predicted.

The rules (each a function here):
- `worse_sets`, said first: every extra evaluation set whose accuracy interval lies wholly below
  the first set's interval (as printed), e.g. an inverted-image set the model fails on.
- `identity`: what the model is and how many classes it has (the Testing Data table).
- `accuracy`: how often it is right on the first evaluation set, with its interval ("held-out"
  only for the test split that training made; `record`/`evaluate` runs cannot know that).
- `weakest_class`: the class with the lowest recall (share of its images recognised); ties go
  to the class with more images, then by name. All classes equal: said so instead.
- `weakest_group`: over every slice attribute, the group with the lowest accuracy (ties: more
  images, then attribute and group name), with its count and "too few images to judge" when
  the record marks it unreliable; tercile bins ("1 low") read as "low (bin 1 of 3)".
- `calibration`: the set's calibration statement (`sections/calibration.py`): which way the
  mean stated confidence is off from accuracy, and whether it lies outside the accuracy's
  interval (the same sentence is a measured risk when it does).
- `bar`: with `accuracy_bar` in card.yaml, whether the accuracy interval lies above the bar,
  below it, or around it (then the test set is too small to separate the model from the bar).
  Without a bar: an interval wider than `WIDE_INTERVAL` (10 percentage points, by the printed
  figures) means the test set cannot tell this model apart from one that is right only
  `ci_low` of the time.
- `seeds_and_cv`: with `--seeds`, the test accuracy range over the
  seeds; with `--cv`, the recipe's cross-validated accuracy on n train+val images with its
  interval, while the test split measures the shipped model.
- `never_measured`: no extra evaluation set; no groups at all; groups only by image properties
  (`IMAGE_PROPERTY_SLICES`, the attributes training derives from the image files), so none
  about people; no calibration result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .. import formatting as fmt
from ..info import CardInfo
from ..parts import EvalSetResults, EvaluationResults, Metric, ModelDetails, PerClass, SliceTable, SliceRow
from ..section_spec import SectionSpec

WIDE_INTERVAL = Decimal("0.10")  # wider than this (printed ci_high - ci_low): too small to pin accuracy down
# Slice attributes computed from the image files themselves (training/measure/evaluation.py), never about people.
IMAGE_PROPERTY_SLICES = ("orientation", "resolution")
# The tercile bins training labels pixel-statistic slices with (training/measure/pixel_slices.py TERCILE_LABELS), as words.
TERCILE_WORDS = {"1 low": "low (bin 1 of 3)", "2 mid": "in the middle (bin 2 of 3)", "3 high": "high (bin 3 of 3)"}


@dataclass
class Summary:
    """The plain-words paragraph, one sentence per fact, and the bar it compares against."""

    sentences: list[str] = field(default_factory=list)  # e.g. ["On 32 held-out test images it was right 93.8% of the time ..."]
    accuracy_bar: str | None = None                     # e.g. "90%" (card.yaml `accuracy_bar`, as printed)


def percent(value: float | None) -> str | None:
    """A share as the tables print it, in percent: 0.9375 -> table "0.938" -> "93.8%"."""
    if value is None:
        return None
    shown = Decimal(fmt.num(float(value))) * 100
    return f"{shown.normalize():f}%"


def percent_pair(low: float, high: float) -> tuple[str, str]:
    """Both ends of an interval as `percent` prints them, at one precision: (0.8, 0.886) -> ("80.0%", "88.6%")."""
    shown = [Decimal(fmt.num(float(v))) * 100 for v in (low, high)]
    places = max(max(-d.normalize().as_tuple().exponent, 0) for d in shown)
    return tuple(f"{d:.{places}f}%" for d in shown)


def _interval(m: Metric, level: str) -> str:
    """" (95% CI 84.4% to 100.0%)" or "" when the interval is missing."""
    if m.ci_low is None or m.ci_high is None:
        return ""
    low, high = percent_pair(m.ci_low, m.ci_high)
    return f" ({level}CI {low} to {high})"


def _level(ev: EvalSetResults) -> str:
    """"95% " from the record's confidence level, or "" when the record does not state it."""
    conf = getattr(getattr(ev, "bootstrap", None), "confidence", None)
    return f"{percent(conf)} " if isinstance(conf, (int, float)) and not isinstance(conf, bool) else ""


def _images(ev: EvalSetResults, held_out: bool, unit: str = "images") -> str:
    """"held-out test images" only for a test split this tool made (training); else what the record says."""
    if ev.name != "test":
        return f"{unit} of the `{ev.name}` evaluation set"
    return f"held-out test {unit}" if held_out else f"test {unit}"


def identity(details: ModelDetails) -> str:
    n = fmt.count(len(details.class_names))
    if details.external_model:  # `modelcard record`: only predictions, from a model this tool never saw
        return (f"{details.name} is a classifier that sorts samples into {n} classes; this card documents its "
                "predictions, recorded with `modelcard record`.")
    return f"{details.name} is an image classifier that sorts images into {n} classes."


def accuracy(ev: EvalSetResults, held_out: bool = True, unit: str = "images") -> str | None:
    m = ev.metrics.get("accuracy")
    if m is None or m.value is None:
        return None
    return (f"On {fmt.count(ev.n_samples)} {_images(ev, held_out, unit)} it was right {percent(m.value)} of the time"
            f"{_interval(m, _level(ev))}.")


def worse_sets(evaluation: EvaluationResults, unit: str = "images") -> str | None:
    """Extra evaluation sets whose accuracy interval lies wholly below the first set's (as printed)."""
    if len(evaluation.sets) < 2:
        return None
    first = evaluation.sets[0]
    ref = first.metrics.get("accuracy")
    if ref is None or ref.value is None or ref.ci_low is None:
        return None
    worse = []
    for ev in evaluation.sets[1:]:
        m = ev.metrics.get("accuracy")
        if m is not None and m.value is not None and m.ci_high is not None and \
                Decimal(fmt.num(m.ci_high)) < Decimal(fmt.num(ref.ci_low)):
            worse.append(f"{percent(m.value)} of the time on the {fmt.count(ev.n_samples)} {unit} of the `{ev.name}` "
                         f"evaluation set{_interval(m, _level(ev))}")
    if not worse:
        return None
    which = "that set" if len(worse) == 1 else "those sets"
    return (f"It does clearly worse away from its {first.name} set: it was right only " + "; ".join(worse)
            + f", against {percent(ref.value)} on the {first.name} set{_interval(ref, _level(first))}, and the "
            f"intervals do not overlap, so expect it to fail on data like {which}.")


def weakest_class_row(ev: EvalSetResults) -> PerClass | None:
    """The class with the lowest recall (ties: more images, then name); None with fewer than two
    measured classes or when every class prints the same recall (no class is weakest)."""
    rows = [p for p in ev.per_class if p.recall.value is not None]
    if len(rows) < 2 or len({fmt.num(p.recall.value) for p in rows}) == 1:
        return None
    return min(rows, key=lambda p: (p.recall.value, -p.support, p.class_name))


def weakest_class(ev: EvalSetResults, unit: str = "images") -> str | None:
    rows = [p for p in ev.per_class if p.recall.value is not None]
    if len(rows) < 2:
        return None
    shown = {fmt.num(p.recall.value) for p in rows}
    if shown == {fmt.num(1.0)}:
        return "It recognised every image of every class."
    if len(shown) == 1:
        return f"It recognised the same share, {percent(rows[0].recall.value)}, of the images of every class."
    worst = weakest_class_row(ev)
    ci = _interval(worst.recall, _level(ev))
    kind = f"test {unit}" if ev.name == "test" else unit
    return (f"Its weakest class is {worst.class_name}: it recognised {percent(worst.recall.value)} of its "
            f"{fmt.count(worst.support)} {kind} (recall{', ' + ci[2:-1] if ci else ''}).")


def group_words(s: SliceTable, group: str) -> str:
    """A group label as words: the tercile bins training makes ("1 low", "2 mid", "3 high") read as
    "low (bin 1 of 3)"; any other label as it is."""
    labels = {g.group for g in s.groups}
    if labels <= set(TERCILE_WORDS) and group in TERCILE_WORDS:
        return TERCILE_WORDS[group]
    return group


def weakest_group_of(ev: EvalSetResults) -> tuple[SliceTable, SliceRow] | None:
    """Over every slice attribute, the (slice, group) with the lowest accuracy (ties: more images,
    then attribute and group name); None without groups or when every group prints the same accuracy."""
    groups = [(s, g) for s in ev.slices for g in s.groups if g.accuracy.value is not None]
    if not groups or len({fmt.num(g.accuracy.value) for _, g in groups}) == 1:
        return None
    return min(groups, key=lambda sg: (sg[1].accuracy.value, -sg[1].count, sg[0].column, sg[1].group))


def weakest_group(ev: EvalSetResults, unit: str = "images") -> str | None:
    groups = [(s, g) for s in ev.slices for g in s.groups if g.accuracy.value is not None]
    if not groups:
        return None
    if len({fmt.num(g.accuracy.value) for _, g in groups}) == 1:
        columns = ", ".join(f"`{s.column}`" for s in ev.slices)
        return (f"It was right equally often, {percent(groups[0][1].accuracy.value)}, in every group of {unit} "
                f"measured (by {columns}).")
    s, g = weakest_group_of(ev)
    caveat = f", too few {unit} to judge" if g.unreliable else ""
    return (f"Among groups of {unit}, it does worst on those whose `{s.column}` is {group_words(s, g.group)}: right "
            f"{percent(g.accuracy.value)} of the time on {fmt.count(g.count)} {unit}{_interval(g.accuracy, _level(ev))}"
            f"{caveat}.")


def calibration(ev: EvalSetResults, unit: str = "images") -> str | None:
    """Which way its confidence is off, and whether the set can tell (`sections.calibration`)."""
    return ev.calibration_note.text if ev.calibration_note is not None else None


def bar(ev: EvalSetResults, accuracy_bar: float | None) -> str | None:
    m = ev.metrics.get("accuracy")
    if m is None or m.value is None or m.ci_low is None or m.ci_high is None:
        return None
    low, high = Decimal(fmt.num(m.ci_low)), Decimal(fmt.num(m.ci_high))
    if accuracy_bar is not None:
        target, shown = Decimal(fmt.num(accuracy_bar)), percent(accuracy_bar)
        if low > target:
            return (f"It meets the stated bar of {shown} accuracy (card.yaml): even the low end of its interval, "
                    f"{percent(m.ci_low)}, is above it.")
        if high < target:
            return (f"It falls short of the stated bar of {shown} accuracy (card.yaml): even the high end of its "
                    f"interval, {percent(m.ci_high)}, is below it.")
        return (f"The test set is too small to tell whether it meets the stated bar of {shown} accuracy (card.yaml): "
                "the bar lies inside its interval.")
    if high - low > WIDE_INTERVAL:
        return (f"The test set is too small to tell this model apart from one that is right only {percent(m.ci_low)} "
                "of the time; no accuracy bar was stated to compare with (`accuracy_bar` in card.yaml).")
    return ("The test set is large enough to pin accuracy down to a narrow interval; no accuracy bar was stated "
            "to compare with (`accuracy_bar` in card.yaml).")


def seeds_and_cv(section) -> str | None:
    """With `--seeds`/`--cv` (`sections.seeds_cv.SeedsCV`): the test accuracy range over the seeds and the
    recipe's cross-validated accuracy, beside the shipped model's test estimate (None without either)."""
    if section is None:
        return None
    parts = []
    if section.seeds is not None:
        a = section.seeds.accuracy
        low, high = percent_pair(a["min"], a["max"])
        parts.append(f"retrained with {len(section.seeds.seeds)} seeds, its test accuracy ranged from {low} to {high}")
    if section.cv is not None and section.cv.accuracy.value is not None:
        m = section.cv.accuracy
        ci = ""
        if m.ci_low is not None and m.ci_high is not None:
            low, high = percent_pair(m.ci_low, m.ci_high)
            ci = f" (95% CI {low} to {high})"
        parts.append(f"{section.cv.k}-fold cross-validation on its {fmt.count(section.cv.n)} train+val images puts "
                     f"the recipe at {percent(m.value)}{ci}, while the test split measures the shipped model")
    return (parts[0][0].upper() + "; ".join(parts)[1:] + ".") if parts else None


def never_measured(evaluation: EvaluationResults, unit: str = "images") -> str | None:
    if not evaluation.sets:
        return "This run has no evaluation results, so how often the model is right was never measured."
    first = evaluation.sets[0]
    items = []
    if len(evaluation.sets) == 1:
        items.append(f"how well it works on {unit} from another source than its test set (there is no extra "
                     "evaluation set)")
    columns = sorted({s.column for s in first.slices})
    if not columns:
        why = ("every group attribute recorded has a single group" if first.single_group_notes
               else "no group attribute was recorded")
        items.append(f"how it does for different groups of {unit} or people ({why})")
    elif all(c in IMAGE_PROPERTY_SLICES for c in columns):
        items.append("how it does for different groups of people (groups were formed only by image "
                     f"{' and '.join(columns)})")
    if first.metrics.get("ece") is None:
        items.append("whether its confidence scores can be read as probabilities (no calibration result)")
    return ("Never measured: " + "; ".join(items) + ".") if items else None


def headline_set(evaluation: EvaluationResults) -> EvalSetResults | None:
    """The evaluation set the card's headline speaks of: `test`, else the first set; None without any."""
    sets = evaluation.sets
    return next((s for s in sets if s.name == "test"), sets[0] if sets else None)


def opening(decision) -> list[str]:
    """The card's first words when card.yaml states an accuracy bar: its verdict (`sections.verdict`) and the
    test size that would settle it, as the Decision subsection words them."""
    if decision is None:
        return []
    verdict = next((v for v in decision.verdicts if v.bar.key == "accuracy"), None)
    if verdict is None:
        return []
    return [verdict.statement.text] + ([verdict.plan.text] if verdict.plan is not None else [])


def summary(details: ModelDetails, evaluation: EvaluationResults, info: CardInfo, decision=None,
            conflicts: str | None = None) -> Summary:
    """The summary paragraph: each rule gives one sentence or nothing; a stated accuracy bar's verdict first;
    certain label conflicts (`sections.conflicts`) right after what the model is."""
    first = headline_set(evaluation)
    unit = "samples" if details.external_model else "images"
    verdict = opening(decision)
    facts = verdict + [worse_sets(evaluation, unit), identity(details), conflicts]  # a much worse extra set first
    if first is not None:  # with a verdict, its sentences already give the test accuracy, the seeds and the recipe
        facts += [None if verdict else accuracy(first, held_out=details.created_by == "train", unit=unit),
                  None if verdict else bar(first, info.accuracy_bar),
                  weakest_class(first, unit), weakest_group(first, unit), calibration(first, unit)]
    facts.append(None if verdict else seeds_and_cv(evaluation.seeds_cv))  # --seeds / --cv
    facts.append(never_measured(evaluation, unit))
    bar_text = percent(info.accuracy_bar) if info.accuracy_bar is not None else None
    return Summary(sentences=[s for s in facts if s], accuracy_bar=bar_text)


def _conflicts(training) -> str | None:
    note = training.data.conflict_note if training is not None else None
    return note.text if note is not None else None


SECTION = SectionSpec("summary", order=20, attr="summary", part=Summary, needs=("details", "evaluation", "decision", "training"),
                  build=lambda x: summary(x.parts.details, x.parts.evaluation, x.info, x.parts.decision,
                                          _conflicts(x.parts.training)))
