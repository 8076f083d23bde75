"""A small real run: the demo photos, real offline ImageNet weights, 3 epochs."""

from __future__ import annotations

import pytest

from modelcard.record import read_record
from train_fixtures import run_cli

pytestmark = [pytest.mark.tf, pytest.mark.slow]


def test_demo_head_training_is_well_above_chance(tmp_path, capsys):
    code, out, err = run_cli(["train", "--data", "demo", "--weights", "offline", "--input-size", "96", "--epochs", "3",
                              "--runs-dir", str(tmp_path / "runs")], capsys)  # default feature cache: reused
    assert code == 0, err[-2000:]
    record = read_record(out.split()[0])
    accuracy = record["evaluations"]["test"]["metrics"]["accuracy"]
    assert len(record["data"]["class_names"]) == 8
    assert accuracy["value"] > 0.5 and accuracy["ci_low"] <= accuracy["value"] <= accuracy["ci_high"]
