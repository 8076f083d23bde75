"""The efficiency facts two runs are compared on, read from a run record with old-name fallbacks.

Newer records (schema 1.1) keep latency as `efficiency.latency_ms_batch1.{median,p95}` and sizes
as `efficiency.weights_bytes_in_memory` / `efficiency.model_file_bytes`; older ones have
`efficiency.latency_ms_per_image` and `model.file_bytes`. New names are read first; a fact the
run did not measure is None (shown as "not measured"), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..record.measured import SWEEP
from ..record.model import Efficiency, Latency, Metric, RunRecord

#: The efficiency keys each compared fact is read from (see `run_facts`).
FACT_SOURCES = {"latency_median_ms": ("latency_ms_batch1", "latency_ms_per_image"),
                "latency_p95_ms": ("latency_ms_batch1",),
                "throughput_images_per_s": ("throughput_images_per_s_batch32", "predict_images_per_s"),
                "weights_bytes_in_memory": ("weights_bytes_in_memory",)}
EMISSION_FACTS = ("duration_s", "energy_kwh", "emissions_kg")


@dataclass(frozen=True)
class RunFacts:
    """One run's comparable numbers, e.g. latency_median_ms=16.2, model_file_bytes=9_762_877.

    `emissions_scope` says what energy/CO2 cover: "run", or "sweep" when the figure is for a
    whole sweep (shared by its members, so not a per-configuration cost). `shared` names every
    fact that was not measured for this run (`modelcard.record.measured`): fact -> a run id (measured
    on that run's model) or "sweep"; a fact not in it was measured for this run.
    """

    run_id: str                          # "20261122T000037Z-01409c"
    name: str                            # "demo-mobilenetv2-adam-bs32"
    backbone: str | None                 # "mobilenetv2"
    input_size: int | None               # 160
    accuracy: dict | None                # {"value": 0.94, "ci_low": 0.84, "ci_high": 1.0}
    f1_macro: dict | None
    log_loss: dict | None
    latency_median_ms: float | None      # 16.2
    latency_p95_ms: float | None         # 21.0
    throughput_images_per_s: float | None  # 177.4 (batch 32)
    weights_bytes_in_memory: int | None  # 9_072_928
    model_file_bytes: int | None         # 9_762_877
    total_params: int | None             # 2_268_232
    training_s: float | None             # 1.2 (fit time of this configuration)
    duration_s: float | None             # 19.2 (whole run, as timed by the emissions tracker)
    energy_kwh: float | None             # 0.000118
    emissions_kg: float | None           # 4.4e-05
    emissions_scope: str | None          # "run" | "sweep"
    shared: dict = field(default_factory=dict)  # {"latency_median_ms": "20261122T035106Z-11c318", "energy_kwh": "sweep"}


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _first(*values):
    return next((v for v in (_number(x) for x in values) if v is not None), None)


def eval_metrics(record: dict | RunRecord, eval_set: str = "test") -> dict[str, Metric]:
    """The metrics of the evaluation set (empty when the run has none)."""
    evaluation = RunRecord.of(record).evaluation(eval_set)
    return dict(evaluation.metrics) if evaluation is not None else {}


def shared_facts(record: dict | RunRecord) -> dict[str, str]:
    """{fact: source} for the facts of `run_facts` that this run shares with others."""
    record = RunRecord.of(record)
    efficiency = record.shared_efficiency()
    shared = {fact: efficiency[keys[0]] for fact, keys in FACT_SOURCES.items() if keys[0] in efficiency}
    shared.update({fact: efficiency[keys[1]] for fact, keys in FACT_SOURCES.items()
                   if fact not in shared and len(keys) > 1 and keys[1] in efficiency})
    if record.emissions_scope() == SWEEP:
        shared.update(dict.fromkeys(EMISSION_FACTS, SWEEP))
    return dict(sorted(shared.items()))


def _metric(metrics: dict, name: str) -> dict | None:
    m = metrics.get(name)
    return m.to_dict() if isinstance(m, Metric) else m


def run_facts(record: dict | RunRecord, eval_set: str = "test") -> RunFacts:
    """The comparable facts of one validated run record (typed, or its dict)."""
    record = RunRecord.of(record)
    eff, model, emissions = record.efficiency or Efficiency(), record.model, record.emissions
    latency = eff.latency_ms_batch1 if isinstance(eff.latency_ms_batch1, Latency) else Latency()
    timings = (record.training.timings if record.training is not None else None) or {}
    metrics = eval_metrics(record, eval_set)
    return RunFacts(
        run_id=record.run_id, name=record.name, backbone=model.backbone if model else None,
        input_size=_number(model.input_size) if model else None,
        accuracy=_metric(metrics, "accuracy"), f1_macro=_metric(metrics, "f1_macro"),
        log_loss=_metric(metrics, "log_loss"),
        latency_median_ms=_first(latency.median, eff.latency_ms_per_image),
        latency_p95_ms=_first(latency.p95),
        throughput_images_per_s=_first(eff.throughput_images_per_s_batch32, eff.predict_images_per_s),
        weights_bytes_in_memory=_first(eff.weights_bytes_in_memory),
        model_file_bytes=_first(eff.model_file_bytes, model.file_bytes if model else None),
        total_params=_first(model.total_params) if model else None,
        training_s=_first(timings.get("fit_s")),
        duration_s=_first(emissions.duration_s) if emissions else None,
        energy_kwh=_first(emissions.energy_kwh) if emissions else None,
        emissions_kg=_first(emissions.emissions_kg) if emissions else None,
        emissions_scope=record.emissions_scope(), shared=shared_facts(record),
    )
