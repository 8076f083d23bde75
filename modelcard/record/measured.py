"""Which measured quantities of a record were measured for this run, and which it shares.

A sweep trains several configurations in one process. Some quantities are measured once and
copied into every member's record: the full model's latency, throughput and weights in memory
are measured on the selected member's model (same backbone, same head shape), the peak memory
and feature-extraction speed once for the whole process, and the emissions totals cover the
whole sweep. Comparing two members on such a copy would show a difference of zero that no one
measured, so `diff` and the comparison cards say "shared" instead.

- Records since 1.2 say so: `efficiency.shared` (`{key: run id or "sweep"}`; a key not in it was
  measured for this run) and `emissions.scope` ("run" or "sweep").
- Older records: `efficiency.measured_on_run` names the run whose model was timed; a member of a
  sweep shares its peak memory, extraction speed and emissions totals with the sweep.
"""

from __future__ import annotations

SWEEP = "sweep"
#: Efficiency keys measured on a full model: a non-selected head-mode member copies the selected member's.
MODEL_MEASURED = ("latency_ms_batch1", "latency_ms_per_image", "throughput_images_per_s_batch32",
                  "predict_images_per_s", "weights_bytes_in_memory")
#: Efficiency keys measured once for the whole training process.
PROCESS_WIDE = ("peak_rss_mb", "extract_images_per_s")
#: The warning records before per-phase emissions carried for whole-sweep figures.
SWEEP_WIDE_WARNING = "emissions cover the whole sweep"


def in_sweep(record: dict) -> bool:
    """True for a member of a sweep of several configurations (a sweep id is only given then)."""
    return bool(record.get("sweep"))


def shared_efficiency(record: dict) -> dict[str, str]:
    """{efficiency key: where it was measured} for every figure not measured for this run alone,
    e.g. {"latency_ms_batch1": "20261122T035106Z-11c318", "peak_rss_mb": "sweep"}."""
    return shared_of(record.get("efficiency"), record.get("run_id"), in_sweep(record))


def shared_of(efficiency: dict | None, run_id: str | None, member_of_sweep: bool) -> dict[str, str]:
    """`shared_efficiency` from the parts it reads: the efficiency section, the run id, and
    whether the run is a member of a sweep (the typed model calls this)."""
    eff = efficiency or {}
    if isinstance(eff.get("shared"), dict):
        return dict(eff["shared"])
    shared: dict[str, str] = {}
    on = eff.get("measured_on_run")
    if on and on != run_id:
        shared.update({k: str(on) for k in MODEL_MEASURED if eff.get(k) is not None})
    if member_of_sweep:
        shared.update({k: SWEEP for k in PROCESS_WIDE if eff.get(k) is not None})
    return dict(sorted(shared.items()))


def emissions_scope(record: dict) -> str | None:
    """"run" when the emissions totals are this run's, "sweep" when they cover its whole sweep;
    None without emissions."""
    return scope_of(record.get("emissions"), record.get("warnings"), in_sweep(record))


def scope_of(emissions: dict | None, warnings: list | None, member_of_sweep: bool) -> str | None:
    """`emissions_scope` from the parts it reads (the typed model calls this)."""
    if not emissions:
        return None
    if emissions.get("scope") in ("run", SWEEP):
        return emissions["scope"]
    warned = any(SWEEP_WIDE_WARNING in str(w) for w in warnings or [])
    return SWEEP if warned or member_of_sweep else "run"


def shared_words(source: str) -> str:
    """How a shared figure is shown, e.g. "shared: measured once for the whole sweep"."""
    if source == SWEEP:
        return "shared: measured once for the whole sweep"
    return f"shared: measured on run {source}'s model"
