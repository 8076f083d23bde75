"""A larger labelled folder made by augmenting the demo photos (for the speed benchmarks).

Each output image is a demo image flipped, cropped and colour-jittered with a seeded RNG, so a
benchmark at 2,000 or 5,000 images measures real photo decoding, not synthetic noise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

from training.data import load_rgb, resolve_source


def augmented_folder(out: Path, n_images: int, seed: int = 0) -> Path:
    """Write about `n_images` augmented demo images to `out/<class>/`; returns `out`."""
    dataset = resolve_source("demo", progress=False)
    samples = [s for split in dataset.splits.values() for s in split]
    rng = np.random.default_rng(seed)
    for name in dataset.class_names:
        (out / name).mkdir(parents=True, exist_ok=True)
    for i in range(n_images):
        sample = samples[i % len(samples)]
        img = Image.fromarray(load_rgb(sample.path))
        if rng.random() < 0.5:
            img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        w, h = img.size
        dx, dy = int(rng.integers(0, max(1, w // 8))), int(rng.integers(0, max(1, h // 8)))
        img = img.crop((dx, dy, w - int(rng.integers(0, max(1, w // 8))), h - int(rng.integers(0, max(1, h // 8)))))
        img = ImageEnhance.Color(img).enhance(float(rng.uniform(0.7, 1.3)))
        img = ImageEnhance.Brightness(img).enhance(float(rng.uniform(0.8, 1.2)))
        img.save(out / dataset.class_names[sample.label] / f"aug{i:05d}.jpg", quality=92)
    return out
