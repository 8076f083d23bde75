"""`--strategy mirrored` trains through tf.distribute.MirroredStrategy on the single CPU device."""

from __future__ import annotations

import pytest

from modelcard.record import read_record
from train_fixtures import make_folder, run_cli

pytestmark = pytest.mark.tf


def test_mirrored_strategy_on_cpu(tmp_path, capsys):
    data = make_folder(tmp_path / "data", per_class=6)
    code, out, err = run_cli(["train", "--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "2", "--inference-predictions", "40",
                              "--strategy", "mirrored", "--runs-dir", str(tmp_path / "runs"),
                              "--cache-dir", str(tmp_path / "cache")], capsys)
    assert code == 0, err[-2000:]
    record = read_record(out.strip())
    assert record["status"] == "complete"
    distribution = record["training"]["distribution"]
    assert {k: distribution[k] for k in ("strategy", "replicas")} == {"strategy": "mirrored", "replicas": 1}
    assert len(distribution["devices"]) == 1 and distribution["devices"][0].endswith("CPU:0")
    assert record["training"]["epochs_run"] >= 1 and record["evaluations"]["test"]["n_samples"] > 0
