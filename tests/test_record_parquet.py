"""`modelcard record --predictions` of Parquet written by any engine (pandas, pyarrow, Spark, Dask):
the CSV's layout as columns, or a `y_prob` list column named by `--classes`, in one file or in
part files, streamed in row batches; and every bad table refused in one line, exit 2, no run.

Accuracy is computed from counts and its interval is Wilson's, so the streamed record of the
parts equals the in-memory record of the CSV they came from exactly. Bootstrap intervals (F1,
balanced accuracy, log loss, ECE) are not compared: the streamed path draws a Poisson bootstrap
(`analysis/streamed.py`), the CSV an ordinary one, so they differ by resampling noise.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from predictions_fixtures import synthetic_predictions
from train_fixtures import run_cli

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

CLASSES = ["cat", "dog", "bird", "fish"]
N = 300


def _frame(n=N, seed=0):
    """A predictions table in the CSV's layout: id, label, setting, one probability column per class."""
    y, p, groups = synthetic_predictions(n, CLASSES, seed, skill=1.5)
    frame = pd.DataFrame({"id": [f"img-{i:04d}" for i in range(n)], "label": [CLASSES[c] for c in y],
                          "setting": groups})
    for j, name in enumerate(CLASSES):
        frame[name] = p[:, j]
    return frame


def _write_csv(path, frame):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(frame.columns))
        for row in frame.itertuples(index=False):
            writer.writerow([v if isinstance(v, str) else repr(float(v)) for v in row])
    return path


def _write_parts(folder, frame, parts=3, name="part-{i:05d}.parquet"):
    """`frame` split into `parts` Parquet files by pandas, with the marker files engines leave beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, rows in enumerate(np.array_split(np.arange(len(frame)), parts)):
        frame.iloc[rows].to_parquet(folder / name.format(i=i))
    (folder / "_SUCCESS").write_text("")
    (folder / ".part-00000.parquet.crc").write_bytes(b"crc")
    return folder


def _list_table(frame, metadata=None):
    probs = frame[CLASSES].to_numpy()
    table = pa.table({"id": frame["id"].tolist(), "label": frame["label"].tolist(),
                      "y_prob": pa.array(probs.tolist(), pa.list_(pa.float64()))})
    return table.replace_schema_metadata(metadata) if metadata else table


def _record(capsys, predictions, runs, *extra):
    code, out, err = run_cli(["record", "--predictions", str(predictions), "--runs-dir", str(runs),
                              "--n-resamples", "200", "--label-issues", "none", *extra], capsys)
    assert code == 0, err
    with open(f"{out.strip().splitlines()[-1]}/run.json", encoding="utf-8") as fh:
        return json.load(fh)


def _refused(capsys, tmp_path, predictions, *words, extra=()):
    code, _, err = run_cli(["record", "--predictions", str(predictions), "--runs-dir", str(tmp_path / "runs"),
                            "--n-resamples", "100", *extra], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    assert not (tmp_path / "runs").exists()


def _same_counts(whole: dict, streamed: dict) -> None:
    a, b = whole["evaluations"]["test"], streamed["evaluations"]["test"]
    assert a["n_samples"] == b["n_samples"] == N
    for key in ("value", "ci_low", "ci_high"):  # Wilson's interval from counts: identical
        assert b["metrics"]["accuracy"][key] == a["metrics"]["accuracy"][key]
    assert b["confusion_matrix"] == a["confusion_matrix"]
    assert b["metrics"]["f1_macro"]["value"] == a["metrics"]["f1_macro"]["value"]
    assert b["intervals"]["metrics"]["f1_macro"] == "smoothed_poisson_bootstrap"  # bootstrap intervals: not compared
    assert streamed["data"]["splits"] == whole["data"]["splits"]


def test_pandas_parts_of_a_csv_record_its_accuracy_and_wilson_interval(tmp_path, capsys):
    frame = _frame().drop(columns=["setting"])
    whole = _record(capsys, _write_csv(tmp_path / "all.csv", frame), tmp_path / "runs-csv")
    parts = _write_parts(tmp_path / "parts", frame)
    streamed = _record(capsys, parts, tmp_path / "runs-parts")
    _same_counts(whole, streamed)
    assert streamed["data"]["source"] == "predictions:3 Parquet files in parts"
    assert "streamed" in streamed["evaluations"]["test"]["source"]
    again = _record(capsys, parts / "part-*.parquet", tmp_path / "runs-glob")  # a glob: the same record
    assert again["evaluations"]["test"] == streamed["evaluations"]["test"]
    assert again["data"]["content_hash"] == streamed["data"]["content_hash"]
    frame.to_parquet(tmp_path / "one.parquet")
    single = _record(capsys, tmp_path / "one.parquet", tmp_path / "runs-one")
    _same_counts(whole, single)
    assert single["name"] == "one" and single["data"]["source"] == "predictions:one.parquet"


def test_spark_and_dask_file_names_and_pandas_index_columns(tmp_path, capsys):
    frame = _frame().drop(columns=["setting"])
    whole = _record(capsys, _write_csv(tmp_path / "all.csv", frame), tmp_path / "runs-csv")
    spark = _write_parts(tmp_path / "spark", frame, 4, "part-{i:05d}-6c1b2a-c000.snappy.parquet")
    _same_counts(whole, _record(capsys, spark, tmp_path / "runs-spark"))
    dask = tmp_path / "dask"  # part.N.parquet, _metadata; a filtered frame keeps its index as __index_level_0__
    dask.mkdir()
    owner = np.random.default_rng(0).integers(0, 2, N)
    for i in range(2):
        frame[owner == i].to_parquet(dask / f"part.{i}.parquet")
    (dask / "_metadata").write_bytes(b"footer")
    assert "__index_level_0__" in pq.read_schema(dask / "part.0.parquet").names
    _same_counts(whole, _record(capsys, dask, tmp_path / "runs-dask"))


def test_a_y_prob_list_column_named_by_classes(tmp_path, capsys):
    frame = _frame().drop(columns=["setting"])
    whole = _record(capsys, _write_csv(tmp_path / "all.csv", frame), tmp_path / "runs-csv")
    table = _list_table(frame)
    (tmp_path / "list").mkdir()
    for i, rows in enumerate(np.array_split(np.arange(N), 3)):
        pq.write_table(table.take(rows), tmp_path / "list" / f"part-{i}.parquet")
    streamed = _record(capsys, tmp_path / "list", tmp_path / "runs-list", "--classes", ",".join(CLASSES))
    _same_counts(whole, streamed)
    assert streamed["config"]["classes"] == CLASSES
    (tmp_path / "classes.txt").write_text("\n".join(CLASSES) + "\n\n", encoding="utf-8")
    from_file = _record(capsys, tmp_path / "list", tmp_path / "runs-file", "--classes-file", str(tmp_path / "classes.txt"))
    assert from_file["evaluations"]["test"] == streamed["evaluations"]["test"]
    pq.write_table(_list_table(frame, {"modelcard.class_names": json.dumps(CLASSES)}), tmp_path / "named.parquet")
    _same_counts(whole, _record(capsys, tmp_path / "named.parquet", tmp_path / "runs-named"))


def test_classes_pick_the_class_columns_of_a_wide_table(tmp_path, capsys):
    frame = _frame().drop(columns=["setting"])
    whole = _record(capsys, _write_csv(tmp_path / "all.csv", frame), tmp_path / "runs-csv")
    extra = frame.assign(region="north", score=1.0)  # columns an engine keeps beside the probabilities
    parts = _write_parts(tmp_path / "parts", extra)
    _refused(capsys, tmp_path, parts, "'region'", "--classes")
    _same_counts(whole, _record(capsys, parts, tmp_path / "runs-parts", "--classes", ",".join(CLASSES)))


def test_slice_reads_the_parts_into_memory_as_the_csv(tmp_path, capsys):
    frame = _frame()
    whole = _record(capsys, _write_csv(tmp_path / "all.csv", frame), tmp_path / "runs-csv", "--slice", "setting")
    parts = _record(capsys, _write_parts(tmp_path / "parts", frame), tmp_path / "runs-parts", "--slice", "setting")
    a, b = whole["evaluations"]["test"], parts["evaluations"]["test"]
    assert {**a, "source": None} == {**b, "source": None}  # the in-memory path: the same bootstrap too


def test_normalize_rescales_parquet_rows(tmp_path, capsys):
    frame = _frame().drop(columns=["setting"])
    frame[CLASSES] = frame[CLASSES] * 3.0
    _refused(capsys, tmp_path, _write_parts(tmp_path / "x3", frame), "sums to", "--normalize")
    record = _record(capsys, tmp_path / "x3", tmp_path / "runs", "--normalize")
    assert record["evaluations"]["test"]["n_samples"] == N
    assert any("--normalize" in w for w in record["warnings"])


def _bad(tmp_path, name, frame, parts=2):
    return _write_parts(tmp_path / "cases" / name, frame, parts)


def test_bad_wide_tables_are_refused_in_one_line(tmp_path, capsys):
    frame = _frame(n=40).drop(columns=["setting"])
    unknown = frame.copy()
    unknown.loc[7, "label"] = "yak"
    _refused(capsys, tmp_path, _bad(tmp_path, "unknown", unknown), "'yak'", "not one of the 4 classes")
    nan = frame.copy()
    nan.loc[25, "dog"] = float("nan")
    _refused(capsys, tmp_path, _bad(tmp_path, "nan", nan), "'dog'", "empty cells")  # pandas 3 writes NaN as null
    table = pa.Table.from_pandas(frame, preserve_index=False)
    dog = table.column("dog").to_numpy().copy()
    dog[25] = float("nan")
    pq.write_table(table.set_column(table.schema.get_field_index("dog"), "dog", pa.array(dog)), tmp_path / "nan.parquet")
    _refused(capsys, tmp_path, tmp_path / "nan.parquet", "row 26", "'dog'", "finite")
    folder = _bad(tmp_path, "missing", frame)
    frame.iloc[:20].drop(columns=["fish"]).to_parquet(folder / "part-00000.parquet")
    _refused(capsys, tmp_path, folder, "disagree on the classes",
             "part-00000.parquet lacks class column(s) fish that part-00001.parquet has")
    _refused(capsys, tmp_path, _bad(tmp_path, "named", frame), "lacks the class column(s) yak",
             extra=("--classes", "cat,dog,yak"))
    text = frame.copy()
    text["region"] = "north"
    _refused(capsys, tmp_path, _bad(tmp_path, "text", text), "'region'", "--classes")
    folder = _bad(tmp_path, "dupes", frame)
    frame.iloc[[3]].to_parquet(folder / "part-00002.parquet")
    _refused(capsys, tmp_path, folder, "'img-0003'", "part-00000.parquet and part-00002.parquet")
    pd.concat([frame, frame.iloc[[5]]]).to_parquet(tmp_path / "twice.parquet")
    _refused(capsys, tmp_path, tmp_path / "twice.parquet", "'img-0005'", "twice in twice.parquet")
    frame.assign(setting="indoor").to_parquet(tmp_path / "partitioned", partition_cols=["setting"])
    _refused(capsys, tmp_path, tmp_path / "partitioned", "partition folders", "partitionBy")
    unlabelled = tmp_path / "no-label.parquet"
    frame.drop(columns=["label"]).to_parquet(unlabelled)
    _refused(capsys, tmp_path, unlabelled, "no `label` column")


def test_bad_list_tables_and_mixed_layouts_are_refused(tmp_path, capsys):
    from modelcard.ingest.shard_files import write_shard
    from modelcard.ingest.shards import Shard
    from modelcard.record.predictions import Predictions

    frame = _frame(n=30).drop(columns=["setting"])
    pq.write_table(_list_table(frame), tmp_path / "list.parquet")
    _refused(capsys, tmp_path, tmp_path / "list.parquet", "--classes a,b,c")
    _refused(capsys, tmp_path, tmp_path / "list.parquet", "4 probabilities in y_prob, not 3",
             extra=("--classes", "cat,dog,bird"))
    short = _list_table(frame).to_pydict()
    short["y_prob"][4] = None
    pq.write_table(pa.table(short), tmp_path / "empty.parquet")
    _refused(capsys, tmp_path, tmp_path / "empty.parquet", "empty cells in y_prob", extra=("--classes", ",".join(CLASSES)))
    mixed = tmp_path / "mixed"
    _write_parts(mixed, frame, 1)
    pq.write_table(_list_table(frame), mixed / "part-00001.parquet")
    _refused(capsys, tmp_path, mixed, "mix layouts", "wide", "list")
    shard = tmp_path / "shard-and-wide"
    _write_parts(shard, frame.iloc[:10], 1)
    preds = Predictions(ids=np.asarray(frame["id"][10:]), y_true=np.zeros(20, np.int64),
                        y_prob=frame[CLASSES].to_numpy()[10:], class_names=CLASSES)
    write_shard(shard / "part-k.parquet", preds, Shard(1, 1))
    _refused(capsys, tmp_path, shard, "mix layouts", "shard")


@pytest.mark.parametrize("flags, words", [
    (("--classes", "cat"), ("at least 2",)),
    (("--classes", "cat,,dog"), ("empty name",)),
    (("--classes", "cat,dog,cat"), ("cat more than once",)),
    (("--classes-file", "/nonexistent/classes.txt"), ("cannot read",)),
])
def test_bad_class_lists_are_refused(tmp_path, capsys, flags, words):
    pq.write_table(_list_table(_frame(n=10)), tmp_path / "list.parquet")
    _refused(capsys, tmp_path, tmp_path / "list.parquet", *words, extra=flags)


def test_classes_with_a_csv_is_refused(tmp_path, capsys):
    path = _write_csv(tmp_path / "p.csv", _frame(n=10).drop(columns=["setting"]))
    _refused(capsys, tmp_path, path, "--classes names the classes of Parquet", extra=("--classes", "cat,dog"))


def test_pyspark_written_parquet_when_pyspark_is_installed(tmp_path, capsys):
    """The README's PySpark example, run for real where pyspark and Java are installed (not in CI: pyspark
    is a 450 MB download and needs a JVM, so this test is skipped there)."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    frame = _frame().drop(columns=["setting"])
    whole = _record(capsys, _write_csv(tmp_path / "all.csv", frame), tmp_path / "runs-csv")
    spark = (pyspark_sql.SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .getOrCreate())
    try:
        df = spark.createDataFrame(frame)
        df.repartition(3).write.parquet(str(tmp_path / "predictions"))
        from pyspark.sql import functions as F
        df.select("id", "label", F.array(*CLASSES).alias("y_prob")).write.parquet(str(tmp_path / "lists"))
    finally:
        spark.stop()
    _same_counts(whole, _record(capsys, tmp_path / "predictions", tmp_path / "runs-spark"))
    _same_counts(whole, _record(capsys, tmp_path / "lists", tmp_path / "runs-lists", "--classes", ",".join(CLASSES)))
