"""The `modelcard` command line: build, runs, record (card side) and train, evaluate (lazy).

User mistakes end as one line on stderr and exit code 2, never a traceback. This module
imports nothing heavy at start-up: each command imports what it needs, and TensorFlow is only
ever imported inside `train`/`evaluate`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from . import __version__
from .errors import InconsistentCard, UserError

FORMATS = ("md", "html", "json")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a wrong flag in one line (plus where to get help), exit 2."""

    def error(self, message: str):  # noqa: D102 - argparse API
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _add_runs_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runs-dir", metavar="DIR", default=None,
                   help="folder holding run records (default: $MODELCARD_RUNS or ./runs)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="modelcard", description="Model cards and responsible-AI reports written from "
                     "measured training runs: every number traces back to a run record.")
    parser.add_argument("--version", action="version", version=f"modelcard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    b = sub.add_parser("build", help="render cards (Markdown, HTML, MCT JSON) from a run record",
                       description="Render a run record plus card.yaml into cards/<name>.md, .html and "
                       ".mct.json with SVG figures. Sections with no facts and no human text are named "
                       "as missing (listed on stderr), never padded.")
    b.add_argument("--run", default="latest", metavar="latest|RUN_ID|PATH",
                   help="which run: `latest` (newest complete run, the default), a run id, or a run folder")
    b.add_argument("--out", default="cards", metavar="DIR", help="output folder (default: cards/)")
    b.add_argument("--card-info", default=None, metavar="YAML",
                   help="human-written card information (default: ./card.yaml when it exists)")
    b.add_argument("--format", default=",".join(FORMATS), metavar="md,html,json",
                   help="comma-separated output formats (default: all three)")
    b.add_argument("--templates", default=None, metavar="DIR", help="override the Jinja templates folder")
    b.add_argument("--mct-graphics", action="store_true",
                   help="embed the figures as PNG in the .mct.json too (slower; the MCT schema takes only PNG)")
    b.add_argument("--compare", nargs="+", default=[], metavar="RUN",
                   help="also compare the card's run side by side with these runs (ids or folders)")
    b.add_argument("--policy", default=None, metavar="YAML",
                   help="also render a Checks subsection: this policy's gates and completeness, with its sha256")
    _add_runs_dir(b)
    b.set_defaults(handler=_cmd_build)

    r = sub.add_parser("runs", help="list run records with status, name, date and headline metric")
    r.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _add_runs_dir(r)
    r.set_defaults(handler=_cmd_runs)

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
    _add_runs_dir(rec)
    rec.set_defaults(handler=_cmd_record)

    d = sub.add_parser("diff", help="compare two runs: paired significance on shared test images, and what changed",
                       description="Compare run B against run A (changes are B - A). On the same test images: a "
                       "paired bootstrap of the accuracy and macro-F1 difference and McNemar's exact test; on "
                       "different test sets: each run's own interval, and no paired claim.")
    d.add_argument("a", metavar="A", help="the baseline run: latest, a run id, or a run folder")
    d.add_argument("b", metavar="B", help="the run compared against it")
    d.add_argument("--format", default="md", choices=("md", "json"), help="md (a pull-request comment, default) or json")
    d.add_argument("--n-resamples", type=int, default=2000, help="paired bootstrap resamples (default 2000)")
    d.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    _add_runs_dir(d)
    d.set_defaults(handler=_cmd_diff)

    c = sub.add_parser("check", help="check a card: policy gates, completeness, documentation coverage",
                       description="Check the card of a run: gates from a policy file (docs/policy.md), that every "
                       "section holds measured facts or human text, that sign-off sections are written and no "
                       "placeholder is left, that the card's claims and the files `build` wrote for the run (in --cards) "
                       "keep the consistency invariants (README, Consistency), and (--coverage) which HF-template and "
                       "EU AI Act Annex IV items the card fills. Exit 0 when all pass, 1 when a gate, completeness item "
                       "or invariant fails, 2 on a usage error.")
    target = c.add_mutually_exclusive_group()
    target.add_argument("--run", default=None, metavar="latest|RUN_ID|PATH", help="which run (default: latest)")
    target.add_argument("--card", default=None, metavar="cards/NAME.md",
                        help="check a rendered Markdown card instead (sections and placeholders only)")
    c.add_argument("--policy", default=None, metavar="YAML", help="policy file: a `gates:` list of `METRIC OP NUMBER`")
    c.add_argument("--coverage", action="store_true", help="add the documentation coverage table (HF, Annex IV)")
    c.add_argument("--cards", default="cards", metavar="DIR",
                   help="folder where `build` wrote this run's card: its files are checked against the card's claims "
                        "(default: cards/; none there for this run: the claims alone are checked)")
    c.add_argument("--json", action="store_true", help="print JSON instead of tables")
    c.add_argument("--card-info", default=None, metavar="YAML",
                   help="human-written card information (default: ./card.yaml when it exists)")
    _add_runs_dir(c)
    c.set_defaults(handler=_cmd_check)

    i = sub.add_parser("init", help="write a commented card.yaml skeleton to fill in",
                       description="Write a card.yaml skeleton: every human-written key with a one-line explanation "
                       "and an example. Values to replace carry the marker TODO(modelcard init), which "
                       "`modelcard check` fails on until it is replaced.")
    i.add_argument("--out", default="card.yaml", metavar="YAML", help="where to write it (default: card.yaml)")
    i.add_argument("--run", default=None, metavar="latest|RUN_ID|PATH",
                   help="pre-fill model_name and runs: from this run")
    i.add_argument("--force", action="store_true", help="overwrite an existing file")
    _add_runs_dir(i)
    i.set_defaults(handler=_cmd_init)

    pub = sub.add_parser("publish", help="write a static site listing every card, sortable without JavaScript",
                         description="Write a self-contained static site: index.html lists every card in --cards "
                         "(name, run date, headline metric with interval, check status, documentation coverage, "
                         "links to the HTML, Markdown and JSON copied into the site), with one page per sort order. "
                         "A broken card is listed with its problems (exit 1). --out is replaced as a whole.")
    pub.add_argument("--cards", default="cards", metavar="DIR", help="folder `modelcard build` wrote (default: cards/)")
    pub.add_argument("--out", required=True, metavar="DIR",
                     help="site folder: new, empty, or an earlier publish (it is replaced)")
    pub.set_defaults(handler=_cmd_publish)

    from . import cli_training  # argparse definitions only; training is imported lazily

    cli_training.register(sub)
    for name in ("train", "evaluate"):
        _add_runs_dir(sub.choices[name])
    return parser


def _cmd_build(args: argparse.Namespace) -> int:
    from .record import resolve_run, resolve_runs_dir
    from .render.build import build_cards

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserError(f"unknown --format {','.join(unknown) or '(empty)'}; choose from {','.join(FORMATS)}")
    runs_dir = resolve_runs_dir(args.runs_dir)
    run = resolve_run(args.run, runs_dir)
    compare = [resolve_run(ref, runs_dir) for ref in args.compare]
    result = build_cards(run, Path(args.out), card_info=Path(args.card_info) if args.card_info else None,
                         formats=formats, templates_dir=Path(args.templates) if args.templates else None,
                         runs_dir=runs_dir, mct_graphics=args.mct_graphics, compare=compare,
                         policy=Path(args.policy) if args.policy else None)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if result.gaps:
        print(f"{len(result.gaps)} section(s) not provided:", file=sys.stderr)
        for gap in result.gaps:
            print(f"  - {gap}", file=sys.stderr)
        if any("card.yaml" in gap for gap in result.gaps):
            print("  (`modelcard init --run RUN` writes a commented card.yaml with every key; fill it in, build again)",
                  file=sys.stderr)
    if result.checks is not None:
        print(f"checks ({result.checks.policy_file}): {'pass' if result.checks.passed else 'FAIL'}, "
              f"{result.checks.summary} (see the card's Checks subsection or `modelcard check`)", file=sys.stderr)
    for line in written_lines(result.written, Path(args.out)):
        print(line)
    return 0


def written_lines(written: list[Path], out: Path) -> list[str]:
    """What `build` prints: each card file on its own line (scripts grep them), then the figures
    as one count per folder, e.g. "and 117 figure files in cards/figures/NAME/"."""
    figures_root = out / "figures"
    cards = [p for p in written if figures_root not in p.parents]
    folders: dict[Path, int] = {}
    for p in written:
        if figures_root in p.parents:
            top = figures_root / p.relative_to(figures_root).parts[0]
            folders[top] = folders.get(top, 0) + 1
    return [str(p) for p in cards] + [f"and {n} figure file{'s' if n != 1 else ''} in {folder}{os.sep}"
                                      for folder, n in sorted(folders.items())]


def _cmd_check(args: argparse.Namespace) -> int:
    from .check.command import run_command

    return run_command(args)


def _cmd_init(args: argparse.Namespace) -> int:
    from .init_command import init_card_yaml
    from .record import resolve_run, resolve_runs_dir

    run = resolve_run(args.run, resolve_runs_dir(args.runs_dir)) if args.run else None
    print(init_card_yaml(Path(args.out), run=run, force=args.force))
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from .publish.site import publish

    rows, pages = publish(Path(args.cards), Path(args.out))
    broken = [r for r in rows if r.problems]
    for row in broken:
        for problem in row.problems:
            print(f"warning: {row.slug}: {problem}", file=sys.stderr)
    print(Path(args.out) / pages[0])
    print(f"{len(rows)} card(s) listed" + (f", {len(broken)} with problems" if broken else ""), file=sys.stderr)
    return 1 if broken else 0


def _headline(record) -> dict | None:
    """Test accuracy (or the first set's) of a typed record, as its metric object."""
    evaluation = record.evaluation("test") or next(iter(record.evaluations.values()), None)
    accuracy = evaluation.metrics.get("accuracy") if evaluation else None
    return accuracy.to_dict() if accuracy is not None else None


def _cmd_runs(args: argparse.Namespace) -> int:
    from .record import list_runs, resolve_runs_dir

    runs_dir = resolve_runs_dir(args.runs_dir)
    runs, bad = list_runs(runs_dir)
    rows = [{"run_id": r.run_id, "status": r.model.status, "name": r.model.name,
             "started_at": r.model.provenance.started_at, "created_by": r.model.created_by,
             "sweep_id": r.model.sweep.sweep_id if r.model.sweep else None,
             "test_accuracy": _headline(r.model), "path": str(r.path)} for r in runs]
    if args.json:
        print(json.dumps({"runs_dir": str(runs_dir), "runs": rows,
                          "invalid": [{"path": str(p), "error": e} for p, e in bad]}, indent=2, sort_keys=True))
        return 0
    if not rows and not bad:
        print(f"no runs in {runs_dir}", file=sys.stderr)
        return 0
    table = [("RUN_ID", "STATUS", "NAME", "STARTED (UTC)", "TEST ACCURACY [95% CI]")]
    for row in rows:
        acc = row["test_accuracy"]
        metric = "-" if not acc or acc["value"] is None else (
            f"{acc['value']:.3f}" + (f" [{acc['ci_low']:.3f}, {acc['ci_high']:.3f}]" if acc["ci_low"] is not None else ""))
        table.append((row["run_id"], row["status"], row["name"], row["started_at"].replace("T", " ").rstrip("Z"), metric))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    for path, error in bad:
        print(f"warning: skipped {path}: {error}", file=sys.stderr)
    return 0


def _cmd_record(args: argparse.Namespace) -> int:
    from .record import resolve_runs_dir
    from .record_command import record_predictions

    if args.n_resamples < 100:
        raise UserError(f"--n-resamples {args.n_resamples} is too small for a 95% CI; use at least 100")
    path = record_predictions(Path(args.predictions), resolve_runs_dir(args.runs_dir), name=args.name,
                              slices=args.slice, normalize=args.normalize, n_resamples=args.n_resamples,
                              seed=args.seed, label_issues=args.label_issues != "none",
                              command_line=["modelcard", *args.argv])
    print(path)
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from .compare.diff import diff_runs
    from .compare.report import render_markdown, to_json
    from .record import resolve_run, resolve_runs_dir

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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `modelcard` console script; returns the exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.argv = argv
    try:
        return args.handler(args)
    except UserError as exc:
        print(f"modelcard {args.command}: error: {exc}", file=sys.stderr)
        return UserError.exit_code
    except InconsistentCard as exc:
        print(f"modelcard {args.command}: refused: the card's files would contradict each other or its claims; "
              "nothing was written:", file=sys.stderr)
        for line in exc.lines():
            print(f"  - {line}", file=sys.stderr)
        return InconsistentCard.exit_code
    except KeyboardInterrupt:
        print(f"modelcard {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
