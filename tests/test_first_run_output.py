"""What a first `modelcard train` prints: quiet start-up, a bar and one line per configuration,
one selection line, and user errors as the only line on stderr (the real CLI, in a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from train_fixtures import make_folder

pytestmark = pytest.mark.tf
ROOT = Path(__file__).resolve().parents[1]
NOISE = ("oneDNN custom operations", "absl::InitializeLog", "cpu_feature_guard", "Downloading data from")


def run_train(args: list[str], tmp_path: Path, **env_extra) -> subprocess.CompletedProcess:
    """`python -m modelcard train ARGS` as a user runs it: no TF log level preset by the test suite."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env.update(PYTHONPATH=str(ROOT), KERAS_HOME=str(tmp_path / "keras-home"), **env_extra)
    done = subprocess.run([sys.executable, "-m", "modelcard", "train", *args, "--runs-dir", str(tmp_path / "runs"),
                           "--cache-dir", str(tmp_path / "cache")],
                          capture_output=True, cwd=tmp_path, env=env, timeout=600)
    # bytes decoded by hand: text mode would turn the bars' carriage returns into newlines
    done.stdout, done.stderr = done.stdout.decode(), done.stderr.decode()
    return done


def lines(text: str) -> list[str]:
    """Lines as a terminal would finally show them: carriage-return redraws keep their last state."""
    return [part.split("\r")[-1] for part in text.split("\n") if part.split("\r")[-1].strip()]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return make_folder(tmp_path_factory.mktemp("first-run") / "data", per_class=8)


def assert_one_line_error(done: subprocess.CompletedProcess, tmp_path: Path, *phrases: str) -> str:
    err = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr[-2000:]
    assert len(err) == 1, done.stderr[-2000:]
    assert err[0].startswith("modelcard train: error: ") and all(p in err[0] for p in phrases), err[0]
    assert done.stdout == "" and not (tmp_path / "runs").exists()  # nothing half-written
    return err[0]


def test_random_bytes_as_weights_file_is_named_not_hdf5(data, tmp_path):
    garbage = tmp_path / "garbage.weights.h5"
    garbage.write_bytes(os.urandom(4096))
    done = run_train(["--data", str(data), "--weights", str(garbage), "--input-size", "96"], tmp_path)
    line = assert_one_line_error(done, tmp_path, "is not an HDF5 weights file", str(garbage))
    assert "does not fit" not in line


def test_missing_weights_file_is_one_line(data, tmp_path):
    done = run_train(["--data", str(data), "--weights", str(tmp_path / "nope.weights.h5")], tmp_path)
    assert_one_line_error(done, tmp_path, "does not exist")


def test_unreachable_imagenet_download_is_one_line_before_tensorflow(data, tmp_path):
    # a proxy that refuses every connection stands in for a machine without internet
    done = run_train(["--data", str(data), "--weights", "imagenet", "--input-size", "96"], tmp_path,
                     https_proxy="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9")
    assert_one_line_error(done, tmp_path, "--weights offline", "no internet?")


def test_sweep_prints_a_line_per_configuration_and_the_selection(data, tmp_path):
    done = run_train(["--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "2",
                      "--robustness", "none", "--inference-predictions", "0", "--sweep", "optimizer=adam,sgd"], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    shown = lines(done.stderr)
    assert not [line for line in shown if any(noise in line for noise in NOISE)], shown
    assert not [line for line in shown if "epoch 1/" in line or line.startswith("runs:")], shown
    summaries = [line for line in shown if "kept epoch" in line]
    assert [s.split(": ")[0] for s in summaries] == ["[1/2] optimizer=adam", "[2/2] optimizer=sgd"], shown
    assert all("val_accuracy" in s for s in summaries), shown
    selected = [line for line in shown if line.startswith("selected ")]
    assert len(selected) == 1 and "val_accuracy" in selected[0] and "of 2 configurations" in selected[0], shown
    assert len(done.stdout.split()) == 2  # the two run folders, selected first


def test_verbose_restores_epoch_lines(data, tmp_path):
    done = run_train(["--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "2", "--verbose",
                      "--robustness", "none", "--inference-predictions", "0"], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    shown = lines(done.stderr)
    assert [line for line in shown if line.startswith("epoch ")][:2][0].startswith("epoch 1/2: ")
    assert any(line.startswith("runs: ") for line in shown)
    assert any(line.startswith("trained 1 configuration") for line in shown)


def _repeated(shown: list[str]) -> list[str]:
    seen: set[str] = set()
    return [line for line in shown if line in seen or seen.add(line)]


@pytest.mark.parametrize("mode, sweep", [("head", ["--sweep", "optimizer=adam,sgd", "--sweep", "batch_size=8,16"]),
                                         ("finetune", ["--sweep", "optimizer=adam,sgd"])])
def test_a_sweep_prints_no_line_twice(mode, sweep, data, tmp_path):
    """Every stage line of a sweep (example grid, robustness, timing, fits) names its configuration
    or is printed once; the collectors run as in the demo (robustness, examples, inference cost)."""
    done = run_train(["--data", str(data), "--mode", mode, "--weights", "none", "--input-size", "96", "--epochs", "2",
                      "--inference-predictions", "20", *sweep], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    shown = lines(done.stderr)
    assert not _repeated(shown), shown
    assert not [line for line in shown if any(noise in line for noise in NOISE)], shown
    n = 4 if mode == "head" else 2
    grids = [line for line in shown if "example grid" in line]
    assert len(grids) == n and all(line.startswith("[") for line in grids), shown
