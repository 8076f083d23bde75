"""Sweeps: a grid of configurations, a rule that picks one, and the table every member records.

No TensorFlow here: the grid and the selection are plain data, so they are checked before any
expensive work starts.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, replace

from modelcard.errors import UserError
from modelcard.record import RunWriter
from modelcard.record.measured import MODEL_MEASURED, PROCESS_WIDE, SWEEP
from modelcard.record.model import Efficiency, Member

from ..config import SWEEPABLE, TrainConfig, coerce

#: How `SelectionRule.choose` breaks a tie, as recorded in `sweep.tie_break` (record 1.2).
TIE_BREAK = "first in the sweep's order"
# selection metric -> which history value of the member it reads (at the best epoch)
SELECTION_METRICS = ("val_accuracy", "val_loss")
DIRECTIONS = ("max", "min")


def parse_sweep_options(items: list[str]) -> dict[str, list]:
    """`["optimizer=adam,sgd", "batch_size=32,64"]` -> `{"optimizer": ["adam","sgd"], "batch_size": [32, 64]}`."""
    axes: dict[str, list] = {}
    for item in items:
        key, sep, values = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key or not values.strip():
            raise UserError(f"--sweep {item!r} is not KEY=V1,V2,...; e.g. --sweep optimizer=adam,sgd")
        if key not in SWEEPABLE:
            raise UserError(f"cannot sweep {key!r}; sweepable keys: {', '.join(SWEEPABLE)}")
        if key in axes:
            raise UserError(f"--sweep {key} is given twice; list all its values once, comma-separated")
        parsed = [coerce(key, v.strip(), f"--sweep {key}") for v in values.split(",") if v.strip()]
        if len(set(map(repr, parsed))) != len(parsed):
            raise UserError(f"--sweep {key} repeats a value; list each value once")
        axes[key] = parsed
    return axes


def expand(config: TrainConfig) -> list[dict]:
    """Every combination of the sweep's values, in the order given (first axis slowest)."""
    if not config.sweep:
        return [{}]
    keys = list(config.sweep)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(config.sweep[k] for k in keys))]


def member_config(config: TrainConfig, parameters: dict) -> TrainConfig:
    """The effective config of one member: the base config with its sweep values applied."""
    return replace(config, **parameters).resolved()


def new_sweep_id() -> str:
    return "sweep-" + secrets.token_hex(4)


@dataclass(frozen=True)
class SelectionRule:
    """`metric:direction`, e.g. `val_accuracy:max` (the default) or `val_loss:min`."""

    metric: str
    direction: str

    @classmethod
    def parse(cls, text: str) -> "SelectionRule":
        metric, _, direction = text.partition(":")
        if metric not in SELECTION_METRICS or direction not in DIRECTIONS:
            raise UserError(f"--select {text!r} is not understood; use METRIC:max|min with METRIC one of "
                            f"{', '.join(SELECTION_METRICS)} (e.g. val_accuracy:max); test metrics are never used to choose")
        return cls(metric, direction)

    def __str__(self) -> str:
        return f"{self.metric}:{self.direction}"

    def choose(self, values: list[float | None]) -> int | None:
        """Index of the best value (first one on ties); None when no member has a value."""
        scored = [(v if self.direction == "max" else -v, -i) for i, v in enumerate(values) if v is not None]
        return -max(scored)[1] if scored else None


def selection_facts(rule: SelectionRule, table: list[Member]) -> dict:
    """What the record keeps about the choice besides the rule (record 1.2): how a tie is broken
    and which members tie with the chosen one on the selection metric, e.g.
    {"tie_break": "first in the sweep's order", "tied_run_ids": ["...-11c318", "...-9a29a4"]}
    (the chosen member first; empty when no other member has the same value)."""
    values = [getattr(row, rule.metric, None) for row in table]
    index = rule.choose(values)
    tied = [] if index is None else [row.run_id for row, value in zip(table, values) if value == values[index]]
    return {"tie_break": TIE_BREAK, "tied_run_ids": tied if len(tied) > 1 else []}


def mark_shared(writer: RunWriter, n_members: int) -> None:
    """Write `efficiency.shared` into a trained member's record (nothing without an efficiency section)."""
    efficiency = writer.view().efficiency
    if efficiency is not None:
        writer.amend("efficiency", shared=shared_efficiency(efficiency, n_members))


def shared_efficiency(efficiency: Efficiency | None, n_members: int) -> dict[str, str]:
    """`efficiency.shared` (record 1.2): each figure a member did not measure for itself -> the run
    whose model was timed (`measured_on_run`) or "sweep" (once for the whole training process)."""
    shared: dict[str, str] = {}
    if efficiency is None:
        return shared
    if efficiency.measured_on_run:
        shared.update({k: efficiency.measured_on_run for k in MODEL_MEASURED if getattr(efficiency, k) is not None})
    if n_members > 1:
        shared.update({k: SWEEP for k in PROCESS_WIDE if getattr(efficiency, k) is not None})
    return dict(sorted(shared.items()))


# -- the members of a running sweep (stages.members.MemberRun: index, parameters, metric(), writer) --

def member_label(member, n_members: int) -> str:
    """`[3/8] optimizer=sgd batch_size=32` for a sweep member, "" for a single configuration."""
    if n_members <= 1:
        return ""
    return " ".join([f"[{member.index + 1}/{n_members}]", *(f"{k}={v}" for k, v in member.parameters.items())])


def selection_line(rule: SelectionRule, members, chosen, elapsed_s: float) -> str:
    """The one line naming the selected configuration and why it was chosen."""
    if len(members) == 1:
        return f"trained 1 configuration in {elapsed_s:.1f}s: run {chosen.writer.run_id}"
    value = chosen.metric(rule.metric)
    best = "highest" if rule.direction == "max" else "lowest"
    reason = (f"{best} {rule.metric} ({value:.3f}) of {len(members)} configurations (--select {rule})"
              if value is not None else f"no configuration has a {rule.metric}, so the first is kept")
    ties = sum(1 for m in members if value is not None and m.metric(rule.metric) == value)
    tie_note = f", first of {ties} tied" if ties > 1 else ""
    return (f"selected {member_label(chosen, len(members))}: {reason}{tie_note}; "
            f"run {chosen.writer.run_id} ({elapsed_s:.1f}s in all)")


def choose_member(rule: SelectionRule, members) -> int:
    """Index of the member `rule` picks (the first when none has the metric)."""
    index = rule.choose([m.metric(rule.metric) for m in members])
    return 0 if index is None else index
