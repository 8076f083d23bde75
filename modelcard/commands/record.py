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
                         "class_names, optional ids and attribute arrays. Parquet from any engine (one file, or a folder or "
                         "glob of part files): the CSV's columns, or `label` and a `y_prob` list column whose classes "
                         "--classes names; streamed in row batches with a Poisson bootstrap. Shards of `evaluate "
                         "--shard K/N`: a folder or a glob of .npz shards (merged in memory) or .parquet shards "
                         "(streamed); overlapping, missing or disagreeing shards are refused.")
    rec.add_argument("--predictions", required=True, metavar="FILE|DIR|GLOB",
                     help="a .csv, .npz or .parquet predictions file, or a folder or glob of Parquet parts or shard files")
    names = rec.add_mutually_exclusive_group()
    names.add_argument("--classes", default=None, metavar="A,B,C",
                       help="Parquet: the class names of a y_prob list column, in the lists' order (or, with one "
                            "column per class, which columns are the classes: the others are ignored)")
    names.add_argument("--classes-file", default=None, metavar="FILE",
                       help="the same as --classes, one class name per line (for names with commas, or many classes)")
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
                              seed=args.seed, label_issues=args.label_issues != "none", classes=class_names(args),
                              command_line=["modelcard", *args.argv])
    print(path)
    return 0


def class_names(args: argparse.Namespace) -> list[str] | None:
    """The names `--classes a,b,c` or `--classes-file FILE` (one a line, blank lines skipped) give; None if neither."""
    if args.classes_file is not None:
        try:
            text = Path(args.classes_file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"--classes-file {args.classes_file}: cannot read it as UTF-8 text ({exc})") from None
        names, flag = [line.strip() for line in text.splitlines() if line.strip()], f"--classes-file {args.classes_file}"
    elif args.classes is not None:
        names, flag = [part.strip() for part in args.classes.split(",")], "--classes"
    else:
        return None
    if len(names) < 2 or not all(names):
        raise UserError(f"{flag} names {len(names)} class(es){' with an empty name' if not all(names) else ''}; "
                        "give at least 2 non-empty names, e.g. --classes cat,dog")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UserError(f"{flag} names {', '.join(repeated)} more than once; each class is named once")
    return names
