"""Streamed decodes for the data card: file facts, the RGB pixels for cleanvision, thumbnails.

Why streamed: the data card reads every image, and keeping the decoded pixels grows memory by the
size of the data set (about 100 KB an image). Instead each pass decodes the files again, in order,
a bounded window ahead (`training.data.stream.bounded_map`): `DecodedImages` keeps only the small
facts of each file (size, colour mode, format, subfolder), and `rgb_stream` hands cleanvision one
image after another. Decoding a small file costs far less than cleanvision's own measures of it.
Every pass uses the project's own decoder, so cleanvision sees exactly the pixels the model sees
(alpha composited onto white), and the results are those of one decode kept in memory.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

from PIL import Image

from ..data.images import decode_bytes, failure_reason, to_rgb
from ..data.stream import bounded_map, default_workers

THUMBNAIL_PX = 96
#: Images decoded and not yet taken, at most, per pass (with `WORKERS` threads decoding).
WINDOW = 16
WORKERS = 4


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
    """The facts of every entry, from one streamed decode; `facts[i]` is None and `failures[relpath]`
    set for a bad file. No pixels are kept: `rgb(i)` and `rgb_stream(order)` decode again."""

    def __init__(self, entries: list[Entry], workers: int | None = None, window: int | None = None):
        self.entries = entries
        self.workers, self.window = workers or default_workers(WORKERS), window or WINDOW
        self.facts: list[ImageFacts | None] = [None] * len(entries)
        self.failures: dict[str, str] = {}
        for i, (facts, reason) in enumerate(bounded_map(self._facts, range(len(entries)), self.workers, self.window)):
            if reason is not None:
                self.failures[entries[i].relpath] = reason
            else:
                self.facts[i] = facts

    def _facts(self, i: int) -> tuple[ImageFacts | None, str | None]:
        entry = self.entries[i]
        try:
            img = decode_bytes(entry.path.read_bytes())
            to_rgb(img)  # a file that fails only while converting is listed here, as it was when pixels were kept
            return ImageFacts(img.width, img.height, img.mode, img.format or "unknown", subfolder_of(entry.relpath)), None
        except Exception as exc:  # noqa: BLE001 - a bad file is listed, never fatal
            return None, failure_reason(exc)

    @property
    def readable(self) -> list[int]:
        """Indices of the entries that decoded."""
        return [i for i, f in enumerate(self.facts) if f is not None]

    def rgb(self, i: int) -> Image.Image:
        """The RGB image of entry `i`, decoded now."""
        return to_rgb(decode_bytes(self.entries[i].path.read_bytes()))

    def rgb_stream(self, order: list[int], convert=None) -> Iterator[Image.Image]:
        """`convert(i, rgb(i))` (default: the RGB image) for each `i` of `order`, decoded a bounded window ahead."""
        def one(i: int) -> Image.Image:
            return self.rgb(i) if convert is None else convert(i, self.rgb(i))

        return bounded_map(one, order, self.workers, self.window)

    def thumbnail_png(self, i: int, px: int = THUMBNAIL_PX) -> bytes:
        """A PNG no larger than px x px (same pixels give the same bytes)."""
        img = self.rgb(i)
        img.thumbnail((px, px), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, format="PNG", optimize=False)
        return out.getvalue()
