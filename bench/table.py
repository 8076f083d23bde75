"""Read benchmark output (any text with `RESULT {json}` lines) on stdin and print one table.

`scripts/bench.sh` feeds it every benchmark's output; a benchmark listed with `--missing NAME`
gets a "not present" row, one listed with `--failed NAME` a "failed" row.
"""

from __future__ import annotations

import argparse
import json
import sys

from result import PREFIX

COLUMNS = ("benchmark", "what is compared", "measured", "target", "met", "peak memory", "scale")


def rows_from(text: str) -> list[dict]:
    return [json.loads(line[len(PREFIX):]) for line in text.splitlines() if line.startswith(PREFIX)]


def cells(row: dict) -> tuple[str, ...]:
    value = row.get("value")
    measured = "" if value is None else f"{value:g}{row.get('unit', '')}"
    met = {True: "met", False: "NOT met", None: "-"}[row.get("met")]
    peak = f"{row['peak_mb']:g} MiB" if row.get("peak_mb") is not None else ""
    return (row["benchmark"], row.get("compared", ""), measured, row.get("target") or "-", met, peak, row.get("scale", ""))


def table(rows: list[dict], missing: list[str], failed: list[str]) -> str:
    body = [cells(r) for r in rows]
    body += [(name, "(script not present)", "", "", "not present", "", "") for name in missing]
    body += [(name, "(the script failed: see its output above)", "", "", "failed", "", "") for name in failed]
    esc = [[c.replace("|", "\\|") for c in row] for row in body]
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in esc]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="append", default=[], metavar="NAME")
    parser.add_argument("--failed", action="append", default=[], metavar="NAME")
    args = parser.parse_args()
    print(table(rows_from(sys.stdin.read()), args.missing, args.failed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
