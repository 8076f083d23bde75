"""Comparison of configurations: one row per sweep member or `--compare` run, the chosen one named.

Pure: the caller (the renderer) reads the member runs' records and passes them in as
`MemberSource`s; a member whose record was not found keeps what the sweep table recorded about
it (its test accuracy and fit time) and its other cells read "not measured".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...compare.facts import run_facts
from ...compare.members import MemberSource
from ...record.measured import shared_words
from ...record.model import Member, Metric, PhaseCost, RunRecord, Sweep
from ...record.phase_costs import PHASE_KINDS, configuration_cost, extra_costs
from ..formatting import plain, sig
from ...claims import Statement
from ...claims.relations import AllOf, Below
from ..section_spec import SectionSpec
from .common import metric_from
from .training import config_accuracy

#: Config keys that never tell configurations apart on a card (names, sweep grids, local paths).
IGNORED_SETTINGS = ("name", "sweep", "select", "cache_dir", "eval_sets", "feature_cache", "data")
#: The figures of a row that may be copies of another run's (shown as "shared: ..." instead).
SHOWN_SHARED = ("latency_median_ms", "latency_p95_ms", "weights_bytes_in_memory", "energy_kwh", "emissions_kg")
RULE_TEXT = {"val_accuracy:max": "the highest validation accuracy", "val_loss:min": "the lowest validation loss"}


@dataclass(frozen=True)
class ComparedRun:
    """One configuration's row, e.g. label "optimizer=sgd, batch_size=32" with its test scores and costs."""

    run_id: str                         # "20261122T000037Z-ec7710"
    label: str                          # "batch_size=32, optimizer=sgd"
    settings: dict                      # {"batch_size": 32, "optimizer": "sgd"}
    chosen: bool                        # True for the chosen configuration
    record_found: bool                  # False: only the sweep table's facts are known
    accuracy: Metric | None             # test accuracy with its interval
    f1_macro: Metric | None
    log_loss: float | None              # 0.41
    latency_median_ms: float | None     # 16.2
    latency_p95_ms: float | None        # 21.0
    weights_bytes_in_memory: int | None
    model_file_bytes: int | None
    total_params: int | None
    training_s: float | None            # fit time of this configuration
    energy_kwh: float | None
    emissions_kg: float | None
    emissions_scope: str | None         # "run", "sweep" (the whole sweep's figure), or None
    shared: dict = field(default_factory=dict)  # figure -> where it was measured when not for this run, e.g.
    #                                             {"latency_median_ms": "20261122T035106Z-11c318"} (then the figure is None)


@dataclass(frozen=True)
class Comparison:
    """The side-by-side table, the chosen configuration, the rule that chose it, and what the test data can tell."""

    kind: str                           # "sweep" | "compare"
    setting_names: list[str]            # ["batch_size", "optimizer"]
    runs: list[ComparedRun]
    chosen_label: str                   # "batch_size=32, optimizer=adam"
    rule: str                           # "val_accuracy:max (the highest validation accuracy; test data were not used)"
    overlapping: list[str] = field(default_factory=list)     # labels whose accuracy interval overlaps the chosen one's
    missing_records: list[str] = field(default_factory=list)  # run ids whose record was not found
    different_data: bool = False        # True when the runs were tested on data with different content hashes
    tie: str | None = None              # e.g. "2 configurations tie on val_accuracy at 0.811 (...): ..."; None: no tie
    cost_scope: str | None = None       # what every row's energy and CO2 include, e.g. CONFIGURATION_SCOPE; None: each run's own
    chosen_extras: str | None = None    # e.g. "The chosen configuration alone also ran ...: left out of its row, ..."


def _settings(source: MemberSource) -> dict:
    """Effective settings: the config, the model's backbone and input size, then the sweep parameters."""
    settings = {}
    record = source.record
    if record is not None:
        settings.update(record.config or {})
        if record.model is not None:
            settings.update({k: getattr(record.model, k) for k in ("backbone", "input_size")
                             if getattr(record.model, k) is not None})
        settings.update((record.sweep.parameters if record.sweep is not None else None) or {})
    settings.update((source.sweep_row.parameters if source.sweep_row is not None else None) or {})
    return settings


def _distinguishing(all_settings: list[dict], preferred: list[str]) -> list[str]:
    """A sweep's own parameters; for `--compare` runs, the settings whose values differ between them."""
    if preferred:
        return preferred
    keys = sorted({k for s in all_settings for k in s} - set(IGNORED_SETTINGS))
    return [k for k in keys if len({repr(s.get(k)) for s in all_settings}) > 1]


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _own_cost(row: Member | None) -> PhaseCost:
    """A sweep-table row's own cost (modelcard.record.sweep_table): the phases that were this
    configuration's alone (its fit, evaluation, efficiency), else its fit alone; empty if unmeasured.
    Per-configuration figures beat a record's sweep-wide ones."""
    for cost in ((row.own_cost, row.fit_cost) if row is not None else ()):
        if isinstance(cost, PhaseCost):
            return cost
    return PhaseCost()


def _metric(m: Metric) -> Metric:
    return Metric(m.value, m.ci_low, m.ci_high, m.reason)


def _row(source: MemberSource, settings: dict, names: list[str], alike: PhaseCost | None = None) -> ComparedRun:
    """One row; `alike`: this configuration's cost in the phases every configuration ran (the sweep's record),
    which beats its own row's figures so that rows compare like with like."""
    label = ", ".join(f"{k}={plain(settings.get(k))}" for k in names) or source.run_id
    picked = {k: settings.get(k) for k in names}
    row = source.sweep_row
    cost = alike if alike is not None else _own_cost(row)
    energy, co2 = _number(cost.energy_kwh), _number(cost.emissions_kg)
    if source.record is not None:
        f = run_facts(source.record)
        if energy is not None or co2 is not None:  # its own phases' cost: measured for this configuration
            f = replace(f, energy_kwh=energy, emissions_kg=co2, emissions_scope="run",
                        shared={k: v for k, v in f.shared.items() if k not in ("energy_kwh", "emissions_kg")})
        f = replace(f, **{k: None for k in f.shared if k in SHOWN_SHARED})
        return ComparedRun(run_id=source.run_id, label=label, settings=picked, chosen=source.chosen, record_found=True,
                           accuracy=metric_from(f.accuracy) if f.accuracy else None,
                           f1_macro=metric_from(f.f1_macro) if f.f1_macro else None,
                           log_loss=metric_from(f.log_loss).value, latency_median_ms=f.latency_median_ms,
                           latency_p95_ms=f.latency_p95_ms, weights_bytes_in_memory=f.weights_bytes_in_memory,
                           model_file_bytes=f.model_file_bytes, total_params=f.total_params, training_s=f.training_s,
                           energy_kwh=f.energy_kwh, emissions_kg=f.emissions_kg, emissions_scope=f.emissions_scope,
                           shared={k: shared_words(v) for k, v in f.shared.items() if k in SHOWN_SHARED})
    test = row.test_accuracy if row is not None else None
    return ComparedRun(run_id=source.run_id, label=label, settings=picked, chosen=source.chosen, record_found=False,
                       accuracy=_metric(test) if isinstance(test, Metric) else None, f1_macro=None,
                       log_loss=None, latency_median_ms=None, latency_p95_ms=None, weights_bytes_in_memory=None,
                       model_file_bytes=None, total_params=None, training_s=_number(row.fit_s if row else None),
                       energy_kwh=energy, emissions_kg=co2,
                       emissions_scope="run" if energy is not None or co2 is not None else None)


def _overlaps(a: Metric | None, b: Metric | None) -> bool:
    if a is None or b is None or None in (a.ci_low, a.ci_high, b.ci_low, b.ci_high):
        return False
    return a.ci_low <= b.ci_high and b.ci_low <= a.ci_high


#: How `modelcard train` broke ties before records said so (record 1.2 adds `sweep.tie_break`).
OLD_TIE_BREAK = "first in the sweep's order"


def _selection_metric(sweep: Sweep) -> str:
    return str(sweep.selection_rule or "").partition(":")[0]


def _score(member: Member, metric: str):
    """A member row's figure named by the selection rule, e.g. its val_accuracy (None if it has none)."""
    return getattr(member, metric, None) if metric and not metric.startswith("_") else None


def tied_run_ids(sweep: Sweep) -> tuple[list[str], str | None]:
    """(run ids that tie with the chosen one on the selection metric, chosen first; the tie-break rule).

    Recorded since 1.2 (`sweep.tied_run_ids`, `sweep.tie_break`); for older records derived from
    the member rows when the rule is `metric:direction` (their sweeps kept the first in order)."""
    if sweep.has("tie_break"):
        return list(sweep.tied_run_ids or []), sweep.tie_break
    metric, sep, _ = str(sweep.selection_rule or "").partition(":")
    rows = list(sweep.members or [])
    chosen = next((r for r in rows if r.selected), None)
    if not sep or chosen is None or _score(chosen, metric) is None:
        return [], None
    tied = [r.run_id for r in rows if _score(r, metric) == _score(chosen, metric)]
    tied.sort(key=lambda rid: rid != chosen.run_id)
    return (tied, OLD_TIE_BREAK) if len(tied) > 1 else ([], OLD_TIE_BREAK)


def tie_sentence(sweep: Sweep, labels: dict[str, str]) -> str | None:
    """The tie on the card, e.g. "2 configurations tie on val_accuracy (0.811): batch_size=32,
    optimizer=adam and batch_size=32, optimizer=adamw; the tie is broken by taking the first in the
    sweep's order, batch_size=32, optimizer=adam." None when nothing ties."""
    tied, rule = tied_run_ids(sweep)
    if len(tied) < 2:
        return None
    metric = _selection_metric(sweep)
    value = next((_score(r, metric) for r in sweep.members or [] if r.run_id == tied[0]), None)
    at = f" ({value:.3f})" if isinstance(value, (int, float)) else ""
    names = [labels.get(rid, rid) for rid in tied]
    return (f"{len(tied)} configurations tie on {metric}{at}: {', '.join(names[:-1])} and {names[-1]}; the tie is "
            f"broken by taking the {rule or 'first in the sweep order'}, {names[0]}.")


def _accuracy_claims(runs: list[ComparedRun], sources: list[MemberSource], known: dict) -> list[ComparedRun]:
    """Each row's test accuracy as the one claim of it (`config.<run id>.test_accuracy`): the sweep table's
    when it printed the configuration (`known`), else made from the run's own record."""
    out = []
    for run, source in zip(runs, sources):
        claim = known.get(run.run_id)
        if claim is None and run.accuracy is not None:
            own = source.record.evaluation("test") if source.record is not None else None
            fact = own.metric("accuracy") if own is not None else None
            claim = config_accuracy(run.run_id, run.accuracy, fact.method if fact is not None else None)
        out.append(replace(run, accuracy=claim))
    return out


def overlap_statement(c: Comparison) -> Statement | None:
    """The sentence that the test data cannot tell the chosen configuration from the ones whose accuracy
    intervals overlap it, with the overlaps as relations (the consistency check recomputes them)."""
    chosen = next((r for r in c.runs if r.chosen), None)
    others = [r for r in c.runs if r.label in c.overlapping and r.accuracy is not None]
    if chosen is None or chosen.accuracy is None or not others:
        return None
    relations = tuple(rel for r in others for rel in (Below(r.accuracy.key, chosen.accuracy.key, False),
                                                        Below(chosen.accuracy.key, r.accuracy.key, False)))
    return Statement("comparison.overlap", "comparison",
                     f"The choice of {c.chosen_label} over {'; '.join(r.label for r in others)} is not supported by "
                     "the test data: their test-accuracy intervals overlap the chosen configuration's.", AllOf(relations))


def comparison_claims(c: Comparison | None) -> list:
    """Each row's test accuracy and the overlap sentence."""
    if c is None:
        return []
    found = overlap_statement(c)
    return [r.accuracy for r in c.runs if r.accuracy is not None] + ([found] if found else [])


def comparison(record: RunRecord, kind: str, sources: list[MemberSource], known: dict | None = None) -> Comparison | None:
    """The comparison for the card of `record`; None with fewer than two configurations. `known`: the test-accuracy
    claims the sweep table already states, by run id."""
    if len(sources) < 2:
        return None
    all_settings = [_settings(s) for s in sources]
    sweep = record.sweep
    preferred = (sorted({k for s in sources if s.sweep_row is not None for k in s.sweep_row.parameters or {}})
                 if kind == "sweep" else [])
    names = _distinguishing(all_settings, preferred)
    em = record.emissions
    alike = {s.run_id: configuration_cost(em, s.run_id) for s in sources} if kind == "sweep" else {}
    same_scope = kind == "sweep" and all(alike.values())
    runs = _accuracy_claims([_row(s, settings, names, alike.get(s.run_id) if same_scope else None)
                             for s, settings in zip(sources, all_settings)], sources, known or {})
    chosen = next((r for r in runs if r.chosen), None)
    if kind == "sweep":
        rule_key = (sweep.selection_rule if sweep is not None else None) or ""
        rule = f"{rule_key} ({RULE_TEXT.get(rule_key, 'the sweep selection rule')} on the validation split; test data were not used to choose)"
    else:
        rule = ("named by the user: this card's run (`modelcard build --run`) is compared with the runs given to "
                "`--compare`; no automatic rule chose it")
    overlapping = [r.label for r in runs if chosen and r is not chosen and _overlaps(chosen.accuracy, r.accuracy)]
    hashes = {s.record.data.content_hash if s.record.data is not None else None for s in sources if s.record is not None}
    return Comparison(kind=kind, setting_names=names, runs=runs, chosen_label=chosen.label if chosen else "none",
                      rule=rule, overlapping=overlapping,
                      missing_records=[s.run_id for s in sources if s.record is None], different_data=len(hashes) > 1,
                      tie=tie_sentence(sweep, {r.run_id: r.label for r in runs}) if kind == "sweep" and sweep is not None
                      else None,
                      cost_scope=CONFIGURATION_SCOPE if same_scope else None,
                      chosen_extras=_extras(em, chosen.run_id) if same_scope and chosen else None)


#: What each row's energy and CO2 include when every configuration's phases are in the sweep's record.
CONFIGURATION_SCOPE = "fit phase, evaluation and example grid"


def _extras(em, run_id: str) -> str | None:
    """The chosen configuration's own phases beyond the compared ones, e.g. "The chosen configuration also ran
    retraining with other seeds (--seeds) (0.00530 g CO2eq) and ... ; they are left out of its row."."""
    extra = extra_costs(em, run_id)
    if not extra:
        return None
    parts = [f"{PHASE_KINDS.get(kind, kind.replace('_', ' '))} ({sig(c.emissions_kg * 1000)} g CO2eq, "
             f"{sig(c.energy_kwh)} kWh)" for kind, c in extra.items() if c is not None and c.emissions_kg is not None]
    if not parts:
        return None
    return ("The chosen configuration alone also ran " + "; ".join(parts) + ": left out of its row, so that every "
            f"row holds the same phases ({CONFIGURATION_SCOPE}).")


def _known(training) -> dict:
    sweep = training.sweep if training is not None else None
    return {m.run_id: m.test_accuracy for m in sweep.members if m.test_accuracy is not None} if sweep else {}


SECTION = SectionSpec("comparison", order=85, attr="comparison", part=Comparison, partial=False, needs=("training",),
                  build=lambda x: comparison(x.record, *x.compared, known=_known(x.parts.training)) if x.compared
                  else None,
                  claims=lambda c: comparison_claims(c.comparison))
