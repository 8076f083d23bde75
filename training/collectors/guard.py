"""Collectors never break a run: `guarded` runs one and turns its failure into a warning.

    hardware = guarded("hardware", collect_hardware, warnings=writer.warnings)

On an exception the result is None (the record's field stays null: nothing is made up) and
one line is appended to `warnings`: "<what> not measured: <Type>: <message>", which the card
shows at the top. Ctrl-C (KeyboardInterrupt) and SystemExit still pass through.
"""

from __future__ import annotations

from typing import Any, Callable


def not_measured(what: str, error: BaseException) -> str:
    """The warning line for a collector that failed, e.g. "hardware not measured: OSError: ..."."""
    first = (str(error).strip().splitlines() or [""])[0][:200]
    return f"{what} not measured: {type(error).__name__}" + (f": {first}" if first else "")


def guarded(what: str, fn: Callable[..., Any], *args: Any, warnings: list[str], **kwargs: Any) -> Any:
    """`fn(*args, **kwargs)`, or None with a warning in `warnings` when it raises."""
    try:
        return fn(*args, **kwargs)
    except Exception as error:  # a collector's failure is reported, never fatal
        warnings.append(not_measured(what, error))
        return None
