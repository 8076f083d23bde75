"""Find the runs a comparison card compares: a sweep's members or the `--compare` runs.

Member records are read from the folder that holds the card's run (its sibling runs) and from
the runs folder; a member that is in neither keeps only its sweep-table row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..record.format import RUN_JSON
from ..record.model import Member, RunRecord, Sweep
from ..record.store import RunRef, list_runs, read_record


@dataclass(frozen=True)
class MemberSource:
    """What is known about one compared run: its record when found, else its sweep-table row."""

    run_id: str                 # "20261122T000037Z-ec7710"
    record: RunRecord | None    # the member's run record, None when its folder was not found
    sweep_row: Member | None    # its row of the sweep table, e.g. parameters {...} and test_accuracy
    chosen: bool                # True for the configuration the card is about


def _find_record(run_id: str, folders: list[Path]) -> RunRecord | None:
    """The validated record of `run_id` in one of `folders`, typed."""
    for folder in folders:
        candidate = folder / run_id
        if (candidate / RUN_JSON).is_file():
            try:
                return RunRecord.of(read_record(candidate))
            except UserError:
                return None  # a damaged sibling is shown as "record not found", not fatal to this card
    return None


def _folders(run: RunRef, runs_dir: Path | None) -> list[Path]:
    folders = [Path(run.path).parent]
    if runs_dir is not None and Path(runs_dir).resolve() != folders[0].resolve():
        folders.append(Path(runs_dir))
    return folders


def comparison_sources(run: RunRef, runs_dir: Path | None = None,
                       compare: list[RunRef] | None = None) -> tuple[str, list[MemberSource]] | None:
    """("compare" | "sweep", sources in table order), or None when there is nothing to compare."""
    sweep = run.model.sweep
    if compare:  # this run (and its sweep's members found on disk), then the named runs; the user chose this run
        siblings = _sweep_sources(run, sweep, runs_dir) if sweep else []
        sources = [MemberSource(run.run_id, run.model, None, True)]
        sources += [MemberSource(s.run_id, s.record, None, False) for s in siblings
                    if s.record is not None and s.run_id != run.run_id]
        seen = {s.run_id for s in sources}
        for other in compare:
            if other.run_id not in seen:
                seen.add(other.run_id)
                sources.append(MemberSource(other.run_id, other.model, None, False))
        return "compare", sources
    if not sweep:
        return None
    return "sweep", _sweep_sources(run, sweep, runs_dir)


def _stopped_sweep_rows(sweep: Sweep, folders: list[Path]) -> list[Member]:
    """A sweep that stopped before writing its table: its members are the runs sharing its id."""
    rows: list[Member] = []
    for folder in folders:
        runs, _ = list_runs(folder)
        for r in runs:
            theirs = r.model.sweep
            if theirs is not None and theirs.sweep_id == sweep.sweep_id and r.run_id not in {m.run_id for m in rows}:
                rows.append(Member(run_id=r.run_id, parameters=theirs.parameters, selected=theirs.selected,
                                   _present=frozenset({"run_id", "parameters", "selected"})))
    return rows


def _sweep_sources(run: RunRef, sweep: Sweep, runs_dir: Path | None) -> list[MemberSource]:
    """The sweep's members in table order, with their records where found."""
    folders = _folders(run, runs_dir)
    rows = [m for m in sweep.members if isinstance(m, Member)] or _stopped_sweep_rows(sweep, folders)
    sources = []
    for row in rows:
        this = row.run_id == run.run_id
        record = run.model if this else _find_record(row.run_id, folders)
        sources.append(MemberSource(row.run_id, record, row, bool(row.selected) or (this and bool(sweep.selected))))
    return sources
