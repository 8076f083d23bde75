"""What one discovered collector says about itself (in its own module, `training/collectors/<name>.py`).

A collector module that ends with `COLLECTOR = Collector(...)` is a stage of every mode it names,
found by `training/stages/collected.py`; no list is edited:

    def toy_counts(ctx) -> ToyCounts:          # ctx: the member's frozen `stages.context.MemberContext`
        samples = ctx.sets["test"].samples
        return ToyCounts(test_images=len(samples), even_names=...)

    COLLECTOR = Collector("toy_counts", toy_counts, what="toy counts")

It fills one registered record section (`modelcard/record/sections/`, its JSON key here) with
that section's dataclass, or returns None when it measured nothing (the section is left out). It
runs `guarded`: a collector that raises leaves the section out and a warning
"<what> not measured: ...", never a failed run. It reads only the context (no made values: a
measurement that needs `Measured` or another stage's output is a stage of `post_fit.py`).
This module imports no collector (they import it) and nothing of `stages/` (a lower layer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

#: The pipelines a collector can run in: the two training engines and `evaluate`.
MODES = ("head", "finetune", "evaluate")


@dataclass(frozen=True)
class Collector:
    """A stage declared in its collector's module: the section it fills, how, and in which modes."""

    section: str  # the registered record section it fills, e.g. "toy_counts"
    collect: Callable[[Any], Any]  # collect(ctx) -> that section's dataclass, or None: nothing measured
    what: str  # what its warning names when it fails, e.g. "toy counts" -> "toy counts not measured: ..."
    modes: tuple[str, ...] = MODES  # where it runs, e.g. ("head", "finetune"): training only

    def __post_init__(self) -> None:
        unknown = sorted(set(self.modes) - set(MODES))
        if unknown or not self.modes:
            raise ValueError(f"collector {self.section!r}: modes {list(self.modes)} must be some of {list(MODES)}")
