"""The demo data from Debian and extra evaluation sets."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from modelcard.errors import UserError
from training.data import load_eval_set, load_rgb, resolve_source
from training.data.demo import STAMPS_ROOT

needs_demo = pytest.mark.skipif(
    not STAMPS_ROOT.is_dir(), reason="Debian package tuxpaint-stamps-default is not installed (sudo apt-get install tuxpaint-stamps-default)"
)


@pytest.fixture(scope="module")
def demo():
    return resolve_source("demo", progress=False)


@needs_demo
def test_demo_finds_debian_photo_classes(demo):
    ds = demo
    summary = ds.summary()
    assert summary["source"] == "demo" and "GPL-2.0" in summary["license"] and "tuxpaint-stamps-default" in summary["license"]
    assert len(summary["class_names"]) >= 2 and "symbols" not in summary["class_names"]
    totals = {name: sum(summary["splits"][s]["class_counts"][name] for s in ("train", "val", "test")) for name in summary["class_names"]}
    assert min(totals.values()) >= 15, totals
    paths = [s.relpath for samples in ds.splits.values() for s in samples]
    assert not [p for p in paths if re.search(r"_(mirror|flip)\.", p) or p.startswith("symbols/") or "/cartoon/" in p]
    assert summary["skipped_files"] == []
    assert summary["duplicates"]["exact_groups"] == 0


@needs_demo
def test_demo_cutouts_are_on_white(demo):
    rgb = load_rgb(demo.splits["train"][0].path)
    assert tuple(rgb[0, 0]) == (255, 255, 255)  # the cut-outs' corners are transparent


def _folder(root: Path, classes: dict[str, int], offset: int = 0) -> Path:
    rng = np.random.default_rng(offset)
    for name, n in classes.items():
        (root / name).mkdir(parents=True)
        for k in range(n):
            Image.fromarray(rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)).resize((32, 32)).save(root / name / f"{k}.png")
    return root


def test_eval_set_loads_whole_folder_with_training_labels(tmp_path):
    root = _folder(tmp_path / "shifted", {"cat": 2, "dog": 3})
    (root / "dog" / "notes.txt").write_text("x")
    ds = load_eval_set("shifted", root, ["cat", "dog"], progress=False)
    summary = ds.summary()
    assert list(summary["splits"]) == ["eval"]
    assert summary["splits"]["eval"]["class_counts"] == {"cat": 2, "dog": 3}
    assert summary["ignored_files"] == 1 and summary["source"] == "eval-set:shifted"
    assert [s.label for s in ds.splits["eval"]] == [0, 0, 1, 1, 1]


def test_eval_set_with_other_classes_is_refused(tmp_path):
    root = _folder(tmp_path / "shifted", {"cat": 2, "owl": 2})
    with pytest.raises(UserError, match="missing dog; unknown owl"):
        load_eval_set("shifted", root, ["cat", "dog"], progress=False)
