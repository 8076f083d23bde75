"""Shared pytest setup: headless matplotlib, quiet TensorFlow, and a throw-away runs folder."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest


@pytest.fixture
def runs_dir(tmp_path, monkeypatch):
    """A fresh runs folder, also exported as $MODELCARD_RUNS so CLI calls find it."""
    path = tmp_path / "runs"
    monkeypatch.setenv("MODELCARD_RUNS", str(path))
    return path
