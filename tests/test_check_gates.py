"""Policy gates: the gate-name table, reading policy.yaml strictly, and evaluating gates on a
record, checked against independent computations (scikit-learn, fairlearn) where there are any."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from fairlearn.metrics import MetricFrame
from sklearn.metrics import accuracy_score, recall_score

import card_fixtures as cf
from modelcard.analysis import rows as analysis_rows
from modelcard.check import gate_names
from modelcard.check.gate_names import TABLE, resolve
from modelcard.check.gates import evaluate_gate
from modelcard.check.policy import load_policy, parse_gate
from modelcard.check.policy_doc import render
from modelcard.errors import UserError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def record():
    return cf.base_record()


def _result(text, record):
    return evaluate_gate(parse_gate(text, record=record), record)


# ---- the table --------------------------------------------------------------------------------

def test_metric_vocabularies_are_what_evaluation_writes():
    """The gate vocabularies are the record's metric keys: every scalar a real evaluation writes is gateable."""
    import numpy as np
    from modelcard.analysis.evaluate import evaluate_predictions

    rng = np.random.default_rng(0)
    prob = rng.dirichlet(np.ones(7), size=60)
    written = evaluate_predictions(rng.integers(0, 7, 60), prob, [f"c{i}" for i in range(7)], n_resamples=100)
    assert tuple(written.metrics) == gate_names.SCALAR_METRICS
    assert analysis_rows.SCALAR_METRICS is gate_names.SCALAR_METRICS


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r.pattern)
def test_every_example_resolves_to_its_own_row(row):
    gate = parse_gate(row.example)
    assert gate.metric.row is row


@pytest.mark.parametrize("name", ["accuracy", "balanced_accuracy", "top5_accuracy", "f1_macro", "log_loss", "ece",
                                  "precision_weighted"])
def test_every_test_metric_is_gateable_bare_and_by_part(name):
    assert resolve(name).part == "value"
    for part in ("value", "ci_low", "ci_high"):
        resolved = resolve(f"{name}.{part}")
        assert resolved.part == part and resolved.values == {"metric": name}


def test_issue_examples_are_all_known_names():
    for text in ["accuracy.ci_low >= 0.80", "max_per_class_recall_gap <= 0.25", "ece <= 0.08",
                 "slices.orientation.worst.accuracy.ci_low >= 0.70", "robustness.gaussian_noise.3.accuracy_drop <= 0.2",
                 "emissions_kg <= 0.01", "label_issues.test.rate <= 0.05", "latency_ms_batch1.median <= 30",
                 "latency_ms_batch1.p95 <= 60", "model_file_bytes <= 1e7", "energy_kwh <= 1",
                 "per_class.birds.recall.ci_low >= 0.5", "slices.orientation.difference.accuracy <= 0.2",
                 "robustness.gaussian_noise.3.accuracy >= 0.5", "eval.shifted.accuracy.ci_low >= 0.5"]:
        parse_gate(text)


def test_committed_policy_doc_is_generated_from_the_table():
    assert (REPO / "docs" / "policy.md").read_text(encoding="utf-8") == render(), \
        "regenerate: python -m modelcard.check.policy_doc > docs/policy.md"


def test_policy_doc_lists_every_pattern():
    doc = render()
    for row in TABLE:
        assert f"`{row.pattern}`" in doc


# ---- reading policy.yaml ------------------------------------------------------------------------

def _policy(tmp_path, text):
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_policy_reads_gates_and_hashes_the_file(tmp_path):
    import hashlib

    path = _policy(tmp_path, "gates:\n  - accuracy.ci_low >= 0.80\n  - ece <= 0.08\n")
    policy = load_policy(path)
    assert [g.text for g in policy.gates] == ["accuracy.ci_low >= 0.80", "ece <= 0.08"]
    assert policy.gates[0].metric.quantity == "lower bound" and policy.gates[1].metric.quantity == "point estimate"
    assert policy.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("text, expected", [
    ("gates:\n  - acuracy.ci_low >= 0.8\n", "unknown metric `acuracy.ci_low`; close matches: accuracy.ci_low"),
    ("gates:\n  - accuracy.ci_lo >= 0.8\n", "close matches: accuracy.ci_low"),
    ("gates:\n  - emissions_kg.ci_low <= 1\n", "unknown metric `emissions_kg.ci_low`"),
    ("gates:\n  - accuracy => 0.8\n", "bad operator `=>`; use one of >=, <=, >, <"),
    ("gates:\n  - accuracy == 0.8\n", "bad operator `==`"),
    ("gates:\n  - accuracy ≥ 0.8\n", "bad operator `≥`"),
    ("gates:\n  - accuracy 0.8\n", "is not of the form `METRIC OP NUMBER`"),
    ("gates:\n  - accuracy >= high\n", "`high` is not a number"),
    ("gates:\n  - accuracy >= nan\n", "must be a finite number"),
    ("gates:\n  - {accuracy: 0.8}\n", "is not a string of the form `METRIC OP NUMBER`"),
    ("gates: []\n", "`gates:` must be a non-empty list"),
    ("gates: accuracy >= 0.8\n", "`gates:` must be a non-empty list"),
    ("gate:\n  - accuracy >= 0.8\n", "unknown key `gate` (did you mean `gates`?)"),
    ("- accuracy >= 0.8\n", "the top level must be a mapping"),
    ("gates: [accuracy >= 0.8\n", "is not valid YAML (line"),
])
def test_a_malformed_policy_is_one_line_naming_the_problem(tmp_path, text, expected):
    with pytest.raises(UserError) as err:
        load_policy(_policy(tmp_path, text))
    message = str(err.value)
    assert expected in message and "\n" not in message


def test_close_matches_use_the_runs_own_names(record):
    with pytest.raises(UserError, match=r"per_class\.birds\.recall"):
        parse_gate("per_clas.birds.recall >= 0.5", record=record)


def test_missing_policy_file_is_a_usage_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_policy(tmp_path / "nope.yaml")


# ---- evaluating gates -----------------------------------------------------------------------------

def test_operators_at_the_boundary(record):
    low = record["evaluations"]["test"]["metrics"]["accuracy"]["ci_low"]
    assert _result(f"accuracy.ci_low >= {low!r}", record).passed
    assert not _result(f"accuracy.ci_low > {low!r}", record).passed
    assert _result(f"accuracy.ci_low <= {low!r}", record).passed
    assert not _result(f"accuracy.ci_low < {low!r}", record).passed


def test_parts_read_the_recorded_interval(record):
    metric = record["evaluations"]["test"]["metrics"]["ece"]
    assert _result("ece <= 1", record).value == metric["value"]
    assert _result("ece.value <= 1", record).value == metric["value"]
    assert _result("ece.ci_high <= 1", record).value == metric["ci_high"]
    failed = _result("ece.ci_high <= 0", record)
    assert not failed.passed and failed.value == metric["ci_high"] and "is not <= 0" in failed.reason


def _fixture_predictions():
    y_true, prob, groups = cf.predictions(cf.CLASSES, 60, 1)
    return y_true, prob.argmax(axis=1), groups


def test_per_class_gap_and_worst_class_against_scikit_learn(record):
    y_true, y_pred, _ = _fixture_predictions()
    recalls = recall_score(y_true, y_pred, average=None, labels=range(len(cf.CLASSES)))
    assert _result("max_per_class_recall_gap <= 1", record).value == pytest.approx(recalls.max() - recalls.min())
    assert _result("worst_class.recall <= 1", record).value == pytest.approx(recalls.min())
    lows = [row["recall"]["ci_low"] for row in record["evaluations"]["test"]["per_class"]]
    assert _result("worst_class.recall.ci_low <= 1", record).value == min(lows)
    birds = recalls[cf.CLASSES.index("birds")]
    assert _result("per_class.birds.recall >= 0", record).value == pytest.approx(birds)


def test_slice_worst_and_difference_against_fairlearn(record):
    y_true, y_pred, groups = _fixture_predictions()
    frame = MetricFrame(metrics={"accuracy": accuracy_score}, y_true=y_true, y_pred=y_pred,
                        sensitive_features={"background": groups["background"]})
    assert _result("slices.background.worst.accuracy >= 0", record).value == pytest.approx(frame.group_min()["accuracy"])
    assert _result("slices.background.difference.accuracy <= 1", record).value == pytest.approx(
        frame.difference()["accuracy"])
    group_lows = [g["accuracy"]["ci_low"] for g in record["evaluations"]["test"]["slices"][0]["groups"]]
    assert _result("slices.background.worst.accuracy.ci_low >= 0", record).value == min(group_lows)


@pytest.mark.parametrize("gate, why", [
    ("robustness.gaussian_noise.3.accuracy_drop <= 0.2", "no robustness evaluation"),
    ("robustness.relative_robustness >= 0.5", "no robustness evaluation"),
    ("label_issues.test.rate <= 0.05", "no label-issue check"),
    ("latency_ms_batch1.median <= 50", "latency_ms_batch1"),
    ("per_class.whales.recall >= 0.1", "no class `whales` (it has: birds, fish, fruit, vegetables)"),
    ("slices.lighting.worst.accuracy >= 0.1", "no slice column `lighting` (it has: background)"),
    ("eval.night.accuracy >= 0.1", "no evaluation set `night` (it has: shifted, test)"),
    ("slices.background.ratio.accuracy.ci_low >= 0", "without an interval"),
])
def test_an_unmeasured_metric_fails_never_passes(record, gate, why):
    # Each gate would pass on any value (bounds are generous): only "not measured" can fail it.
    record.pop("robustness", None)  # the fixture record has a robustness evaluation; these gates need none
    result = _result(gate, record)
    assert not result.passed and result.value is None
    assert result.reason.startswith("not measured:") and why in result.reason


def test_unmeasured_in_a_minimal_record():
    record = cf.record_only()
    for gate in ("emissions_kg <= 1", "total_params <= 1e12", "latency_ms_per_image <= 1e6",
                 "duplicates.cross_split_pairs <= 1000"):
        result = _result(gate, record)
        assert not result.passed and "not measured" in result.reason, gate


def test_new_record_fields_are_read_where_the_collectors_write_them(record):
    record = copy.deepcopy(record)
    record["robustness"] = {"corruptions": {"gaussian_noise": {"3": {
        "accuracy": {"value": 0.7, "ci_low": 0.6, "ci_high": 0.8},
        "accuracy_drop": {"value": 0.15, "ci_low": 0.05, "ci_high": 0.25}}}},
        "relative_robustness": {"value": 0.82, "ci_low": 0.7, "ci_high": 0.9}}
    record["label_issues"] = {"test": {"rate": {"value": 0.03, "ci_low": 0.01, "ci_high": 0.07}}}
    record["efficiency"]["latency_ms_batch1"] = {"median": 12.5, "p95": 20.0}
    assert _result("robustness.gaussian_noise.3.accuracy_drop.ci_high <= 0.2", record).value == 0.25
    assert _result("robustness.gaussian_noise.3.accuracy >= 0.5", record).passed
    assert _result("robustness.relative_robustness.ci_low >= 0.7", record).passed
    assert _result("label_issues.test.rate.ci_high <= 0.05", record).value == 0.07
    assert _result("latency_ms_batch1.median <= 20", record).value == 12.5
    assert not _result("latency_ms_batch1.p95 < 20", record).passed
    missing = _result("robustness.gaussian_noise.5.accuracy_drop <= 0.2", record)
    assert "no severity of gaussian_noise `5` (it has: 3)" in missing.reason


def test_scalars_read_the_record(record):
    assert _result("emissions_kg <= 1", record).value == record["emissions"]["emissions_kg"]
    assert _result("energy_kwh <= 1", record).value == record["emissions"]["energy_kwh"]
    assert _result("model_file_bytes <= 1e9", record).value == record["efficiency"]["model_file_bytes"]
    assert _result("n_samples >= 1", record).value == 60
    assert _result("eval.shifted.n_samples >= 1", record).value == 40
    assert _result("duplicates.cross_split_pairs <= 0", record).value == 1
    assert not _result("duplicates.cross_split_pairs <= 0", record).passed
    assert np.isclose(_result("eval.shifted.accuracy >= 0", record).value,
                      record["evaluations"]["shifted"]["metrics"]["accuracy"]["value"])
