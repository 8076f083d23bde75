"""Certain label conflicts (issue 25): identical images under different classes, found from the files a run
used, listed on the data card, named by the model card's summary and risks, with the test accuracy ceiling
they force. The end-to-end test trains on a folder made here, with copies under two and three classes."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from modelcard.analysis.label_conflicts import ceiling, identical_conflicts, near_conflicts
from train_fixtures import COLOURS


def test_copies_force_errors_per_split_and_cap_accuracy():
    rows = [("red/a.png", "red", "test", "A"), ("green/a.png", "green", "test", "A"),                # 2 classes
            ("red/b.png", "red", "test", "B"), ("green/b.png", "green", "test", "B"),
            ("blue/b.png", "blue", "test", "B"), ("blue/b2.png", "blue", "test", "B"),               # 3 classes, 4 copies
            ("red/c.png", "red", "train", "C"), ("blue/c.png", "blue", "test", "C"),                 # split across sets
            ("red/d.png", "red", "test", "D"), ("red/d2.png", "red", "test", "D")]                   # same class: fine
    found = identical_conflicts(rows)
    assert [(c.files[0], c.classes, c.splits, c.forced) for c in found] == [
        ("blue/b.png", ("blue", "green", "red"), ("test",), (("test", 2),)),  # 4 copies, at most 2 (blue) right
        ("blue/c.png", ("blue", "red"), ("test", "train"), ()),               # one copy per split: none forced
        ("green/a.png", ("green", "red"), ("test",), (("test", 1),))]
    n_test = 9
    assert ceiling(found, "test", n_test) == pytest.approx(1 - 3 / 9)
    assert ceiling(found, "train", 1) is None and ceiling([], "test", 10) is None


def test_confirmed_near_duplicates_under_two_labels_are_conflicts_that_force_nothing():
    labels = {"a.png": ("cat", "test"), "b.png": ("dog", "test"), "c.png": ("cat", "train")}
    found = near_conflicts([("a.png", "b.png"), ("a.png", "c.png"), ("a.png", "gone.png")], labels)
    assert [(c.kind, c.files, c.classes, c.forced_errors) for c in found] == [
        ("near-duplicate", ("a.png", "b.png"), ("cat", "dog"), 0)]


def _patch(rng, colour, size=40) -> Image.Image:
    pixels = rng.normal(0, 30, (size, size, 3)) + np.asarray(colour)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _conflicting_folder(root: Path) -> Path:
    """train/val/test folders of three colour classes; in test, one image copied under two classes and one
    under all three; in train, one image under two classes."""
    rng = np.random.default_rng(3)
    counts = {"train": 10, "val": 3, "test": 4}
    for split, n in counts.items():
        for name, colour in COLOURS.items():
            (root / split / name).mkdir(parents=True)
            for i in range(n):
                _patch(rng, colour).save(root / split / name / f"{name}{i:02d}.png")
    two, three, train_two = (_patch(rng, (120, 120, 120)) for _ in range(3))
    for name in ("red", "green"):
        two.save(root / "test" / name / "twice.png")
        train_two.save(root / "train" / name / "twice_train.png")
    for name in COLOURS:
        three.save(root / "test" / name / "thrice.png")
    return root


@pytest.mark.tf
def test_train_on_copies_under_several_classes_shows_them_on_both_cards(tmp_path):
    from modelcard.cli import main

    data = _conflicting_folder(tmp_path / "data")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["train", "--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "2",
                     "--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache"), "--name", "copies",
                     "--inference-predictions", "0", "--robustness", "none", "--label-issues", "none"])
    assert code == 0, err.getvalue()[-2000:]
    run = Path(out.getvalue().strip())
    record = json.loads((run / "run.json").read_text())
    n_test = record["data"]["splits"]["test"]["n"]
    assert n_test == 3 * 4 + 2 + 3  # every copy kept, in the split its folder names

    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        assert main(["build", "--run", str(run), "--out", str(tmp_path / "cards")]) == 0
    cards = tmp_path / "cards"
    model_card = (cards / "copies.md").read_text()
    data_card = (cards / "copies.data.md").read_text()

    section = data_card[data_card.index("## Label conflicts (certain)"):]
    section = section[:section.index("\n## ", 5)]
    rows = [line for line in section.splitlines() if line.startswith("| identical")]
    assert len(rows) == 3
    assert any("test/green/thrice.png; test/red/thrice.png" in r and "blue, green, red" in r and "| test |" in r
               and r.rstrip().endswith("| 2 |") for r in rows)
    assert any("test/green/twice.png; test/red/twice.png" in r and "green, red" in r and r.rstrip().endswith("| 1 |")
               for r in rows)
    assert any("train/green/twice_train.png; train/red/twice_train.png" in r and "| train |" in r for r in rows)
    ceiling_text = f"{1 - 3 / n_test:.3f}"
    assert ceiling_text in section

    summary = model_card.split("\n## Model Details", 1)[0]
    risks = model_card[model_card.index("## Bias, Risks, and Limitations"):]
    for text in (summary, risks):
        assert "Certain label conflicts, not estimates: 3 group(s) of identical images carry different labels" in text
        assert f"In test they force at least 3 error(s) whatever the model, so no model can be right more than " \
               f"{ceiling_text} of the time there." in text
    test_accuracy = record["evaluations"]["test"]["metrics"]["accuracy"]["value"]
    assert test_accuracy <= 1 - 3 / n_test + 1e-12  # the ceiling is a fact about any model, this one included
    croissant = json.loads((cards / "copies.croissant.json").read_text())
    assert "Certain label conflicts (the same image under different labels): 3" in json.dumps(croissant)
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
