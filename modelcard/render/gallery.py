"""The example grid's image files for the card: copied beside the Markdown card, inlined in HTML.

The thumbnails are the run's own PNG files (written once by training), so the card carries the
exact bytes the run recorded: the Markdown card references copies under
`cards/figures/<name>/examples/`, the HTML card embeds them as `data:` URIs and stays one
self-contained file. Files missing from the run folder are left out (the card says so).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from ..card.examples_data import ExampleImage
from ..card.model import Card

EXAMPLES_FOLDER = "examples"


@dataclass(frozen=True)
class Thumb:
    """One picture as a template uses it: `src` for Markdown, `uri` for HTML."""

    src: str        # e.g. "figures/demo/examples/03.png" (relative to the card)
    uri: str        # e.g. "data:image/png;base64,iVBOR..."
    alt: str        # e.g. "birds/owl.png: true birds, predicted mammals (0.93, wrong)"
    caption: str    # e.g. "✗ birds → mammals (0.93)"
    error: bool


@dataclass
class Gallery:
    """What the Model Examination partial shows, and the files the Markdown card needs."""

    images: list[Thumb] = field(default_factory=list)      # the grid
    overlays: list[Thumb] = field(default_factory=list)    # the same images with Grad-CAM maps
    pairs: list[Thumb] = field(default_factory=list)       # one per most-confused pair
    files: dict[str, bytes] = field(default_factory=dict)  # card-relative path -> PNG bytes


def _thumb(run_path: Path, rel: str, folder: str, image: ExampleImage, caption: str, files: dict) -> Thumb | None:
    path = run_path / rel
    if not path.is_file():
        return None
    data = path.read_bytes()
    src = f"{folder}/{EXAMPLES_FOLDER}/{Path(rel).name}"
    files[src] = data
    return Thumb(src, "data:image/png;base64," + base64.b64encode(data).decode("ascii"), image.alt, caption, image.error)


def build_gallery(card: Card, run_path: Path, folder: str) -> Gallery:
    """Read the grid's thumbnails from `run_path`; empty when the card has no grid."""
    gallery = Gallery()
    grid = card.examination.grid
    if grid is None:
        return gallery
    for image in grid.images:
        thumb = _thumb(run_path, image.file, folder, image, image.caption, gallery.files)
        if thumb is not None:
            gallery.images.append(thumb)
        if image.gradcam_file:
            overlay = _thumb(run_path, image.gradcam_file, folder, image, image.caption, gallery.files)
            if overlay is not None:
                gallery.overlays.append(overlay)
    for pair in grid.pairs:
        caption = f"{pair.true} → {pair.predicted}: {pair.count} image(s); this one at {pair.image.confidence:.2f}"
        thumb = _thumb(run_path, pair.image.file, folder, pair.image, caption, gallery.files)
        if thumb is not None:
            gallery.pairs.append(thumb)
    return gallery
