"""Options several commands share, defined once."""

from __future__ import annotations

import argparse


def add_runs_dir(p: argparse.ArgumentParser) -> None:
    """`--runs-dir DIR`, the folder of run records (default: $MODELCARD_RUNS or ./runs)."""
    p.add_argument("--runs-dir", metavar="DIR", default=None,
                   help="folder holding run records (default: $MODELCARD_RUNS or ./runs)")
