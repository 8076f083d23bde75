"""`modelcard record --predictions DIR|GLOB`: shards of `evaluate --shard K/N` merged (.npz, in
memory) or streamed (.parquet, in row batches), and bad sets of shards refused in one line."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from modelcard.record.predictions import Predictions
from modelcard.ingest.shard_files import write_shard
from modelcard.ingest.shards import Shard, shard_index
from predictions_fixtures import synthetic_predictions
from train_fixtures import run_cli

CLASSES = ("cat", "dog", "bird", "fish", "frog", "owl", "yak")
N = 420


def _preds(n=N, seed=0, classes=CLASSES) -> Predictions:
    y, p, _ = synthetic_predictions(n, classes, seed, skill=1.5)
    p = p.astype(np.float32).astype(np.float64)  # shard files hold float32: compare like with like
    ids = np.asarray([f"test/{classes[y[i]]}/img-{i:04d}.png" for i in range(n)])
    return Predictions(ids=ids, y_true=y, y_prob=p, class_names=list(classes))


def _take(preds: Predictions, rows) -> Predictions:
    return Predictions(ids=preds.ids[rows], y_true=preds.y_true[rows], y_prob=preds.y_prob[rows],
                       class_names=preds.class_names)


def _write_shards(folder, preds: Predictions, count: int, suffix: str) -> list:
    owner = np.asarray([shard_index(i, count) for i in preds.ids])
    return [write_shard(folder / f"part-{k}{suffix}", _take(preds, np.flatnonzero(owner == k)), Shard(k, count))
            for k in range(1, count + 1)]


def _write_csv(path, preds: Predictions):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "label", *preds.class_names])
        for i in np.argsort(preds.ids):
            writer.writerow([preds.ids[i], preds.class_names[preds.y_true[i]], *[repr(float(v)) for v in preds.y_prob[i]]])
    return path


def _record(capsys, predictions, runs, *extra):
    code, out, err = run_cli(["record", "--predictions", str(predictions), "--runs-dir", str(runs),
                              "--n-resamples", "200", *extra], capsys)
    assert code == 0, err
    run = out.strip().splitlines()[-1]
    with open(f"{run}/run.json", encoding="utf-8") as fh:
        return run, json.load(fh)


def test_parquet_shards_stream_to_the_counts_of_the_single_csv(tmp_path, capsys):
    preds = _preds()
    csv_path = _write_csv(tmp_path / "all.csv", preds)
    (tmp_path / "shards").mkdir()
    _write_shards(tmp_path / "shards", preds, 3, ".parquet")
    _, whole = _record(capsys, csv_path, tmp_path / "runs-csv")
    run, streamed = _record(capsys, tmp_path / "shards", tmp_path / "runs-shards")
    a, b = whole["evaluations"]["test"], streamed["evaluations"]["test"]
    assert a["n_samples"] == b["n_samples"] == N
    for name in ("accuracy", "top5_accuracy"):  # Wilson: value and interval identical
        assert b["metrics"][name] == a["metrics"][name]
    for name in ("balanced_accuracy", "f1_macro", "precision_weighted", "recall_macro"):
        assert b["metrics"][name]["value"] == a["metrics"][name]["value"]
    for x, y in zip(a["per_class"], b["per_class"]):
        assert (x["support"], x["precision"], x["recall"], x["f1"]["value"]) == \
               (y["support"], y["precision"], y["recall"], y["f1"]["value"])
    assert b["confusion_matrix"] == a["confusion_matrix"] and b["top_confusions"] == a["top_confusions"]
    assert b["metrics"]["log_loss"]["value"] == pytest.approx(a["metrics"]["log_loss"]["value"], rel=1e-12)
    assert streamed["data"]["splits"] == whole["data"]["splits"]
    # named honestly: a Poisson bootstrap; label issues not computed, and said so
    assert b["intervals"]["metrics"]["f1_macro"] == "smoothed_poisson_bootstrap"
    assert "Poisson" in b["bootstrap"]["method"] and "Poisson" in b["intervals"]["methods"]["smoothed_poisson_bootstrap"]
    issues = streamed["label_issues"]["test"]
    assert issues["measured"] is False and "streamed" in issues["reason"] and whole["label_issues"]["test"]["measured"]
    assert any("Poisson bootstrap" in w for w in streamed["warnings"])
    assert streamed["artifacts"]["predictions"] == {} and streamed["config"]["shards"] == 3
    # the same files give the same record, and the card builds and names the method
    _, again = _record(capsys, tmp_path / "shards" / "*.parquet", tmp_path / "runs-again")
    assert again["evaluations"] == streamed["evaluations"]
    code, out, err = run_cli(["build", "--run", run, "--runs-dir", str(tmp_path / "runs-shards"),
                              "--out", str(tmp_path / "cards")], capsys)
    assert code == 0, err
    card = (tmp_path / "cards" / "shards.md").read_text(encoding="utf-8")
    assert "Poisson bootstrap" in card and "Poisson(1)" in card


def test_npz_shards_merge_into_the_record_of_one_npz(tmp_path, capsys):
    preds = _preds(seed=1)
    order = np.argsort(preds.ids)
    single = tmp_path / "all.npz"
    write_shard(single, _take(preds, order), Shard(1, 1))
    (tmp_path / "shards").mkdir()
    _write_shards(tmp_path / "shards", preds, 4, ".npz")
    _, whole = _record(capsys, single, tmp_path / "runs-one")
    _, merged = _record(capsys, tmp_path / "shards", tmp_path / "runs-four")
    assert merged["evaluations"]["test"]["metrics"] == whole["evaluations"]["test"]["metrics"]
    assert merged["evaluations"]["test"]["per_class"] == whole["evaluations"]["test"]["per_class"]
    assert merged["label_issues"]["test"]["measured"] and merged["artifacts"]["predictions"]["test"]


def _refused(capsys, tmp_path, predictions, *words):
    code, out, err = run_cli(["record", "--predictions", str(predictions), "--runs-dir", str(tmp_path / "runs")], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("suffix", [".npz", ".parquet"])
def test_bad_sets_of_shards_are_refused_in_one_line(tmp_path, capsys, suffix):
    preds = _preds(n=60)
    owner = np.asarray([shard_index(i, 2) for i in preds.ids])
    first, second = np.flatnonzero(owner == 1), np.flatnonzero(owner == 2)
    cases = tmp_path / "cases"
    # missing: 2 declared, only 1 present
    write_shard(cases / "missing" / f"a{suffix}", _take(preds, first), Shard(1, 2))
    _refused(capsys, tmp_path, cases / "missing", "shards missing", "K = 2")
    # the same K twice
    write_shard(cases / "twice" / f"a{suffix}", _take(preds, first), Shard(1, 2))
    write_shard(cases / "twice" / f"b{suffix}", _take(preds, second), Shard(1, 2))
    _refused(capsys, tmp_path, cases / "twice", "overlap", "both shard 1/2")
    # an id in two shards
    write_shard(cases / "shared" / f"a{suffix}", _take(preds, first), Shard(1, 2))
    write_shard(cases / "shared" / f"b{suffix}", _take(preds, np.r_[second, first[:1]]), Shard(2, 2))
    _refused(capsys, tmp_path, cases / "shared", "overlap", f" {str(preds.ids[first[0]])!r} ")
    # an id twice in one shard
    write_shard(cases / "repeat" / f"a{suffix}", _take(preds, np.r_[first, first[-1:]]), Shard(1, 2))
    write_shard(cases / "repeat" / f"b{suffix}", _take(preds, second), Shard(2, 2))
    _refused(capsys, tmp_path, cases / "repeat", "overlap", "twice")
    # class lists that disagree
    renamed = Predictions(ids=preds.ids, y_true=preds.y_true, y_prob=preds.y_prob,
                          class_names=["kitten", *CLASSES[1:]])
    write_shard(cases / "classes" / f"a{suffix}", _take(preds, first), Shard(1, 2))
    write_shard(cases / "classes" / f"b{suffix}", _take(renamed, second), Shard(2, 2))
    _refused(capsys, tmp_path, cases / "classes", "disagree on the classes", "kitten")
    # different N, and a single shard passed as if it were the whole set
    write_shard(cases / "totals" / f"a{suffix}", _take(preds, first), Shard(1, 2))
    write_shard(cases / "totals" / f"b{suffix}", _take(preds, second), Shard(2, 3))
    _refused(capsys, tmp_path, cases / "totals", "different totals")
    _refused(capsys, tmp_path, cases / "missing" / f"a{suffix}", "1/2" if suffix == ".npz" else "K = 2")
    _refused(capsys, tmp_path, tmp_path / "empty-glob-*.parquet", "no .npz or .parquet shard files")


def test_mixed_formats_and_slices_on_parquet_are_refused(tmp_path, capsys):
    preds = _preds(n=40)
    owner = np.asarray([shard_index(i, 2) for i in preds.ids])
    write_shard(tmp_path / "mixed" / "a.npz", _take(preds, np.flatnonzero(owner == 1)), Shard(1, 2))
    write_shard(tmp_path / "mixed" / "b.parquet", _take(preds, np.flatnonzero(owner == 2)), Shard(2, 2))
    _refused(capsys, tmp_path, tmp_path / "mixed", "mix .npz and .parquet")
    write_shard(tmp_path / "one.parquet", preds, Shard(1, 1))
    code, _, err = run_cli(["record", "--predictions", str(tmp_path / "one.parquet"), "--slice", "setting",
                            "--runs-dir", str(tmp_path / "runs")], capsys)
    assert code == 2 and "--slice" in err and not (tmp_path / "runs").exists()


@pytest.mark.parametrize("suffix", [".npz", ".parquet"])
def test_an_empty_shard_is_merged_and_all_empty_is_refused(tmp_path, capsys, suffix):
    preds = _preds(n=50)
    owner = np.asarray([shard_index(i, 2) for i in preds.ids])
    first = np.flatnonzero(owner == 1)
    write_shard(tmp_path / "some" / f"a{suffix}", _take(preds, first), Shard(1, 2))
    write_shard(tmp_path / "some" / f"b{suffix}", _take(preds, first[:0]), Shard(2, 2))  # no image hashed to it
    _, record = _record(capsys, tmp_path / "some", tmp_path / "runs-some", "--label-issues", "none")
    assert record["evaluations"]["test"]["n_samples"] == len(first)
    write_shard(tmp_path / "none" / f"a{suffix}", _take(preds, first[:0]), Shard(1, 1))
    _refused(capsys, tmp_path, tmp_path / "none", "hold no predictions")


def test_a_parquet_shard_with_bad_rows_is_refused_in_one_line(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from modelcard.ingest.shard_files import parquet_table, sorted_by_id

    preds = _preds(n=12)
    table = parquet_table(sorted_by_id(preds), Shard(1, 1))
    probs = table.column("y_prob").to_pylist()
    ragged = [row[:-1] if i == 3 else row for i, row in enumerate(probs)]  # one row short of a class
    cases = {"ragged": table.set_column(2, "y_prob", pa.array(ragged, pa.list_(pa.float64()))),
             "label": table.set_column(1, "y_true", pa.array([0] * 11 + [len(CLASSES)], pa.int64())),
             "nan": table.set_column(2, "y_prob", pa.array([[float("nan")] * len(CLASSES)] + probs[1:],
                                                           pa.list_(pa.float64())))}
    words = {"ragged": "probabilities in y_prob", "label": "outside 0..6", "nan": "finite", "unsorted": "not sorted"}
    cases["unsorted"] = parquet_table(preds, Shard(1, 1))  # rows as generated, not in id order
    for name, bad in cases.items():
        path = tmp_path / f"{name}.parquet"
        pq.write_table(bad.replace_schema_metadata(table.schema.metadata), path)
        _refused(capsys, tmp_path, path, words[name])
