"""The stage protocol: each stage declares the run-record sections it fills; one runner runs them.

A stage is one step of a run (fit, evaluate every set, robustness, examples, efficiency...)
over one context object (`context.MemberContext` for a trained or loaded model). Its `step`
returns the sections it produced, `{section: value}`, and the runner alone writes them into
the record and saves it, so each section has exactly one place it is written from:

    @stage(fills=("examples",))
    def examples(ctx: MemberContext) -> dict:
        return {"examples": record_examples(ctx.writer, ...)}

    run_stages((fit, evaluation, examples), ctx)

Checked before anything runs (`check_pipeline`): no two stages fill the same section, a stage
that `amends` a section (adds to what an earlier one filled: the fit's `training` gets the
evaluation's timings) comes after the stage that fills it, and no stage claims `warnings` or
`artifacts`, which every stage may append to. Checked after each stage: it returned exactly
the sections it declared (a missing or an undeclared one is a programming error, `StageError`).
A value of `OMIT` means "measured nothing, leave the section out" (robustness that failed
leaves no `robustness` section; its warning says why).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

SHARED_SECTIONS = frozenset({"warnings", "artifacts"})  # append-only: any stage may add to them
OMIT = object()  # a declared section the stage leaves out of the record on purpose


class StageError(RuntimeError):
    """A pipeline that breaks the protocol: a bug in the code, never a user mistake."""


class Context(Protocol):
    writer: Any              # a modelcard.record.RunWriter: `set(**sections)`, `view()`, `warn()`, `save()`
    filled: dict[str, str]   # section -> the stage that filled it, kept by the runner across calls


@dataclass(frozen=True)
class Stage:
    """One step: `step(ctx)` returns `{section: value}` for exactly `fills` + `amends`."""

    name: str
    fills: tuple[str, ...]
    step: Callable[[Any], dict[str, Any]]
    amends: tuple[str, ...] = ()

    def declared(self) -> tuple[str, ...]:
        return self.fills + self.amends


def stage(*, fills: Sequence[str] = (), amends: Sequence[str] = (), name: str | None = None):
    """Decorator: a function `step(ctx) -> {section: value}` becomes a `Stage`."""
    def wrap(step: Callable[[Any], dict[str, Any]]) -> Stage:
        return Stage(name or step.__name__, tuple(fills), step, tuple(amends))
    return wrap


def check_pipeline(stages: Sequence[Stage], filled: dict[str, str] | None = None) -> None:
    """Raise `StageError` when two stages fill one section, an amended section has no earlier
    filler, or a stage claims a shared section; `filled`: what earlier pipelines on the same
    context filled already (section -> stage)."""
    owner: dict[str, str] = dict(filled or {})
    for st in stages:
        for section in st.declared():
            if section in SHARED_SECTIONS:
                raise StageError(f"stage {st.name!r} declares {section!r}, which every stage appends to; "
                                 "declare only the sections it fills")
        for section in st.amends:
            if section not in owner:
                raise StageError(f"stage {st.name!r} amends {section!r}, which no earlier stage fills")
        for section in st.fills:
            if section in owner:
                raise StageError(f"stages {owner[section]!r} and {st.name!r} both fill {section!r}; "
                                 "one section has one stage")
            owner[section] = st.name


def write_sections(st: Stage, writer: Any, written: dict[str, Any] | None) -> None:
    """Check `written` against what `st` declared and write it with `writer.set` (the one place);
    a value may be a typed section or its JSON."""
    written = {} if written is None else written
    if set(written) != set(st.declared()):
        missing = sorted(set(st.declared()) - set(written))
        extra = sorted(set(written) - set(st.declared()))
        raise StageError(f"stage {st.name!r} declared {list(st.declared())} but "
                         + "; ".join(filter(None, [missing and f"did not write {missing}",
                                                   extra and f"wrote undeclared {extra}"])))
    writer.set(**{section: value for section, value in written.items() if value is not OMIT})


def run_stages(stages: Sequence[Stage], ctx: Context) -> None:
    """Run `stages` in order over `ctx`, writing each one's sections into `ctx.writer` and saving.

    A context may go through several pipelines one after another (a sweep member: its own
    stages, then those that wait for the whole sweep); `ctx.filled` carries the ownership over."""
    check_pipeline(stages, ctx.filled)
    for st in stages:
        write_sections(st, ctx.writer, st.step(ctx))
        ctx.filled.update(dict.fromkeys(st.fills, st.name))
        ctx.writer.save()
