"""Cards say how each interval was computed (once per table, in the front matter and the MCT
JSON), print "too few images" for undefined scores, and still read 1.0 records' percentile
bootstrap intervals."""

from __future__ import annotations

import json

import numpy as np
import yaml

from modelcard.analysis import evaluate_predictions
from modelcard.record import RunRef, new_record, read_record, write_record
from modelcard.render.build import build_cards

NAMES = ["a", "b", "space", "never"]


def _record(evaluation: dict, version: str = "1.1") -> dict:
    record = new_record("20260101T000000Z-0a0b0c", "intervals", "record", command_line=["modelcard", "record"])
    record["schema_version"] = version
    record["status"] = "complete"
    record["data"].update({"source": "predictions:x.npz", "class_names": NAMES,
                           "splits": {"test": {"n": evaluation["n_samples"], "class_counts": {}}}})
    record["evaluations"] = {"test": evaluation}
    return record


def _evaluation(**kwargs) -> dict:
    y = np.array([0] * 20 + [1] * 16 + [2] * 2 + [3] * 2)
    prob = np.full((40, 4), 0.1)
    prob[np.arange(40), np.minimum(y, 2)] = 0.7  # class "never" is never predicted
    return evaluate_predictions(y, prob, NAMES, {"site": ["x", "y"] * 20}, **kwargs).to_dict()


def _build(tmp_path, record: dict) -> dict[str, str]:
    run_dir = tmp_path / "runs" / record["run_id"]
    run_dir.mkdir(parents=True)
    write_record(run_dir, record)
    info = tmp_path / "card.yaml"  # a Hub dataset id, so that the front matter has a model-index (docs/hub.md)
    info.write_text("runs: ['*']\ndata:\n  hub_id: someone/stamps\n", encoding="utf-8")
    result = build_cards(RunRef(run_dir, read_record(run_dir)), tmp_path / "cards", card_info=info)
    model_card = {p.name.removeprefix(p.name.split(".")[0]): p for p in result.written}  # ".md", ".mct.json", ...
    return {short: model_card[full].read_text(encoding="utf-8")
            for short, full in ((".md", ".md"), (".json", ".mct.json"), (".html", ".html"), (".yaml", ".yaml"))}


def _front_matter(md: str) -> dict:
    return yaml.safe_load(md.split("---\n")[1])


def test_methods_are_named_once_per_table_and_undefined_scores_read_too_few_images(tmp_path):
    out = _build(tmp_path, _record(_evaluation(n_resamples=100, seed=0)))
    md = out[".md"]
    assert "| never | 2 | too few images | 0.000 [0.000, 0.658] | 0.000 [" in md
    assert "| space | 2 | 0.500 [0.150, 0.850] | 1.000 [0.342, 1.000] |" in md  # recall 2 of 2: not [1.000, 1.000]
    assert md.count("Intervals: Wilson score interval for accuracy and top-5 accuracy;") == 0  # 4 classes: no top-5
    # weighted recall is accuracy by definition: it carries accuracy's Wilson interval (issue 24)
    assert md.count("Intervals: Wilson score interval for accuracy and recall (weighted); expanded percentile bootstrap "
                    "with pseudo-counts for balanced accuracy") == 1
    assert md.count("; expanded percentile bootstrap for log loss and expected calibration error.") == 1
    assert md.count("Intervals: Wilson score interval for precision and recall; expanded percentile bootstrap with "
                    "pseudo-counts for F1.") == 1
    assert md.count("Intervals: Wilson score interval for accuracy; expanded percentile bootstrap with pseudo-counts "
                    "for F1 (macro); simultaneous group intervals projected onto the gap for the differences between "
                    "groups.") == 1
    assert "**simultaneous group intervals projected onto the gap**: The interval of a difference between groups" in md
    assert "not where the true calibration error lies" in md  # what the ECE interval means
    assert "too few images" in out[".html"]
    metrics = _front_matter(md)["model-index"][0]["results"][0]["metrics"]
    args = {m["name"]: m.get("args") for m in metrics}  # only what compute() is given: no interval (docs/hub.md)
    assert args["test accuracy"] is None and args["test macro F1"] == {"average": "macro"}
    (entry,) = yaml.safe_load(out[".yaml"])  # the interval and its method are in the eval results notes
    assert entry["notes"].endswith("(Wilson score interval)") and entry["value"] == metrics[0]["value"]
    mct = json.loads(out[".json"])["quantitative_analysis"]["performance_metrics"]
    methods = {(m["type"], m["slice"]): m["confidence_interval"]["method"] for m in mct if "confidence_interval" in m}
    assert methods["accuracy", "test"] == "Wilson score interval"
    assert methods["log_loss", "test"] == "expanded percentile bootstrap"
    assert methods["accuracy", "test/site=x"] == "Wilson score interval"


def test_a_1_0_record_keeps_its_percentile_bootstrap_words(tmp_path):
    evaluation = _evaluation(n_resamples=50, seed=0)
    del evaluation["intervals"]  # as written before 1.1: every interval a percentile bootstrap
    evaluation["bootstrap"]["method"] = "percentile"
    for entry in evaluation["per_class"]:
        for name in ("precision", "recall", "f1"):
            entry[name].pop("reason", None)
    out = _build(tmp_path, _record(evaluation, version="1.0"))
    md = out[".md"]
    assert "confidence interval from a percentile bootstrap over the evaluation samples (50 resamples, seed 0)" in md  # a `record` run
    assert md.count("Intervals: percentile bootstrap.") == 3  # results, per class, the slice
    assert "pseudo-counts" not in md and "expanded" not in md and "Wilson" not in md.split("## Evaluation")[1].split("## Model Examination")[0]
    metrics = _front_matter(md)["model-index"][0]["results"][0]["metrics"]
    assert all(m.get("args") in (None, {"average": "macro"}, {"k": 5}) for m in metrics)
    (entry,) = yaml.safe_load(out[".yaml"])
    assert entry["notes"].endswith("(percentile bootstrap)")


def test_without_resamples_only_wilson_intervals_are_claimed(tmp_path):
    md = _build(tmp_path, _record(_evaluation(n_resamples=0)))[".md"]
    assert "no interval (no bootstrap was run) for balanced accuracy" in md
    assert "Intervals: Wilson score interval for precision and recall; no interval (no bootstrap was run) for F1." in md
