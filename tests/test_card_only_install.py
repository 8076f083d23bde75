"""`modelcard train` / `evaluate` on a card-only install (`pip install .` without the `train`
extra), or with a TensorFlow that cannot be imported: one line naming what to install, exit 2,
nothing written. Run as a user meets it: the real CLI in a subprocess whose Python cannot
import the hidden packages (a meta-path finder refuses them, as a missing package does)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from train_fixtures import make_folder

ROOT = Path(__file__).resolve().parents[1]
HIDE = r"""
import sys
HIDDEN = set(sys.argv.pop(1).split(","))

class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Hide())
from modelcard.cli import main
sys.exit(main())
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return make_folder(tmp_path_factory.mktemp("card-only") / "data", per_class=4)


def _modelcard(hidden: str, args: list[str], cwd: Path, pythonpath: str = str(ROOT)) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": pythonpath}
    return subprocess.run([sys.executable, "-c", HIDE, hidden, *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


def _one_line(done: subprocess.CompletedProcess, command: str, tmp_path: Path, *phrases: str) -> str:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr[-3000:]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert lines[0].startswith(f"modelcard {command}: error: "), lines[0]
    assert all(p in lines[0] for p in phrases), lines[0]
    assert done.stdout == "" and not (tmp_path / "runs").exists()
    return lines[0]


def _train(data: Path, tmp_path: Path) -> list[str]:
    return ["train", "--data", str(data), "--runs-dir", str(tmp_path / "runs"), "--weights", "none"]


def _evaluate(data: Path, tmp_path: Path) -> list[str]:
    model = tmp_path / "m.keras"
    model.write_bytes(b"not loaded: the packages are checked first")
    return ["evaluate", "--model", str(model), "--data", str(data), "--runs-dir", str(tmp_path / "runs")]


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_card_only_install_names_the_train_extra(command, data, tmp_path):
    args = (_train if command == "train" else _evaluate)(data, tmp_path)
    done = _modelcard("psutil,codecarbon,cleanvision,tensorflow,keras,tqdm", args, tmp_path)
    line = _one_line(done, command, tmp_path, "pip install 'modelcard[train]'", "psutil", "tensorflow-cpu")
    assert "card-only install" in line


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_missing_tensorflow_alone_is_named(command, data, tmp_path):
    args = (_train if command == "train" else _evaluate)(data, tmp_path)
    line = _one_line(_modelcard("tensorflow", args, tmp_path), command, tmp_path, "tensorflow-cpu", "modelcard[train]")
    assert "psutil" not in line


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_broken_tensorflow_is_one_line(command, data, tmp_path):
    """A TensorFlow whose import fails (here: its shared library is missing) is named as broken."""
    fake = tmp_path / "site" / "tensorflow"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("libtensorflow_framework.so.2: cannot open shared object file")\n')
    args = (_train if command == "train" else _evaluate)(data, tmp_path)
    if command == "evaluate":  # a real .keras file, so that loading it is what imports TensorFlow
        (tmp_path / "m.keras").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    done = _modelcard("", args, tmp_path, pythonpath=f"{fake.parent}{os.pathsep}{ROOT}")
    _one_line(done, command, tmp_path, "TensorFlow is installed but cannot be imported", "libtensorflow_framework",
              "modelcard[train]")


def test_the_checked_packages_are_the_train_extra():
    from training.commands.requirements import TRAIN_PACKAGES

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["train"]
    assert sorted(TRAIN_PACKAGES) == sorted(req.split("==")[0].lower() for req in extra)
