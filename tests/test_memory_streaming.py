"""Flat memory without big data: the passes over the images hold a bounded number of decoded images.

Each test counts the decoded images alive at once (a weakref finalizer per image, so CPython's
reference counting tells the moment one is freed) while a pass reads N images with a window of
B, N >> B: the data scan, the data card's facts, cleanvision's two passes and the thumbnails
must never hold more than about B, whatever N is. No timing, no RSS: only counts.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from training.data import scan as scan_module
from training.data.stream import bounded_map
from training.data_card import images as images_module
from training.data_card import quality as quality_module

N = 150


class LiveCounter:
    """How many tracked objects are alive now, and the most ever alive at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.alive = self.most = self.made = 0

    def track(self, obj):
        with self.lock:
            self.alive += 1
            self.made += 1
            self.most = max(self.most, self.alive)
        weakref.finalize(obj, self._gone)
        return obj

    def _gone(self):
        with self.lock:
            self.alive -= 1


def _images(root: Path, n: int = N) -> list[Path]:
    """`n` tiny PNGs (8-20 px, some grey, some with alpha) in two class folders."""
    rng = np.random.default_rng(0)
    paths = []
    for i in range(n):
        folder = root / f"c{i % 2}"
        folder.mkdir(parents=True, exist_ok=True)
        h, w = (int(v) for v in rng.integers(8, 21, 2))
        img = Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8))
        img = img.convert("L") if i % 7 == 0 else img.convert("RGBA") if i % 5 == 0 else img
        img.save(folder / f"{i:04d}.png")
        paths.append(folder / f"{i:04d}.png")
    return paths


def _counting_to_rgb(monkeypatch, module, counter: LiveCounter) -> None:
    original = module.to_rgb
    monkeypatch.setattr(module, "to_rgb", lambda img: counter.track(original(img)))


class Item:
    """Stands in for a decoded image."""


def test_bounded_map_keeps_a_window_in_flight_and_the_order():
    counter, taken = LiveCounter(), []
    pulled = [0]

    def source():
        for i in range(500):
            pulled[0] += 1
            yield i

    for k, (i, item) in enumerate(bounded_map(lambda i: (i, counter.track(Item())), source(), workers=3, window=5)):
        taken.append(i)
        assert pulled[0] <= k + 1 + 5  # the source is read at most a window ahead
        del item
    assert taken == list(range(500))
    assert counter.made == 500 and counter.most <= 5 + 1


def test_bounded_map_stopped_early_ends_its_work():
    counter = LiveCounter()
    stream = bounded_map(lambda i: counter.track(Item()), range(10_000), workers=2, window=4)
    first = [next(stream) for _ in range(3)]
    stream.close()
    del first
    assert counter.made <= 3 + 4 + 1 and counter.alive == 0


def test_data_scan_holds_a_bounded_number_of_decoded_images(tmp_path, monkeypatch):
    paths = _images(tmp_path / "data")
    counter = LiveCounter()
    _counting_to_rgb(monkeypatch, scan_module, counter)
    candidates = [scan_module.Candidate(p.parent.name, p, p.name) for p in paths]
    inspected = scan_module.inspect_all(candidates, progress=False)
    assert [x.candidate for x in inspected] == candidates and all(x.reason is None for x in inspected)
    assert counter.made == N
    assert counter.most <= scan_module.default_workers() + 1  # a decoded image lives only inside `inspect`
    assert all(x.thumb is not None and x.thumb.nbytes == 32 * 32 * 3 for x in inspected)  # what is kept: 3 KB


def test_data_card_passes_hold_a_bounded_number_of_decoded_images(tmp_path, monkeypatch):
    """Facts, cleanvision's property and hash passes and the thumbnails, N images, a window of 4."""
    paths = _images(tmp_path / "data")
    monkeypatch.setattr(images_module, "WINDOW", 4)
    monkeypatch.setattr(images_module, "WORKERS", 2)
    counter = LiveCounter()
    _counting_to_rgb(monkeypatch, images_module, counter)
    entries = [images_module.Entry(f"{p.parent.name}/{p.name}", p, "train") for p in paths]
    images = images_module.DecodedImages(entries)
    assert len(images.readable) == N and counter.alive == 0
    lab, order = quality_module.run_cleanvision(images)
    for i in order[:10]:
        images.thumbnail_png(i)
    assert counter.made >= 3 * N  # facts, then cleanvision's two passes: each decodes every image again
    assert counter.most <= 4 + 2  # the window, the image cleanvision holds, the one being converted
    assert counter.alive == 0


def test_streamed_cleanvision_finds_what_it_finds_on_images_kept_in_memory(tmp_path):
    """The streamed view gives cleanvision's results on every image held at once (the old way)."""
    from cleanvision import Imagelab

    paths = _images(tmp_path / "data", 40)
    for k in (3, 9):  # two exact duplicate sets
        paths[k + 20].write_bytes(paths[k].read_bytes())
    entries = [images_module.Entry(f"{p.parent.name}/{p.name}", p, "train") for p in paths]
    images = images_module.DecodedImages(entries, window=3)
    lab, order = quality_module.run_cleanvision(images)
    view = quality_module._Images(images, order)
    kept = [(view._as_cleanvision_sees(i, images.rgb(i)), k) for k, i in enumerate(order)]
    reference = Imagelab(torchvision_dataset=kept, verbose=False)
    reference.find_issues(issue_types={t: {} for t in (*quality_module.ISSUE_TYPES, "exact_duplicates",
                                                        "near_duplicates")}, n_jobs=1, verbose=False)
    pd.testing.assert_frame_equal(lab.issues, reference.issues)
    assert lab.info["exact_duplicates"]["sets"] == reference.info["exact_duplicates"]["sets"] != []


@pytest.mark.parametrize("start", [0, 7])
def test_cleanvision_view_reads_out_of_order_too(tmp_path, start):
    paths = _images(tmp_path / "data", 12)
    entries = [images_module.Entry(p.name, p, "train") for p in paths]
    images = images_module.DecodedImages(entries, window=2)
    view = quality_module._Images(images, images.readable)
    for k in [start, start + 1, 2, 3, 11, 0]:
        got, index = view[k]
        assert index == k and np.array_equal(np.asarray(got), np.asarray(view._as_cleanvision_sees(k, images.rgb(k))))
    view.close()
