"""Comparison of configurations: one row per sweep member or `--compare` run, the chosen one named.

Pure: the caller (the renderer) reads the member runs' records and passes them in as
`MemberSource`s; a member whose record was not found keeps what the sweep table recorded about
it (its test accuracy and fit time) and its other cells read "not measured".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...compare.facts import run_facts
from ..formatting import plain
from ..model import Metric
from .common import metric_from

#: Config keys that never tell configurations apart on a card (names, sweep grids, local paths).
IGNORED_SETTINGS = ("name", "sweep", "select", "cache_dir", "eval_sets", "feature_cache", "data")
RULE_TEXT = {"val_accuracy:max": "the highest validation accuracy", "val_loss:min": "the lowest validation loss"}


@dataclass(frozen=True)
class MemberSource:
    """What is known about one compared run: its record when found, else its sweep-table row."""

    run_id: str                 # "20261122T000037Z-ec7710"
    record: dict | None         # the member's run record, None when its folder was not found
    sweep_row: dict | None      # its row of the sweep table, e.g. {"parameters": {...}, "test_accuracy": {...}}
    chosen: bool                # True for the configuration the card is about


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


def _settings(source: MemberSource) -> dict:
    """Effective settings: the config, the model's backbone and input size, then the sweep parameters."""
    settings = {}
    if source.record is not None:
        settings.update(source.record.get("config") or {})
        model = source.record.get("model") or {}
        settings.update({k: model[k] for k in ("backbone", "input_size") if model.get(k) is not None})
        settings.update((source.record.get("sweep") or {}).get("parameters") or {})
    settings.update((source.sweep_row or {}).get("parameters") or {})
    return settings


def _distinguishing(all_settings: list[dict], preferred: list[str]) -> list[str]:
    """A sweep's own parameters; for `--compare` runs, the settings whose values differ between them."""
    if preferred:
        return preferred
    keys = sorted({k for s in all_settings for k in s} - set(IGNORED_SETTINGS))
    return [k for k in keys if len({repr(s.get(k)) for s in all_settings}) > 1]


def _number(row: dict, *keys):
    return next((row[k] for k in keys if isinstance(row.get(k), (int, float)) and not isinstance(row.get(k), bool)), None)


def _own_cost(row: dict) -> dict:
    """A sweep-table row's own cost (modelcard.record.sweep_table): the phases that were this
    configuration's alone (its fit, evaluation, efficiency), else its fit alone; {} if unmeasured.
    Per-configuration figures beat a record's sweep-wide ones."""
    for key in ("own_cost", "fit_cost"):
        if isinstance(row.get(key), dict):
            return row[key]
    return {}


def _row(source: MemberSource, settings: dict, names: list[str]) -> ComparedRun:
    label = ", ".join(f"{k}={plain(settings.get(k))}" for k in names) or source.run_id
    picked = {k: settings.get(k) for k in names}
    row = source.sweep_row or {}
    cost = _own_cost(row)
    energy, co2 = _number(cost, "energy_kwh"), _number(cost, "emissions_kg")
    if source.record is not None:
        f = run_facts(source.record)
        if energy is not None or co2 is not None:
            f = replace(f, energy_kwh=energy, emissions_kg=co2, emissions_scope="run")
        return ComparedRun(run_id=source.run_id, label=label, settings=picked, chosen=source.chosen, record_found=True,
                           accuracy=metric_from(f.accuracy) if f.accuracy else None,
                           f1_macro=metric_from(f.f1_macro) if f.f1_macro else None,
                           log_loss=(f.log_loss or {}).get("value"), latency_median_ms=f.latency_median_ms,
                           latency_p95_ms=f.latency_p95_ms, weights_bytes_in_memory=f.weights_bytes_in_memory,
                           model_file_bytes=f.model_file_bytes, total_params=f.total_params, training_s=f.training_s,
                           energy_kwh=f.energy_kwh, emissions_kg=f.emissions_kg, emissions_scope=f.emissions_scope)
    test = row.get("test_accuracy")
    return ComparedRun(run_id=source.run_id, label=label, settings=picked, chosen=source.chosen, record_found=False,
                       accuracy=metric_from(test) if isinstance(test, dict) else None, f1_macro=None, log_loss=None,
                       latency_median_ms=None, latency_p95_ms=None, weights_bytes_in_memory=None, model_file_bytes=None,
                       total_params=None, training_s=_number(row, "fit_s"), energy_kwh=energy, emissions_kg=co2,
                       emissions_scope="run" if energy is not None or co2 is not None else None)


def _overlaps(a: Metric | None, b: Metric | None) -> bool:
    if a is None or b is None or None in (a.ci_low, a.ci_high, b.ci_low, b.ci_high):
        return False
    return a.ci_low <= b.ci_high and b.ci_low <= a.ci_high


def comparison(record: dict, kind: str, sources: list[MemberSource]) -> Comparison | None:
    """The comparison for the card of `record`; None with fewer than two configurations."""
    if len(sources) < 2:
        return None
    all_settings = [_settings(s) for s in sources]
    sweep = record.get("sweep") or {}
    preferred = sorted({k for s in sources for k in ((s.sweep_row or {}).get("parameters") or {})}) if kind == "sweep" else []
    names = _distinguishing(all_settings, preferred)
    runs = [_row(s, settings, names) for s, settings in zip(sources, all_settings)]
    chosen = next((r for r in runs if r.chosen), None)
    if kind == "sweep":
        rule_key = sweep.get("selection_rule") or ""
        rule = f"{rule_key} ({RULE_TEXT.get(rule_key, 'the sweep selection rule')} on the validation split; test data were not used to choose)"
    else:
        rule = ("named by the user: this card's run (`modelcard build --run`) is compared with the runs given to "
                "`--compare`; no automatic rule chose it")
    overlapping = [r.label for r in runs if chosen and r is not chosen and _overlaps(chosen.accuracy, r.accuracy)]
    hashes = {(s.record.get("data") or {}).get("content_hash") for s in sources if s.record is not None}
    return Comparison(kind=kind, setting_names=names, runs=runs, chosen_label=chosen.label if chosen else "none",
                      rule=rule, overlapping=overlapping,
                      missing_records=[s.run_id for s in sources if s.record is None], different_data=len(hashes) > 1)
