"""The `modelcard` command line: the parser (each command in `modelcard.commands` adds its own) and the
exit codes.

User mistakes end as one line on stderr and exit code 2, never a traceback. This module
imports nothing heavy at start-up: each command imports what it needs, and TensorFlow is only
ever imported inside `train`/`evaluate`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from . import __version__
from .errors import InconsistentCard, UserError


class _Parser(argparse.ArgumentParser):
    """argparse that reports a wrong flag in one line (plus where to get help), exit 2."""

    def error(self, message: str):  # noqa: D102 - argparse API
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The `modelcard` parser: each command module of `modelcard.commands` adds its own subcommand."""
    from .commands import COMMANDS

    parser = _Parser(prog="modelcard", description="Model cards and responsible-AI reports written from "
                     "measured training runs: every number traces back to a run record.")
    parser.add_argument("--version", action="version", version=f"modelcard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for command in COMMANDS:
        command.register(sub)
    return parser


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
