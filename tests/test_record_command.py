"""`modelcard record`: predictions from anywhere become a complete, checked run record."""

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, log_loss

from modelcard.cli import main
from modelcard.record import read_predictions, resolve_run
from tests.predictions_fixtures import synthetic_predictions, write_csv


def _run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_csv_to_complete_run_matches_sklearn(tmp_path, runs_dir, capsys):
    csv_path = write_csv(tmp_path / "preds.csv")
    code, out, err = _run(["record", "--predictions", str(csv_path), "--name", "pets", "--slice", "setting",
                           "--n-resamples", "200"], capsys)
    assert code == 0, err
    run = resolve_run("latest", runs_dir)
    assert str(run.path) == out.strip()
    rec = run.record
    assert rec["status"] == "complete" and rec["name"] == "pets" and rec["created_by"] == "record"
    assert rec["command_line"][:2] == ["modelcard", "record"]
    preds = read_predictions(run.path / rec["artifacts"]["predictions"]["test"])
    y_true, prob, groups = synthetic_predictions()
    np.testing.assert_array_equal(preds.y_true, y_true)
    np.testing.assert_allclose(preds.y_prob, prob, atol=1e-6)
    metrics = rec["evaluations"]["test"]["metrics"]
    assert metrics["accuracy"]["value"] == pytest.approx(accuracy_score(y_true, prob.argmax(1)))
    assert metrics["f1_macro"]["value"] == pytest.approx(f1_score(y_true, prob.argmax(1), average="macro"))
    assert metrics["log_loss"]["value"] == pytest.approx(log_loss(y_true, prob), rel=1e-5)
    assert rec["evaluations"]["test"]["bootstrap"]["n_resamples"] == 200
    assert [s["column"] for s in rec["evaluations"]["test"]["slices"]] == ["setting"]
    assert rec["data"]["splits"]["test"]["n"] == 240 and rec["data"]["content_hash"].startswith("sha256:")


def test_npz_with_string_labels(tmp_path, runs_dir, capsys):
    y_true, prob, groups = synthetic_predictions(n=60)
    names = np.array(["cat", "dog", "bird"])
    np.savez(tmp_path / "p.npz", y_prob=prob, y_true=names[y_true], class_names=names, attr__setting=groups)
    code, out, err = _run(["record", "--predictions", str(tmp_path / "p.npz"), "--slice", "setting"], capsys)
    assert code == 0, err
    rec = resolve_run("latest", runs_dir).record
    assert rec["name"] == "p" and rec["evaluations"]["test"]["n_samples"] == 60


def _bad_csv(tmp_path, header, rows):
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("header, rows, flags, expect", [
    (["label", "a", "b"], [["a", "nan", "1"]], [], "row 1, column 'a' is nan"),
    (["label", "a", "b"], [["a", "0.5", "0.5"], ["b", "-0.2", "1.2"]], [], "row 2, column 'a' is negative"),
    (["label", "a", "b"], [["a", "0.5", "0.4"]], [], "row 1 sums to 0.9, not 1"),
    (["label", "a", "b"], [["a", "0.5", "0.5"], ["zebra", "0.5", "0.5"]], [], "row 2 has label 'zebra'"),
    (["label", "a"], [["a", "1"]], [], "at least 2 classes"),
    (["label", "a", "b"], [["a", "0.5", "x"]], [], "'x' is not a number"),
    (["label", "a", "b"], [["a", "0.5"]], [], "row 1 (line 2) has 2 cells"),
    (["id", "a", "b"], [["1", "0.5", "0.5"]], [], "no `label` column"),
    (["label", "a", "b"], [["a", "0.5", "0.5"]], ["--slice", "site"], "--slice column(s) site not found"),
])
def test_bad_csv_one_line_exit_2_nothing_written(tmp_path, runs_dir, capsys, header, rows, flags, expect):
    path = _bad_csv(tmp_path, header, rows)
    code, out, err = _run(["record", "--predictions", str(path), *flags], capsys)
    assert code == 2
    assert expect in err and err.count("\n") == 1 and "Traceback" not in err
    assert not runs_dir.exists() or not any(runs_dir.iterdir())


def test_normalize_rescales_and_warns(tmp_path, runs_dir, capsys):
    path = _bad_csv(tmp_path, ["label", "a", "b"], [["a", "2", "1"], ["b", "1", "3"], ["a", "3", "1"]])
    code, out, err = _run(["record", "--predictions", str(path)], capsys)
    assert code == 2 and "--normalize" in err
    code, out, err = _run(["record", "--predictions", str(path), "--normalize", "--n-resamples", "100"], capsys)
    assert code == 0, err
    run = resolve_run("latest", runs_dir)
    np.testing.assert_allclose(read_predictions(run.path / "predictions/test.npz").y_prob.sum(1), 1, atol=1e-6)
    assert any("--normalize" in w for w in run.record["warnings"])


def test_empty_and_missing_files(tmp_path, runs_dir, capsys):
    (tmp_path / "empty.csv").write_text("")
    code, _, err = _run(["record", "--predictions", str(tmp_path / "empty.csv")], capsys)
    assert code == 2 and "is empty" in err
    code, _, err = _run(["record", "--predictions", str(tmp_path / "nope.csv")], capsys)
    assert code == 2 and "does not exist" in err


def test_runs_lists_and_json(tmp_path, runs_dir, capsys):
    _run(["record", "--predictions", str(write_csv(tmp_path / "x.csv")), "--slice", "setting", "--n-resamples", "100"], capsys)
    code, out, _ = _run(["runs"], capsys)
    assert code == 0 and "complete" in out and "x" in out and "[" in out
    code, out, _ = _run(["runs", "--json"], capsys)
    data = json.loads(out)
    assert data["runs"][0]["status"] == "complete" and 0 <= data["runs"][0]["test_accuracy"]["value"] <= 1


def test_wrong_flag_is_one_line_exit_2():
    proc = subprocess.run([sys.executable, "-m", "modelcard", "build", "--frobnicate"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "unrecognized arguments: --frobnicate" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "modelcard", "build", "--format", "docx"], capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown --format docx" in proc.stderr and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("cmd", [[], ["build"], ["runs"], ["record"], ["train"], ["evaluate"]])
def test_help_everywhere(cmd):
    proc = subprocess.run([sys.executable, "-m", "modelcard", *cmd, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "usage: modelcard" in proc.stdout


def test_build_errors_are_one_line(tmp_path, runs_dir, capsys):
    code, _, err = _run(["build"], capsys)  # no runs folder at all
    assert code == 2 and "no complete run" in err and "does not exist" in err and err.count("\n") == 1
    runs_dir.mkdir()
    code, _, err = _run(["build"], capsys)  # an empty runs folder
    assert code == 2 and "no complete run" in err and err.count("\n") == 1
    _run(["record", "--predictions", str(write_csv(tmp_path / "x.csv")), "--slice", "setting", "--n-resamples", "100"], capsys)
    (tmp_path / "afile").write_text("")
    code, _, err = _run(["build", "--out", str(tmp_path / "afile" / "cards")], capsys)
    assert code == 2 and "cannot create output folder" in err and err.count("\n") == 1
    (tmp_path / "bad.yaml").write_text("model_name: x\nsurprise: 1\n")
    code, _, err = _run(["build", "--out", str(tmp_path / "cards"), "--card-info", str(tmp_path / "bad.yaml")], capsys)
    assert code == 2 and "surprise" in err and err.count("\n") == 1
    assert not (tmp_path / "cards").exists() or not any((tmp_path / "cards").rglob("*.md"))
