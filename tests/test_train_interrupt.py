"""Ctrl-C mid-fit leaves the run `interrupted` with what was done, and `latest` skips it."""

from __future__ import annotations

import pytest

from modelcard.errors import UserError
from modelcard.record import resolve_run
from training.model.fit import INTERRUPT_ENV
from train_fixtures import make_folder, records, run_cli

pytestmark = pytest.mark.tf


def test_interrupt_during_fit_marks_run_interrupted(tmp_path, capsys, monkeypatch):
    data = make_folder(tmp_path / "data", per_class=6)
    monkeypatch.setenv(INTERRUPT_ENV, "1")
    code, out, err = run_cli(["train", "--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "3",
                              "--runs-dir", str(tmp_path / "runs"), "--no-feature-cache"], capsys)
    assert code == 130 and out == ""
    [record] = records(tmp_path / "runs")
    assert record["status"] == "interrupted"
    assert record["error"]["type"] == "KeyboardInterrupt"
    assert record["data"]["splits"]["train"]["n"] > 0  # what was done so far is kept
    assert record["provenance"]["ended_at"] is not None
    with pytest.raises(UserError, match="no complete run"):
        resolve_run("latest", tmp_path / "runs")
