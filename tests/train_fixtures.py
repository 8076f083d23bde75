"""Tiny labelled image folders and CLI helpers shared by the train/evaluate/sweep tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

COLOURS = {"blue": (40, 60, 200), "green": (40, 180, 60), "red": (200, 40, 40)}


def make_folder(root: Path, per_class: int = 12, seed: int = 0) -> Path:
    """Three classes of noisy colour patches, 32-64 px, various shapes (so slices exist)."""
    rng = np.random.default_rng(seed)
    for name, colour in COLOURS.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            w, h = int(rng.integers(32, 65)), int(rng.integers(32, 65))
            pixels = rng.normal(0, 30, (h, w, 3)) + np.asarray(colour)
            Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(root / name / f"{name}{i:02d}.png")
    return root


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """`modelcard.cli.main(argv)` in-process: (exit code, stdout, stderr)."""
    from modelcard.cli import main

    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def records(runs_dir: Path) -> list[dict]:
    return [json.loads((p / "run.json").read_text()) for p in sorted(Path(runs_dir).iterdir()) if (p / "run.json").exists()]
