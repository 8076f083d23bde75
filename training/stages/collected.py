"""The collectors found in `training/collectors/`, as stages at one fixed point of every mode.

Every module of `training/collectors/` that ends with `COLLECTOR = Collector(...)`
(`collectors/collector_spec.py`) becomes a stage named after its module that fills its one
record section. Each mode runs the collectors that name it **at the end of its finish list, just
before `efficiency`** (so the run's peak memory covers them), in module-name order:
`head_mode.HEAD_FINISH`, `finetune_mode.FINETUNE_FINISH` and `evaluate`'s `evaluate_finish`
(after its emissions tracker closed). Adding a collector edits none of them.

A collector whose section no module of `modelcard/record/sections/` registers (or that is a
core field of the record) is refused when the stages are built, before any run starts: one
`UserError` line naming the module and the file to add, never a section silently dropped.
"""

from __future__ import annotations

import importlib
import pkgutil

from modelcard.errors import UserError
from modelcard.record.model import RunRecord
from modelcard.record.typed import field_names

import training.collectors as collector_modules
from ..collectors import guarded
from ..collectors.collector_spec import MODES, Collector
from .pipeline import OMIT, Stage, StageError, stage


def discover() -> dict[str, Collector]:
    """Module name -> the `COLLECTOR` it registers, for every module of `training/collectors/`, by name."""
    found = {}
    for info in sorted(pkgutil.iter_modules(collector_modules.__path__), key=lambda i: i.name):
        module = _import(info.name)
        spec = getattr(module, "COLLECTOR", None)
        if isinstance(spec, Collector):
            found[info.name] = spec
    return found


def _import(name: str):
    """The collector module `name`; one `UserError` line when the record module it imports is missing."""
    try:
        return importlib.import_module(f"{collector_modules.__name__}.{name}")
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if not missing.startswith("modelcard.record.sections."):
            raise
        raise UserError(f"training/collectors/{name}.py imports {missing}, which does not exist; add "
                        f"{missing.replace('.', '/')}.py with the section's dataclass, ending with RECORD_SECTION = "
                        "RecordSection(key, <its dataclass>) (docs/architecture.md, Adding a collector)") from None


def check_registered(name: str, spec: Collector) -> type:
    """The dataclass of the record section `spec` fills; a `UserError` when no record module registers it."""
    registered = RunRecord.registered_sections()
    if spec.section in field_names(RunRecord):
        raise UserError(f"training/collectors/{name}.py fills {spec.section!r}, a core section of the run record; "
                        "a collector fills a section of its own (docs/architecture.md, Adding a collector)")
    if spec.section not in registered:
        raise UserError(f"training/collectors/{name}.py fills record section {spec.section!r}, which no module of "
                        f"modelcard/record/sections/ registers; add modelcard/record/sections/{spec.section}.py ending "
                        f"with RECORD_SECTION = RecordSection({spec.section!r}, <its dataclass>) "
                        "(docs/architecture.md, Adding a collector)")
    return registered[spec.section]


def collector_stage(name: str, spec: Collector) -> Stage:
    """The stage of one collector: `spec.collect(ctx)`, guarded, written as its section (left out when None)."""
    kind = check_registered(name, spec)

    @stage(fills=(spec.section,), name=name)
    def collected(ctx) -> dict:
        value = guarded(spec.what, spec.collect, ctx, warnings=ctx.writer.warnings)
        if value is not None and not isinstance(value, kind):
            raise StageError(f"collector {name!r} returned a {type(value).__name__}, not its section's {kind.__name__}")
        return {spec.section: OMIT if value is None else value}

    return collected


def collected_stages(mode: str, found: dict[str, Collector] | None = None) -> tuple[Stage, ...]:
    """The stages of the collectors that run in `mode` ("head", "finetune" or "evaluate"), by module name;
    `found`: the collectors to use (default: every one `discover` finds)."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not one of {list(MODES)}")
    found = discover() if found is None else found
    return tuple(collector_stage(name, spec) for name, spec in found.items() if mode in spec.modes)
