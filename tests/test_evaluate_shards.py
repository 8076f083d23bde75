"""`modelcard evaluate --shard K/N --shard-out FILE` on a tiny folder: N files that together
hold every image once, with the predictions of the unsharded evaluate, merged by `record`."""

from __future__ import annotations

import json

import numpy as np
import pytest

from modelcard.record import read_predictions, read_record
from modelcard.ingest.shards import shard_index
from test_evaluate_command import _foreign_model
from train_fixtures import make_folder, run_cli

pytestmark = pytest.mark.tf


def test_sharded_evaluate_covers_every_image_once_and_record_merges_it(tmp_path, capsys):
    import pyarrow.parquet as pq

    data = make_folder(tmp_path / "data", per_class=5)
    _foreign_model(tmp_path / "m.keras")
    common = ["--model", str(tmp_path / "m.keras"), "--data", str(data), "--runs-dir", str(tmp_path / "runs")]
    for suffix in (".parquet", ".npz"):
        for k in (1, 2, 3):
            out = tmp_path / f"shards{suffix}" / f"part-{k}{suffix}"
            code, stdout, err = run_cli(["evaluate", *common, "--shard", f"{k}/3", "--shard-out", str(out)], capsys)
            assert code == 0, err[-2000:]
            assert stdout.strip() == str(out) and out.is_file()
    assert not (tmp_path / "runs").exists()  # a shard writes its file, not a run
    table = pq.read_table(tmp_path / "shards.parquet" / "part-2.parquet")
    assert table.schema.metadata[b"modelcard.shard"] == b"2/3"
    assert json.loads(table.schema.metadata[b"modelcard.class_names"]) == ["blue", "green", "red"]
    ids = table.column("id").to_pylist()
    assert ids == sorted(ids) and all(shard_index(i, 3) == 2 for i in ids)

    code, out, err = run_cli(["evaluate", *common, "--robustness", "none", "--inference-predictions", "0",
                              "--label-issues", "none"], capsys)
    assert code == 0, err[-2000:]
    whole_run = out.strip()
    whole = read_predictions(f"{whole_run}/{read_record(whole_run)['artifacts']['predictions']['test']}")
    accuracy = read_record(whole_run)["evaluations"]["test"]["metrics"]["accuracy"]
    for suffix in (".npz", ".parquet"):
        code, out, err = run_cli(["record", "--predictions", str(tmp_path / f"shards{suffix}"), "--runs-dir",
                                  str(tmp_path / f"merged{suffix}"), "--n-resamples", "100", "--label-issues", "none"],
                                 capsys)
        assert code == 0, err
        merged = read_record(out.strip())
        assert merged["evaluations"]["test"]["n_samples"] == 15
        assert merged["evaluations"]["test"]["metrics"]["accuracy"] == accuracy
    npz_run = next((tmp_path / "merged.npz").iterdir())
    merged_preds = read_predictions(npz_run / "predictions" / "test.npz")
    order = np.argsort(whole.ids)
    assert merged_preds.ids.tolist() == whole.ids[order].tolist()
    np.testing.assert_allclose(merged_preds.y_prob, whole.y_prob[order], atol=1e-6)
    assert merged_preds.y_true.tolist() == whole.y_true[order].tolist()


@pytest.mark.parametrize("argv, words", [
    (["--shard", "0/3", "--shard-out", "x.npz"], "K/N"),
    (["--shard", "1/3"], "--shard-out"),
    (["--shard-out", "x.npz"], "needs --shard"),
    (["--shard", "1/3", "--shard-out", "x.csv"], ".npz or .parquet"),
    (["--shard", "1/3", "--shard-out", "x.npz", "--eval-set", "b=dir"], "--eval-set"),
])
def test_bad_shard_options_are_one_line(tmp_path, capsys, argv, words):
    code, _, err = run_cli(["evaluate", "--model", str(tmp_path / "m.keras"), "--data", str(tmp_path),
                            "--runs-dir", str(tmp_path / "runs"), *argv], capsys)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()
