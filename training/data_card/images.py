"""One decode per image for the data card: file facts, the RGB pixels for cleanvision, thumbnails.

Why one place: cleanvision would open every file again (twice: image properties, then hashes),
and the card also wants sizes, colour modes, formats and thumbnails. Each file is decoded once
(in a thread pool: Pillow releases the GIL while decoding) with the project's own decoder, so
cleanvision sees exactly the pixels the model sees (alpha composited onto white). The decoded
images stay in memory up to a byte budget; beyond it, an image is decoded again when asked for.
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image

from ..data.images import decode_bytes, failure_reason, to_rgb

CACHE_BUDGET_BYTES = 512 * 1024 * 1024
THUMBNAIL_PX = 96


@dataclass(frozen=True)
class ImageFacts:
    """What the file itself says: original size, colour mode and format, and its subfolder."""

    width: int          # e.g. 435
    height: int         # e.g. 374
    mode: str           # the file's own colour mode, e.g. "RGBA"
    format: str         # e.g. "PNG"
    subfolder: str      # the relative path's folder, e.g. "animals/birds"


@dataclass(frozen=True)
class Entry:
    """One image to describe: relative path (the record's id), file path and split."""

    relpath: str
    path: Path
    split: str


def subfolder_of(relpath: str) -> str:
    parent = str(PurePosixPath(relpath).parent)
    return "" if parent == "." else parent


class DecodedImages:
    """Every entry decoded once; `facts[i]` is None and `failures[relpath]` set for a bad file."""

    def __init__(self, entries: list[Entry], budget_bytes: int = CACHE_BUDGET_BYTES, workers: int | None = None):
        self.entries = entries
        self.facts: list[ImageFacts | None] = [None] * len(entries)
        self.failures: dict[str, str] = {}
        self._cache: dict[int, Image.Image] = {}
        used = 0
        workers = workers or max(1, min(4, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for i, (facts, rgb, reason) in enumerate(pool.map(self._decode, range(len(entries)))):
                if reason is not None:
                    self.failures[entries[i].relpath] = reason
                    continue
                self.facts[i] = facts
                size = rgb.width * rgb.height * 3
                if used + size <= budget_bytes:
                    self._cache[i] = rgb
                    used += size

    def _decode(self, i: int):
        entry = self.entries[i]
        try:
            img = decode_bytes(entry.path.read_bytes())
            facts = ImageFacts(img.width, img.height, img.mode, img.format or "unknown", subfolder_of(entry.relpath))
            return facts, to_rgb(img), None
        except Exception as exc:  # noqa: BLE001 - a bad file is listed, never fatal
            return None, None, failure_reason(exc)

    @property
    def readable(self) -> list[int]:
        """Indices of the entries that decoded."""
        return [i for i, f in enumerate(self.facts) if f is not None]

    def rgb(self, i: int) -> Image.Image:
        """The RGB image of entry `i` (from memory, or decoded again past the budget)."""
        cached = self._cache.get(i)
        if cached is not None:
            return cached
        return to_rgb(decode_bytes(self.entries[i].path.read_bytes()))

    def release(self) -> None:
        """Drop the decoded pixels (facts stay); later `rgb()` calls decode again."""
        self._cache.clear()

    def thumbnail_png(self, i: int, px: int = THUMBNAIL_PX) -> bytes:
        """A PNG no larger than px x px (same pixels give the same bytes)."""
        img = self.rgb(i).copy()
        img.thumbnail((px, px), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, format="PNG", optimize=False)
        return out.getvalue()
