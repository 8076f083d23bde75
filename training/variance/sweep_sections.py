"""The sections a sweep writes into every member once all are trained: `emissions` (one
tracker around the whole sweep, phase by phase) and the `sweep` table with the selection."""

from __future__ import annotations

from modelcard.record.sweep_table import member_row

from ..stages.context import Measured, MemberContext
from ..stages.members import MemberRun
from ..stages.pipeline import run_stages, stage
from ..stages.worker_steps import cluster_emissions
from . import sweep as sweeps


def record_emissions(members: list[MemberRun], emissions) -> None:
    """The whole sweep's emissions, phase by phase, in every member; its inference cost in the
    members that measured one. Without phases (task API failed) the old whole-sweep warning."""
    from modelcard.record.phase_costs import shared_cost
    from modelcard.record.typed import with_fields

    from ..measure.model_cost import inference_section

    result = cluster_emissions(emissions.result())  # a cluster: every worker's energy
    shared = None if result is None else shared_cost(result)

    @stage(fills=("emissions",), reads=(Measured,))
    def sweep_emissions(ctx: MemberContext, measured: Measured) -> dict:
        if emissions.warning:
            ctx.writer.warn(emissions.warning)
        if result is not None and not result.phases and len(members) > 1:
            ctx.writer.warn(f"emissions cover the whole sweep of {len(members)} configurations "
                            "(shared data loading and feature extraction included)")
        return {"emissions": None if result is None else with_fields(
            result, inference=inference_section(measured.inference, result), shared_cost=shared,
            scope="sweep" if len(members) > 1 else "run")}

    for member in members:
        run_stages((sweep_emissions,), member.ctx, member.made)


def record_sweep(members: list[MemberRun], chosen: MemberRun, rule, sweep_id: str | None) -> None:
    """The sweep table and the selection in every member; `efficiency.shared` marks what it shares."""
    table = [member_row(m.writer.record, m.parameters, status="complete", selected=m is chosen) for m in members]
    for member in members:
        if sweep_id:
            member.writer.amend("sweep", selected=member is chosen, members=table, **sweeps.selection_facts(rule, table))
        sweeps.mark_shared(member.writer, len(members))
        member.writer.save()
