"""The README's "Use your own data" examples, run exactly as written (read from the README, so
the two cannot drift), on tiny data. Only speed flags are appended to train/evaluate."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from train_fixtures import make_folder

pytestmark = pytest.mark.tf
ROOT = Path(__file__).resolve().parents[1]
FAST = {"train": ["--input-size", "96", "--epochs", "2", "--robustness", "none", "--inference-predictions", "0"],
        "evaluate": ["--robustness", "none", "--inference-predictions", "0"]}


def readme_blocks(name: str) -> list[tuple[str, str]]:
    """(language, code) of every fenced block marked `<!-- readme-test: NAME -->` in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    pattern = rf"<!-- readme-test: {re.escape(name)} -->\n```(\w+)\n(.*?)```"
    return re.findall(pattern, text, flags=re.S)


def run_readme(name: str, cwd: Path) -> list[str]:
    """Run the README's blocks for NAME in `cwd` (bash lines through this interpreter); returns stderr texts."""
    env = {k: v for k, v in os.environ.items() if k != "MODELCARD_RUNS"}
    env["PYTHONPATH"] = str(ROOT)
    blocks = readme_blocks(name)
    assert blocks, f"README has no block marked readme-test: {name}"
    errs = []
    for language, code in blocks:
        commands = [[sys.executable, "-c", code]] if language == "python" else [
            shlex.split(line) for line in code.splitlines() if line.strip() and not line.startswith("#")]
        for argv in commands:
            if argv[0] == ".venv/bin/modelcard":
                argv = [sys.executable, "-m", "modelcard", *argv[1:], *FAST.get(argv[1], [])]
            if argv[1:3] == ["-m", "modelcard"] and argv[3] == "train":
                argv += ["--cache-dir", str(cwd / "cache")]
            done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
            assert done.returncode == 0, f"{argv}\n{done.stderr[-3000:]}"
            errs.append(done.stderr)
    return errs


def assert_cards(cwd: Path, slug: str) -> None:
    for suffix in (".md", ".html", ".mct.json"):
        assert (cwd / "my-cards" / f"{slug}{suffix}").is_file(), sorted(p.name for p in (cwd / "my-cards").iterdir())


def test_image_folder(tmp_path):
    make_folder(tmp_path / "my-images", per_class=8)
    run_readme("folder", tmp_path)
    assert_cards(tmp_path, "my-classifier")


def test_keras_model_and_folder(tmp_path):
    import keras

    make_folder(tmp_path / "my-labelled-images", per_class=6)
    pixels = keras.Input((32, 32, 3))
    x = keras.layers.Rescaling(1 / 255)(pixels)
    x = keras.layers.Conv2D(4, 3, activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    keras.Model(pixels, keras.layers.Dense(3, activation="softmax")(x)).save(tmp_path / "my_model.keras")
    run_readme("keras", tmp_path)
    assert_cards(tmp_path, "my-model")


def test_predictions_csv(tmp_path):
    run_readme("csv", tmp_path)
    assert_cards(tmp_path, "digits-logreg")
    md = (tmp_path / "my-cards" / "digits-logreg.md").read_text(encoding="utf-8")
    assert "ink" in md  # the slice column is on the card
