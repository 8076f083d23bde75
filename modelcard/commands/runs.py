"""`modelcard runs`: list run records with status, name, date and headline metric."""

from __future__ import annotations

import argparse
import json
import sys

from .options import add_runs_dir


def register(sub) -> None:
    """Add the `runs` subcommand to the `modelcard` parser."""
    r = sub.add_parser("runs", help="list run records with status, name, date and headline metric")
    r.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_runs_dir(r)
    r.set_defaults(handler=run)


def _headline(record):
    """Test accuracy (or the first set's) of a typed record: its `Metric`, or None."""
    evaluation = record.evaluation("test") or next(iter(record.evaluations.values()), None)
    return evaluation.metrics.get("accuracy") if evaluation else None


def run(args: argparse.Namespace) -> int:
    from ..record import list_runs, resolve_runs_dir
    from ..record.liveness import liveness
    from ..record.typed import dump

    runs_dir = resolve_runs_dir(args.runs_dir)
    runs, bad = list_runs(runs_dir)
    rows = []
    for r in runs:  # reading never rewrites a record: a run whose process died keeps `running` in run.json
        shown = liveness(r.model, r.path)
        rows.append({"run_id": r.run_id, "status": shown.status, "recorded_status": r.model.status,
                     "status_reason": shown.reason, "name": r.model.name,
                     "started_at": r.model.provenance.started_at, "created_by": r.model.created_by,
                     "sweep_id": r.model.sweep.sweep_id if r.model.sweep else None,
                     "test_accuracy": _headline(r.model), "path": str(r.path)})
    if args.json:
        print(json.dumps({"runs_dir": str(runs_dir), "runs": dump(rows),
                          "invalid": [{"path": str(p), "error": e} for p, e in bad]}, indent=2, sort_keys=True))
        return 0
    if not rows and not bad:
        print(f"no runs in {runs_dir}", file=sys.stderr)
        return 0
    table = [("RUN_ID", "STATUS", "NAME", "STARTED (UTC)", "TEST ACCURACY [95% CI]")]
    for row in rows:
        acc = row["test_accuracy"]
        metric = "-" if acc is None or acc.value is None else (
            f"{acc.value:.3f}" + (f" [{acc.ci_low:.3f}, {acc.ci_high:.3f}]" if acc.ci_low is not None else ""))
        table.append((row["run_id"], row["status"], row["name"], row["started_at"].replace("T", " ").rstrip("Z"), metric))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    for path, error in bad:
        print(f"warning: skipped {path}: {error}", file=sys.stderr)
    return 0
