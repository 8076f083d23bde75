"""Any schema-valid record renders: a training record with no model section must not crash the
templates (StrictUndefined makes such gaps loud), and the card says what is missing."""

import numpy as np

from modelcard.analysis import evaluate_predictions
from modelcard.record import RunRef, new_record, read_record, write_record
from modelcard.render.build import build_cards


def test_training_record_without_model_section(tmp_path):
    names = ["a", "b", "c"]
    y = np.arange(60) % 3
    prob = np.full((60, 3), 0.1)
    prob[np.arange(60), y] = 0.8
    record = new_record("20260101T000000Z-0a0b0c", "bare", "train", command_line=["modelcard", "train"])
    record["status"] = "complete"
    record["data"].update({"source": "somewhere", "class_names": names,
                           "splits": {"test": {"n": 60, "class_counts": {c: 20 for c in names}}}})
    record["training"] = {"mode": "head", "history": {"loss": [1.0, 0.5]}}
    record["evaluations"] = {"test": evaluate_predictions(y, prob, names, n_resamples=100).to_dict()}
    run_dir = tmp_path / "runs" / record["run_id"]
    run_dir.mkdir(parents=True)
    write_record(run_dir, record)
    result = build_cards(RunRef(run_dir, read_record(run_dir)), tmp_path / "cards")
    md = next(p for p in result.written if p.suffix == ".md").read_text(encoding="utf-8")
    assert "not recorded: this run's record has no model section" in md
    assert "Architecture not recorded" in md and "external model" not in md
