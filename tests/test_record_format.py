"""The run record: schema validation on read, atomic writes, run ids, `latest` resolution."""

import json
import threading

import numpy as np
import pytest

from modelcard.errors import UserError
from modelcard.record import (Predictions, create_run_dir, list_runs, new_run_id, open_run, read_predictions,
                              read_record, resolve_run, write_predictions)


def _complete(writer, classes=("a", "b")):
    writer.amend("data", class_names=list(classes))
    writer.add_evaluation("test", {
        "n_samples": 2, "n_classes": 2, "bootstrap": {"method": "percentile", "n_resamples": 1000, "confidence": 0.95, "seed": 0},
        "metrics": {k: {"value": 0.5, "ci_low": 0.1, "ci_high": 0.9} for k in (
            "accuracy", "balanced_accuracy", "log_loss", "precision_macro", "recall_macro", "f1_macro",
            "precision_weighted", "recall_weighted", "f1_weighted", "ece")},
        "per_class": [], "confusion_matrix": {"labels": list(classes), "counts": [[1, 0], [1, 0]]},
        "top_confusions": [], "calibration": {"n_bins": 15, "ece": {"value": 0.1, "ci_low": 0.0, "ci_high": 0.2}, "bins": []},
        "slices": []})


def test_run_ids_sort_and_never_collide(tmp_path, monkeypatch):
    import datetime as dt

    import modelcard.record.store as store

    early = new_run_id(dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=dt.timezone.utc))
    late = new_run_id(dt.datetime(2026, 1, 1, 0, 0, 1, tzinfo=dt.timezone.utc))
    assert sorted([late, early]) == [early, late]
    # Even when the random suffix repeats, the exclusive mkdir makes the second run draw again.
    drawn = iter(["20260101T000000Z-aaaaaa", "20260101T000000Z-aaaaaa", "20260101T000000Z-bbbbbb"])
    monkeypatch.setattr(store, "new_run_id", lambda: next(drawn))
    assert [create_run_dir(tmp_path / "same")[0] for _ in range(2)] == ["20260101T000000Z-aaaaaa",
                                                                       "20260101T000000Z-bbbbbb"]
    monkeypatch.undo()
    made = []

    def make():
        made.append(create_run_dir(tmp_path)[0])

    threads = [threading.Thread(target=make) for _ in range(20)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(set(made)) == 20 and len([p for p in tmp_path.iterdir() if p.name != "same"]) == 20


def test_lifecycle_statuses_and_latest(tmp_path):
    with open_run(tmp_path, "good", "record") as w:
        _complete(w)
    good = w.path
    with pytest.raises(RuntimeError):
        with open_run(tmp_path, "bad", "record") as w:
            _complete(w)
            raise RuntimeError("disk on fire")
    with pytest.raises(KeyboardInterrupt):
        with open_run(tmp_path, "stopped", "record") as w:
            raise KeyboardInterrupt
    statuses = {r.record["name"]: r.record["status"] for r in list_runs(tmp_path)[0]}
    assert statuses == {"good": "complete", "bad": "failed", "stopped": "interrupted"}
    assert read_record(good)["provenance"]["ended_at"]
    # latest never picks the newer failed/interrupted runs
    assert resolve_run("latest", tmp_path).path == good
    failed = [r for r in list_runs(tmp_path)[0] if r.record["status"] == "failed"][0]
    assert failed.record["error"] == {"type": "RuntimeError", "message": "disk on fire"}
    # ... but they can be asked for by id or path
    assert resolve_run(failed.run_id, tmp_path).record["status"] == "failed"
    assert resolve_run(str(failed.path / "run.json"), tmp_path).run_id == failed.run_id


def test_duration_is_monotonic_and_counts_from_the_given_start(tmp_path):
    import time

    from modelcard.record import RunStart

    with open_run(tmp_path, "now", "record") as w:
        _complete(w)
    assert 0 <= read_record(w.path)["provenance"]["duration_s"] < 60
    start = RunStart.now()
    time.sleep(0.2)  # work measured before the run folder exists (train's data scan)
    with open_run(tmp_path, "earlier", "record", start=start) as w:
        _complete(w)
    provenance = read_record(w.path)["provenance"]
    assert provenance["started_at"] == start.utc and provenance["duration_s"] >= 0.2
    with pytest.raises(KeyboardInterrupt):
        with open_run(tmp_path, "stopped", "record") as w:
            raise KeyboardInterrupt
    assert read_record(w.path)["provenance"]["duration_s"] >= 0  # every final status has it


@pytest.mark.parametrize("mutate, expect", [
    (lambda r: r.update(schema_version="0.9"), "schema_version '0.9' is not supported"),
    (lambda r: r.update(status="done"), "malformed run record at status"),
    (lambda r: r["evaluations"]["test"]["metrics"].pop("accuracy"), "evaluations/test/metrics"),
    (lambda r: r.update(extra=1), "Additional properties"),
    (lambda r: r["artifacts"]["predictions"].update(test="../../etc/passwd"), "artifacts/predictions/test"),
])
def test_malformed_records_are_refused_in_one_line(tmp_path, mutate, expect):
    with open_run(tmp_path, "m", "record") as w:
        _complete(w)
    record = json.loads((w.path / "run.json").read_text())
    mutate(record)
    (w.path / "run.json").write_text(json.dumps(record))
    with pytest.raises(UserError) as err:
        read_record(w.path)
    assert expect in str(err.value) and "\n" not in str(err.value)


def test_invalid_json_and_missing_runs(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "run.json").write_text("{not json")
    with pytest.raises(UserError, match="not valid JSON"):
        read_record(tmp_path / "x")
    with pytest.raises(UserError, match="no complete run"):
        resolve_run("latest", tmp_path)
    with pytest.raises(UserError, match="does not exist"):
        resolve_run("latest", tmp_path / "nowhere")
    with pytest.raises(UserError, match="not found"):
        resolve_run("20990101T000000Z-abcdef", tmp_path)
    runs, bad = list_runs(tmp_path)
    assert runs == [] and bad and "not valid JSON" in bad[0][1]


def test_predictions_roundtrip_is_pickle_free(tmp_path):
    preds = Predictions(ids=np.array(["a", "b"]), y_true=np.array([0, 1]), y_prob=np.array([[0.9, 0.1], [0.2, 0.8]]),
                        class_names=["猫", "<b>|"], attributes={"site": np.array(["x", "y"])})
    write_predictions(tmp_path / "p.npz", preds)
    back = read_predictions(tmp_path / "p.npz")
    assert back.class_names == ["猫", "<b>|"] and back.attributes["site"].tolist() == ["x", "y"]
    np.testing.assert_allclose(back.y_prob, preds.y_prob, rtol=1e-6)
    # an npz holding an object array is refused rather than unpickled
    np.savez(tmp_path / "evil.npz", ids=np.array([object()], dtype=object), y_true=[0], y_prob=[[1.0, 0.0]], class_names=["a", "b"])
    with pytest.raises(UserError, match="cannot read predictions"):
        read_predictions(tmp_path / "evil.npz")


def test_crash_mid_write_keeps_previous_file(tmp_path, monkeypatch):
    from modelcard import atomic

    target = tmp_path / "card.md"
    atomic.write_text(target, "old")

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with atomic.atomic_open(target) as fh:
            fh.write("half of the new ca")
            raise Boom
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["card.md"]


def test_latest_prefers_the_selected_member_of_the_newest_sweep(tmp_path):
    members = []
    for i in range(3):
        with open_run(tmp_path, f"cfg{i}", "train") as w:
            _complete(w)
            w.set(sweep={"sweep_id": "s1", "index": i, "parameters": {"i": i}, "selected": i == 1,
                         "selection_rule": "val_accuracy:max", "members": []})
            w.save()
        members.append(w)
    assert resolve_run("latest", tmp_path).record["name"] == "cfg1"
