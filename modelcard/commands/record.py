"""`modelcard record`: a complete run record from predictions made anywhere."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UserError
from .options import add_runs_dir


def register(sub) -> None:
    """Add the `record` subcommand to the `modelcard` parser."""
    rec = sub.add_parser("record", help="create a complete run record from predictions made anywhere",
                         description="Create a run record from a predictions file made by any framework. "
                         "CSV: a `label` column (true class name), optional `id`, the --slice columns, and "
                         "one probability column per class headed by the class name. NPZ: y_prob, y_true, "
                         "class_names, optional ids and attribute arrays. Shards of `evaluate --shard K/N`: a "
                         "folder or a glob of .npz shards (merged in memory) or .parquet shards (streamed in row "
                         "batches, with a Poisson bootstrap); overlapping, missing or disagreeing shards are refused.")
    rec.add_argument("--predictions", required=True, metavar="FILE|DIR|GLOB",
                     help="a .csv, .npz or .parquet predictions file, or a folder or glob of shard files")
    rec.add_argument("--name", default=None, help="model name for the run (default: the file name)")
    rec.add_argument("--slice", action="append", default=[], metavar="COLUMN",
                     help="attribute column to slice metrics by (fairlearn MetricFrame); repeatable")
    rec.add_argument("--normalize", action="store_true", help="rescale probability rows that do not sum to 1")
    rec.add_argument("--n-resamples", type=int, default=1000, help="bootstrap resamples for CIs (default 1000)")
    rec.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    rec.add_argument("--label-issues", choices=("cleanlab", "none"), default="cleanlab",
                     help="cleanlab (default: estimate label errors from the predictions for the data card) or none")
    add_runs_dir(rec)
    rec.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..record import resolve_runs_dir
    from ..ingest.run_from_predictions import record_predictions

    if args.n_resamples < 100:
        raise UserError(f"--n-resamples {args.n_resamples} is too small for a 95% CI; use at least 100")
    path = record_predictions(Path(args.predictions), resolve_runs_dir(args.runs_dir), name=args.name,
                              slices=args.slice, normalize=args.normalize, n_resamples=args.n_resamples,
                              seed=args.seed, label_issues=args.label_issues != "none",
                              command_line=["modelcard", *args.argv])
    print(path)
    return 0
