"""`modelcard diff`: compare two runs, with paired tests on shared test images."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import UserError
from .options import add_runs_dir


def register(sub) -> None:
    """Add the `diff` subcommand to the `modelcard` parser."""
    d = sub.add_parser("diff", help="compare two runs: paired significance on shared test images, and what changed",
                       description="Compare run B against run A (changes are B - A). On the same test images: a "
                       "paired bootstrap of the accuracy and macro-F1 difference and McNemar's exact test; on "
                       "different test sets: each run's own interval, and no paired claim.")
    d.add_argument("a", metavar="A", help="the baseline run: latest, a run id, or a run folder")
    d.add_argument("b", metavar="B", help="the run compared against it")
    d.add_argument("--format", default="md", choices=("md", "json"), help="md (a pull-request comment, default) or json")
    d.add_argument("--n-resamples", type=int, default=2000, help="paired bootstrap resamples (default 2000)")
    d.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    add_runs_dir(d)
    d.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..compare.diff import diff_runs
    from ..render.diff_report import render_markdown, to_json
    from ..record import resolve_run, resolve_runs_dir

    if args.n_resamples < 100 or args.seed < 0:
        raise UserError("--n-resamples must be at least 100 and --seed at least 0 (e.g. --n-resamples 2000 --seed 0)")
    runs_dir = resolve_runs_dir(args.runs_dir)
    result = diff_runs(resolve_run(args.a, runs_dir), resolve_run(args.b, runs_dir),
                       n_resamples=args.n_resamples, seed=args.seed)
    if args.format == "json":
        print(json.dumps(to_json(result), indent=2, sort_keys=True, allow_nan=False))
    else:
        sys.stdout.write(render_markdown(result))
    return 0
