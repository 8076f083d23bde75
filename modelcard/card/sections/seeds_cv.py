"""Training-seed variance (`--seeds`) and the cross-validated estimate (`--cv`) on the card.

Reads the record's optional `seeds` and `cv` sections (docs/run-record.md, "Changes in 1.2").
Cross-validation estimates the recipe (the chosen settings, retrained on other folds of
train+val); the test split estimates the one shipped model. Both are shown side by side, with
the seed spread: how far retraining with another seed moves the test accuracy. Every number
comes from the record; tables and sentences are built here, the partial only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...claims import Claim, Statement, figure_claim, metric_claim
from ...claims.relations import Rank, Same
from ...record.model import CrossValidation, RunRecord, Seeds
from .. import formatting as fmt
from ...record.model import Metric, metric_of

METRIC_WORDS = {"accuracy": "accuracy", "f1_macro": "F1 (macro)"}


@dataclass
class SeedSpread:
    """The test spread across training seeds of the chosen configuration."""

    seeds: list[int]            # e.g. [0, 1, 2]
    shipped_seed: int           # e.g. 0 (the run's own seed: its model is the one saved)
    eval_set: str               # e.g. "test"
    rows: list[list[str]]       # e.g. [["0 (shipped)", "0.938", "0.935"], ["1", "0.906", "0.901"]]
    spread_rows: list[list[str]]  # e.g. [["accuracy", "0.906", "0.938", "0.032", "0.016"]]
    accuracy: dict = field(default_factory=dict)  # e.g. {"min": 0.906, "max": 0.938, "spread": 0.032, "std": 0.016}
    claims: list[Claim] = field(default_factory=list)  # each seed's accuracy and macro F1, e.g. "seeds.1.accuracy"
    statements: list[Statement] = field(default_factory=list)  # where the shipped seed ranks (Rank), e.g. best of 3


@dataclass
class CrossValidationResult:
    """The recipe's K-fold cross-validated estimate over train+val."""

    k: int                      # e.g. 5
    n: int                      # e.g. 181 (train+val images)
    n_train: int                # e.g. 151
    n_val: int                  # e.g. 30
    accuracy: Metric            # e.g. Metric(0.917, 0.866, 0.949) (Wilson on n)
    f1_macro: Metric            # e.g. Metric(0.915, 0.861, 0.951) (value only in records before 1.3)
    per_class_rows: list[list[str]]  # e.g. [["cats", "60", "0.950 [0.863, 0.983]"]] (value only before 1.3)
    interval_method: str        # e.g. "Wilson score interval on n = train+val pooled out-of-fold predictions"
    folds: str                  # e.g. "stratified group K-fold over train+val (...)"
    head: str                   # e.g. "a fresh softmax head per fold with the chosen configuration's settings ..."
    k_note: str | None = None   # e.g. "K shrank from 5 to 3: class 'space' has only 3 distinct images ..."
    corrected_t: list[float] | None = None  # e.g. [0.85, 0.96] (Nadeau-Bengio, for comparison)
    f1_interval_method: str | None = None  # e.g. "the wider of the expanded percentile bootstrap ... (1,000 resamples, seed 0)" (1.3)
    claims: list[Claim] = field(default_factory=list)  # the scores and per-class recall, e.g. "cv.accuracy"


@dataclass
class SeedsCV:
    """The subsection: seed spread, cross-validation, and both estimates side by side."""

    seeds: SeedSpread | None    # e.g. SeedSpread([0, 1, 2], 0, ...) (None: trained with one seed)
    cv: CrossValidationResult | None  # e.g. CrossValidation(5, 181, ...) (None: no --cv)
    side_by_side: list[list[str]]  # e.g. [["recipe (5-fold cross-validation)", "181 train+val", "0.917 [...]", "0.915"]]
    sentences: list[str] = field(default_factory=list)  # e.g. ["Cross-validation estimates the recipe ..."]


def _seed_claims(section: Seeds, n: int | None) -> list[Claim]:
    """Each seed's test accuracy and macro F1 (no interval: one run each, the spread is the point)."""
    return [figure_claim(f"seeds.{r.seed}.{m}", section.set, m, getattr(r, m), "share", n=n, no_interval=SEED_WHY)
            for r in section.per_seed for m in ("accuracy", "f1_macro")]


SEED_WHY = "each seed's test scores (one training run each: the spread across the seeds is their uncertainty)"
CV_WHY = "the cross-validated scores other than accuracy, in records made before 1.3 (recorded without an interval)"
FOLD_WHY = "each cross-validation fold's accuracy (one of K parts: the pooled estimate carries the interval)"


#: The shipped seed's place among the seeds, in words (rank 1 = highest test accuracy).
def rank_words(rank: int, n: int, tied: int) -> str:
    """e.g. "the best of the 3 seeds", "the worst of the 3 seeds", "second of the 3 seeds", "tied for the best"."""
    if tied:
        place = "best" if rank == 1 else "worst" if rank + tied == n else f"{ORDINALS.get(rank, str(rank))} best"
        return f"tied with {tied} other seed{'s' if tied > 1 else ''} for the {place} of the {n} seeds"
    if rank == 1:
        return f"the best of the {n} seeds"
    if rank == n:
        return f"the worst of the {n} seeds"
    return f"the {ORDINALS.get(rank, str(rank))} best of the {n} seeds"


ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def shipped_rank(section: Seeds, test_key: str | None) -> list[Statement]:
    """Where the shipped seed's test accuracy ranks among the seeds (a Rank relation), and that it is the
    test accuracy the card reports (a Same relation, when the set has one)."""
    keys = tuple(f"seeds.{r.seed}.accuracy" for r in section.per_seed)
    mine = f"seeds.{section.shipped_seed}.accuracy"
    if mine not in keys or len(keys) < 2:
        return []
    values = {r.seed: r.accuracy for r in section.per_seed}
    own = values[section.shipped_seed]
    rank = 1 + sum(v > own for v in values.values())
    tied = sum(v == own for s, v in values.items() if s != section.shipped_seed)
    place = rank_words(rank, len(keys), tied)
    meaning = (" so its test score is the luckiest draw of the recipe, not a typical one" if rank == 1 and not tied
               else " so its test score is the unluckiest draw of the recipe" if rank == len(keys) and not tied else "")
    text = (f"The shipped model is seed {section.shipped_seed}, the run's own: on {section.set} accuracy it is "
            f"{place} ({fmt.num(own)}; the others {', '.join(fmt.num(v) for s, v in values.items() if s != section.shipped_seed)}),"
            f"{meaning or ' within the spread of the recipe'}.")
    out = [Statement("seeds.shipped_rank", "comparison", text, Rank(mine, keys, rank))]
    if test_key is not None:
        out.append(Statement("seeds.shipped_is_test", "comparison", f"Seed {section.shipped_seed}'s {section.set} "
                             "accuracy is the accuracy the card reports for the shipped model.", Same(mine, test_key)))
    return out


def _seeds(section: Seeds, n: int | None, test_key: str | None) -> SeedSpread:
    rows = [[f"{r.seed} (shipped)" if r.seed == section.shipped_seed else str(r.seed),
             fmt.num(r.accuracy), fmt.num(r.f1_macro)] for r in section.per_seed]
    spread_rows = [[METRIC_WORDS.get(m, m), fmt.num(s.min), fmt.num(s.max), fmt.num(s.spread),
                    fmt.num(s.std)] for m, s in section.spread.items()]
    return SeedSpread(seeds=list(section.seeds), shipped_seed=section.shipped_seed, eval_set=section.set,
                      rows=rows, spread_rows=spread_rows, accuracy=section.spread["accuracy"].to_dict(),
                      claims=_seed_claims(section, n), statements=shipped_rank(section, test_key))


def cv_claims(section: CrossValidation) -> list[Claim]:
    """The recipe's cross-validated scores and per-class recall as claims, each with the method the record
    names (accuracy: `accuracy_interval`; the rest: `intervals`, 1.3)."""
    recorded = section.intervals
    level = (recorded.confidence if recorded is not None else None) or (
        section.accuracy_interval.confidence if section.accuracy_interval is not None else None)
    methods = dict((recorded.metrics or {}) if recorded is not None else {})
    if section.accuracy_interval is not None:
        methods.setdefault("accuracy", section.accuracy_interval.method)
    out = [metric_claim(f"cv.{name}", "cross-validation", name, m, method=methods.get(name), level=level, n=section.n,
                        scope=f"the recipe, {section.k}-fold cross-validation on {section.n} train+val images",
                        no_interval=CV_WHY)
           for name, m in section.metrics.items()]
    recall_method = (recorded.per_class or {}).get("recall") if recorded is not None else None
    out += [metric_claim(f"cv.class.{p.class_name}.recall", "cross-validation", "recall", p.recall,
                         method=recall_method, level=level, n=p.support, no_interval=CV_WHY) for p in section.per_class]
    sizes = section.fold_sizes or [None] * len(section.fold_accuracy or [])
    out += [figure_claim(f"cv.fold.{i}.accuracy", "cross-validation", f"accuracy of fold {i + 1}", value, "share", n=n,
                         no_interval=FOLD_WHY) for i, (value, n) in enumerate(zip(section.fold_accuracy or [], sizes))]
    return out


def seeds_cv_claims(section: "SeedsCV | None") -> list:
    """Every number and comparison of the subsection."""
    if section is None:
        return []
    out: list = list(section.cv.claims) if section.cv is not None else []
    if section.seeds is not None:
        out += section.seeds.claims + section.seeds.statements
    return out


def _cv(section: CrossValidation) -> CrossValidationResult:
    per_class = [[p.class_name, fmt.count(p.support), fmt.metric(metric_of(p.recall))] for p in section.per_class]
    interval = section.accuracy_interval
    method = (interval.description or interval.method) if interval is not None else None
    return CrossValidationResult(k=section.k, n=section.n, n_train=section.n_train, n_val=section.n_val,
                           accuracy=metric_of(section.metrics["accuracy"]),
                           f1_macro=metric_of(section.metrics.get("f1_macro")), per_class_rows=per_class,
                           interval_method=method or "not recorded",
                           folds=section.folds or "", head=section.head or "",
                           k_note=section.k_note, corrected_t=interval.corrected_t if interval is not None else None,
                           f1_interval_method=_f1_method(section), claims=cv_claims(section))


def _f1_method(section: CrossValidation) -> str | None:
    """The F1 (macro) interval's method in words with its resamples (1.3), or None (older records: no interval)."""
    recorded = section.intervals
    method = ((recorded.metrics or {}).get("f1_macro") if recorded is not None else None)
    words = (recorded.methods or {}).get(method) if method else None
    if not words:
        return None
    resamples = f" ({recorded.n_resamples:,} bootstrap resamples, seed {recorded.seed})" if recorded.n_resamples else ""
    return words + resamples


def seeds_cv(record: RunRecord) -> SeedsCV | None:
    """The subsection, or None when the run has neither `seeds` nor `cv`."""
    seeds_set = record.evaluations.get(record.seeds.set) if record.seeds is not None and record.evaluations else None
    seeds = (_seeds(record.seeds, seeds_set.n_samples if seeds_set else None,
                    f"{record.seeds.set}.accuracy" if seeds_set and "accuracy" in seeds_set.metrics else None)
             if record.seeds is not None else None)
    cv = _cv(record.cv) if record.cv is not None else None
    if seeds is None and cv is None:
        return None
    test = record.evaluation("test") if record.evaluations else None
    metrics = test.metrics if test is not None and test.metrics else {}
    rows = []
    if cv is not None:
        rows.append([f"the recipe ({cv.k}-fold cross-validation)", f"{fmt.count(cv.n)} train+val",
                     fmt.metric(cv.accuracy), fmt.metric(cv.f1_macro)])
    if metrics:
        rows.append(["the shipped model (test split)", f"{fmt.count(test.n_samples)} test",
                     fmt.metric(test.metric("accuracy")), fmt.metric(test.metric("f1_macro"))])
    return SeedsCV(seeds=seeds, cv=cv, side_by_side=rows, sentences=_sentences(seeds, cv))


def _sentences(seeds: SeedSpread | None, cv: CrossValidationResult | None) -> list[str]:
    out = []
    if cv is not None:
        out.append(f"Cross-validation estimates the recipe: the same settings, trained {cv.k} times, each time on "
                   f"the other folds of the {fmt.count(cv.n)} train+val images ({fmt.count(cv.n_train)} train, "
                   f"{fmt.count(cv.n_val)} validation), so every one of them is predicted once by a head that never "
                   "saw it. The test split estimates the one shipped model on images nothing was chosen with. "
                   "The two answer different questions, so they may differ; both are shown here.")
    if seeds is not None:
        a = seeds.accuracy
        out.append(f"Retrained with {len(seeds.seeds)} seeds ({', '.join(map(str, seeds.seeds))}) on the same data, "
                   f"the {seeds.eval_set} accuracy ranged from {fmt.num(a['min'])} to {fmt.num(a['max'])} "
                   f"(standard deviation {fmt.num(a.get('std'))}). A difference between two runs smaller than this "
                   "spread can come from the seed alone.")
        out += [s.text for s in seeds.statements if s.key == "seeds.shipped_rank"]
    return out

