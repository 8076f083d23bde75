"""`modelcard publish`: the static site of every card."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub) -> None:
    """Add the `publish` subcommand to the `modelcard` parser."""
    pub = sub.add_parser("publish", help="write a static site listing every card, sortable without JavaScript",
                         description="Write a self-contained static site: index.html lists every card in --cards "
                         "(name, run date, headline metric with interval, check status, documentation coverage, "
                         "links to the HTML, Markdown and JSON copied into the site), with one page per sort order. "
                         "A broken card is listed with its problems (exit 1). --out is replaced as a whole.")
    pub.add_argument("--cards", default="cards", metavar="DIR", help="folder `modelcard build` wrote (default: cards/)")
    pub.add_argument("--out", required=True, metavar="DIR",
                     help="site folder: new, empty, or an earlier publish (it is replaced)")
    pub.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..publish.site import publish

    rows, pages = publish(Path(args.cards), Path(args.out))
    broken = [r for r in rows if r.problems]
    for row in broken:
        for problem in row.problems:
            print(f"warning: {row.slug}: {problem}", file=sys.stderr)
    print(Path(args.out) / pages[0])
    print(f"{len(rows)} card(s) listed" + (f", {len(broken)} with problems" if broken else ""), file=sys.stderr)
    return 1 if broken else 0
