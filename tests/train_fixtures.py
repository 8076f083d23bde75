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



def low_detail_gray(rng: np.random.Generator, template: np.ndarray | None = None, out: int = 32,
                    noise: float = 2.5) -> Image.Image:
    """A low-detail grayscale ("L") image: a grid of cells in 16 grey levels, upsampled to `out` px.

    With a class `template` (cells of levels 0..15) the image is the template with every cell
    moved by rounded Gaussian noise (`noise` levels): distinct images of one class that look
    alike at low resolution, as scanned digits do. Without one, a random 12 x 12 grid.
    """
    cells = rng.integers(0, 16, (12, 12)) if template is None else template + np.rint(rng.normal(0, noise, template.shape))
    return Image.fromarray((np.clip(cells, 0, 15) * 17).astype(np.uint8), mode="L").resize((out, out), Image.Resampling.BILINEAR)


def gray_template(rng: np.random.Generator, side: int = 12) -> np.ndarray:
    """A smooth class template: a random ring of 16 grey levels on black (side x side cells)."""
    y, x = np.mgrid[0:side, 0:side] / (side - 1)
    cy, cx, r = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7), rng.uniform(0.2, 0.4)
    ring = np.abs(np.hypot(y - cy, x - cx) - r) < rng.uniform(0.08, 0.2)
    return np.where(ring, 13, 1) + rng.integers(0, 3, (side, side))


def make_gray_folder(root: Path, n_classes: int = 10, per_class: int = 20, seed: int = 0, out: int = 32) -> Path:
    """`n_classes` classes of distinct low-detail grayscale images (see `low_detail_gray`), `out` px PNGs."""
    rng = np.random.default_rng(seed)
    for c in range(n_classes):
        template = gray_template(rng)
        (root / f"c{c}").mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            low_detail_gray(rng, template, out=out).save(root / f"c{c}" / f"{i:03d}.png")
    return root
