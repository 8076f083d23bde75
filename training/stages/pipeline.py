"""The stage protocol: each stage declares what it reads and writes; one runner runs them.

A stage is one step of a run (fit, evaluate every set, robustness, examples, efficiency...)
over one context of inputs (`context.MemberContext`: the model's callables, the sets, the
settings; frozen). It declares

* `fills`: the run-record sections it produces, `amends`: sections an earlier stage filled that
  it adds to (the fit's `training` gets the evaluation's timings);
* `makes`: the typed values it produces for later stages (frozen dataclasses of `context.py`,
  e.g. `Measured`, `EvaluationTiming`), which are not record sections;
* `reads`: the made values it needs, handed to it as arguments in the declared order.

It returns its sections and its made values, `output(*made, **sections)` (a plain
`{section: value}` when it makes nothing); the runner alone writes the sections into the record
and saves it, and keeps the made values in the context's `Made`, keyed by type:

    @stage(reads=(SavedModel,), makes=(Measured,))
    def measure_model(ctx: MemberContext, saved: SavedModel) -> Output:
        return output(Measured(...))

    run_stages((fit, evaluation, save_model, measure_model), ctx, made)

Checked before anything runs (`check_pipeline`): no two stages fill one section or make one
value type, an amended section is filled and a read value made by an earlier stage (or given
to `Made` as an input), and no stage claims `warnings` or `artifacts`, which every stage may
append to. Checked after each stage: it returned exactly the sections and the value types it
declared (a missing or an undeclared one is a programming error, `StageError`). A section value
of `OMIT` means "measured nothing, leave the section out" (robustness that failed leaves no
`robustness` section; its warning says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol, Sequence, TypeVar

SHARED_SECTIONS = frozenset({"warnings", "artifacts"})  # append-only: any stage may add to them
OMIT = object()  # a declared section the stage leaves out of the record on purpose
INPUT = "(input)"  # the maker of a value given to `Made` before any stage ran
T = TypeVar("T")


class StageError(RuntimeError):
    """A pipeline that breaks the protocol: a bug in the code, never a user mistake."""


class Context(Protocol):
    writer: Any  # a modelcard.record.RunWriter: `set(**sections)`, `view()`, `warn()`, `save()`


@dataclass(frozen=True)
class Output:
    """What one stage returned: its record sections and its made values."""

    sections: Mapping[str, Any] = field(default_factory=dict)
    made: tuple = ()


def output(*made: Any, **sections: Any) -> Output:
    """A stage's result, e.g. `output(EvaluationTiming(...), evaluations={...})`."""
    return Output(sections, made)


class Made:
    """What the stages over one context made so far, kept by the runner alone: the typed values
    by type (and the stage that made each), the record sections by the stage that filled them.

    A context may go through several pipelines one after another (a sweep member: its own
    stages, then those that wait for the whole sweep); its `Made` carries both over."""

    def __init__(self, *inputs: Any):
        self._values: dict[type, Any] = {type(value): value for value in inputs}
        self.makers: dict[type, str] = dict.fromkeys(self._values, INPUT)
        self.filled: dict[str, str] = {}

    def __getitem__(self, kind: type[T]) -> T:
        if kind not in self._values:
            raise StageError(f"no stage made a {kind.__name__}")
        return self._values[kind]

    def __contains__(self, kind: type) -> bool:
        return kind in self._values

    def add(self, st: Stage, values: Sequence[Any]) -> None:
        """The runner's record of what `st` made and filled (checked already)."""
        for value in values:
            self._values[type(value)] = value
            self.makers[type(value)] = st.name
        self.filled.update(dict.fromkeys(st.fills, st.name))


@dataclass(frozen=True)
class Stage:
    """One step: `step(ctx, *read values)` returns exactly `fills` + `amends` and `makes`."""

    name: str
    fills: tuple[str, ...]
    step: Callable[..., Output | dict[str, Any]]
    amends: tuple[str, ...] = ()
    reads: tuple[type, ...] = ()
    makes: tuple[type, ...] = ()

    def declared(self) -> tuple[str, ...]:
        return self.fills + self.amends


def stage(*, fills: Sequence[str] = (), amends: Sequence[str] = (), reads: Sequence[type] = (),
          makes: Sequence[type] = (), name: str | None = None):
    """Decorator: a function `step(ctx, *reads) -> output(*made, **sections)` becomes a `Stage`."""
    def wrap(step: Callable[..., Output | dict[str, Any]]) -> Stage:
        return Stage(name or step.__name__, tuple(fills), step, tuple(amends), tuple(reads), tuple(makes))
    return wrap


def _check_sections(st: Stage, owner: dict[str, str]) -> None:
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


def _check_values(st: Stage, makers: dict[type, str]) -> None:
    for kind in st.reads:
        if kind not in makers:
            raise StageError(f"stage {st.name!r} reads {kind.__name__}, which no earlier stage makes")
    for kind in st.makes:
        if kind in makers:
            raise StageError(f"stages {makers[kind]!r} and {st.name!r} both make {kind.__name__}; "
                             "one value has one maker")
        makers[kind] = st.name


def check_pipeline(stages: Sequence[Stage], made: Made | None = None) -> None:
    """Raise `StageError` when two stages fill one section or make one value type, an amended
    section or a read value has no earlier maker, or a stage claims a shared section; `made`:
    what earlier pipelines on the same context made and filled already."""
    owner: dict[str, str] = dict(made.filled) if made else {}
    makers: dict[type, str] = dict(made.makers) if made else {}
    for st in stages:
        _check_sections(st, owner)
        _check_values(st, makers)


def _names(items) -> list[str]:
    return sorted(item if isinstance(item, str) else item.__name__ for item in items)


def _difference(verb: str, did: str, declared: Sequence, returned: Sequence) -> list[str]:
    missing, extra = _names(set(declared) - set(returned)), _names(set(returned) - set(declared))
    return [text for text in (missing and f"did not {verb} {missing}", extra and f"{did} undeclared {extra}") if text]


def checked_output(st: Stage, returned: Output | dict[str, Any] | None) -> Output:
    """`returned` as an `Output`, checked against what `st` declared (`StageError` if not)."""
    result = returned if isinstance(returned, Output) else Output({} if returned is None else returned)
    kinds = [type(value) for value in result.made]
    problems = _difference("write", "wrote", st.declared(), list(result.sections))
    problems += _difference("make", "made", st.makes, kinds)
    if len(set(kinds)) != len(kinds):
        problems.append(f"made one type twice {_names(kinds)}")
    if problems:
        makes = f" and makes {_names(st.makes)}" if st.makes else ""
        raise StageError(f"stage {st.name!r} declared {list(st.declared())}{makes} but " + "; ".join(problems))
    return result


def write_sections(st: Stage, writer: Any, written: Mapping[str, Any]) -> None:
    """Write a stage's checked sections with `writer.set` (the one place); a value may be a typed
    section or its JSON."""
    writer.set(**{section: value for section, value in written.items() if value is not OMIT})


def run_stages(stages: Sequence[Stage], ctx: Context, made: Made) -> None:
    """Run `stages` in order over `ctx`, each given the values it reads from `made`; write each
    one's sections into `ctx.writer` and save, and keep what it made in `made`."""
    check_pipeline(stages, made)
    for st in stages:
        result = checked_output(st, st.step(ctx, *(made[kind] for kind in st.reads)))
        write_sections(st, ctx.writer, result.sections)
        made.add(st, result.made)
        ctx.writer.save()
