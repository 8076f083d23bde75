"""The machine-readable line every benchmark prints last, which `scripts/bench.sh` collects.

A benchmark keeps its human output and adds one `RESULT {json}` line per figure it measures:
the benchmark, what is compared, the measured value, the target, whether it is met, and peak
memory when the benchmark measures it. `bench/table.py` turns the lines into one table.
"""

from __future__ import annotations

import json
import operator

PREFIX = "RESULT "
OPS = {"<=": operator.le, ">=": operator.ge}


def result(benchmark: str, compared: str, value: float | None, op: str | None = None, target: float | None = None,
           *, unit: str = "", scale: str = "", peak_mb: float | None = None) -> None:
    """Print one RESULT line; `met` is `value OP target` (None when there is no target)."""
    met = None if op is None or target is None or value is None else bool(OPS[op](value, target))
    row = {"benchmark": benchmark, "compared": compared, "value": value, "unit": unit,
           "target": f"{op} {target:g}{unit}" if op else "", "met": met, "scale": scale, "peak_mb": peak_mb}
    print(PREFIX + json.dumps(row, sort_keys=True), flush=True)
