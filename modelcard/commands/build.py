"""`modelcard build`: render a run record plus card.yaml into every card format."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import UserError
from .options import add_runs_dir

FORMATS = ("md", "html", "json", "pdf")
DEFAULT_FORMATS = ("md", "html", "json")  # pdf (WeasyPrint, tens of seconds) only when asked


def register(sub) -> None:
    """Add the `build` subcommand to the `modelcard` parser."""
    b = sub.add_parser("build", help="render cards (Markdown, HTML, MCT JSON) from a run record",
                       description="Render a run record plus card.yaml into cards/<name>.md, .html and "
                       ".mct.json with SVG figures. Sections with no facts and no human text are named "
                       "as missing (listed on stderr), never padded.")
    b.add_argument("--run", default="latest", metavar="latest|RUN_ID|PATH",
                   help="which run: `latest` (newest complete run, the default), a run id, or a run folder")
    b.add_argument("--out", default="cards", metavar="DIR", help="output folder (default: cards/)")
    b.add_argument("--card-info", default=None, metavar="YAML",
                   help="human-written card information (default: ./card.yaml when it exists)")
    b.add_argument("--format", default=",".join(DEFAULT_FORMATS), metavar="md,html,json[,pdf]",
                   help="comma-separated output formats (default: md,html,json); pdf also writes <name>.pdf "
                   "and <name>.data.pdf for print (needs WeasyPrint: the `pdf` extra)")
    b.add_argument("--templates", default=None, metavar="DIR", help="override the Jinja templates folder")
    b.add_argument("--mct-graphics", action="store_true",
                   help="embed the figures as PNG in the .mct.json too (slower; the MCT schema takes only PNG)")
    b.add_argument("--compare", nargs="+", default=[], metavar="RUN",
                   help="also compare the card's run side by side with these runs (ids or folders)")
    b.add_argument("--policy", default=None, metavar="YAML",
                   help="also render a Checks subsection: this policy's gates and completeness, with its sha256")
    add_runs_dir(b)
    b.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..record import resolve_run, resolve_runs_dir
    from ..record.liveness import liveness
    from ..render.build import build_cards

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserError(f"unknown --format {','.join(unknown) or '(empty)'}; choose from {','.join(FORMATS)}")
    runs_dir = resolve_runs_dir(args.runs_dir)
    run = resolve_run(args.run, runs_dir)
    shown = liveness(run.model, run.path)
    if shown.gone:  # the record is read as it is: it still says `running`
        print(f"warning: run {run.run_id} is {shown.status}: {shown.reason}; its record still says `running`, so "
              "the card shows an unfinished run", file=sys.stderr)
    compare = [resolve_run(ref, runs_dir) for ref in args.compare]
    result = build_cards(run, Path(args.out), card_info=Path(args.card_info) if args.card_info else None,
                         formats=formats, templates_dir=Path(args.templates) if args.templates else None,
                         runs_dir=runs_dir, mct_graphics=args.mct_graphics, compare=compare,
                         policy=Path(args.policy) if args.policy else None)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
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
