"""Comparison cards: sweep members and `--compare` runs side by side, the chosen one named."""

from __future__ import annotations

import copy

from modelcard.card.sections.comparison import MemberSource, comparison
from modelcard.cli import main
from modelcard.record import write_record
from modelcard.record.model import Member, RunRecord
from tests.card_fixtures import base_record, evaluation, write_run

OTHER_ID = "20260101T000100Z-def456"


def _member(record: dict, run_id: str, *, optimizer: str, skill: float, selected: bool) -> dict:
    other = copy.deepcopy(record)
    other["run_id"] = run_id
    other["name"] = f"demo-mobilenetv2-{optimizer}"
    other["config"]["optimizer"] = optimizer
    other["evaluations"]["test"] = evaluation(record["data"]["class_names"], 60, 5, "test split", skill=skill)
    other["sweep"] = dict(other["sweep"], parameters={"optimizer": optimizer, "batch_size": 32}, selected=selected, index=1)
    # the newer efficiency keys (schema 1.1) are read first
    other["efficiency"] = {"latency_ms_batch1": {"median": 6.5, "p95": 9.25}, "weights_bytes_in_memory": 9_000_000,
                           "model_file_bytes": 9_500_000}
    other["emissions"] = None
    return other


def _build(tmp_path, capsys, *extra):
    code = main(["build", "--runs-dir", str(tmp_path / "runs"), "--out", str(tmp_path / "cards"),
                 "--format", "md,html", "--card-info", str(tmp_path / "none.yaml"), *extra])
    out = capsys.readouterr()
    return code, out


def _sweep_runs(tmp_path, with_sibling=True):
    chosen = base_record(extra_set=False)
    write_run(tmp_path, chosen)
    if with_sibling:
        write_run(tmp_path, _member(chosen, OTHER_ID, optimizer="sgd", skill=0.3, selected=False))
    (tmp_path / "none.yaml").write_text("model_name: Stamps\n")
    return chosen


def test_sweep_card_compares_members_read_from_sibling_runs(tmp_path, capsys):
    chosen = _sweep_runs(tmp_path)
    code, out = _build(tmp_path, capsys, "--run", chosen["run_id"])
    assert code == 0, out.err
    md = (tmp_path / "cards" / "stamps.md").read_text()
    training_part = md[md.index("## Training Details"):md.index("## Evaluation")]
    evaluation_part = md[md.index("## Evaluation"):md.index("## Model Examination")]
    assert "#### Configurations Compared: Size and Training Cost" in training_part
    assert "#### Configurations Compared: Test Results and Latency" in evaluation_part
    rows = [line for line in evaluation_part.splitlines() if line.startswith("| batch_size=")]
    assert len(rows) == 2
    assert rows[0].startswith("| batch_size=32, optimizer=adam | ") and rows[0].endswith("| chosen |")
    # member 1: old key (latency_ms_per_image) and no p95; member 2: new keys
    assert "| 8 ms | not measured | chosen |" in rows[0]
    assert "| 6.5 ms | 9.25 ms |" in rows[1]
    assert "Chosen configuration: batch_size=32, optimizer=adam. Rule: highest val_accuracy" in evaluation_part
    sgd_row = next(line for line in training_part.splitlines() if line.startswith("| batch_size=32, optimizer=sgd"))
    assert "| 2,268,232 | 9.00 MB (9,000,000 bytes) | 9.50 MB (9,500,000 bytes) | 3.2 s | not measured | not measured |" in sgd_row
    figures = tmp_path / "cards" / "figures" / "stamps"
    assert (figures / "comparison_accuracy_latency.svg").is_file()
    # CO2 is measured for one configuration only: no plot with a single point
    assert not (figures / "comparison_accuracy_co2.svg").exists()
    html = (tmp_path / "cards" / "stamps.html").read_text()
    assert "Configurations Compared: Test Results and Latency" in html and "Test accuracy against latency" in html
    first = {p.name: p.read_bytes() for p in (tmp_path / "cards").rglob("*") if p.is_file()}
    assert _build(tmp_path, capsys, "--run", chosen["run_id"])[0] == 0
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "cards").rglob("*") if p.is_file()}


def test_sweep_member_without_its_record_keeps_the_sweep_table_facts(tmp_path, capsys):
    chosen = _sweep_runs(tmp_path, with_sibling=False)
    code, out = _build(tmp_path, capsys)
    assert code == 0, out.err
    md = (tmp_path / "cards" / "stamps.md").read_text()
    assert f"1 member run record(s) were not found next to this run or in the runs folder ({OTHER_ID})" in md
    row = next(line for line in md.splitlines() if line.startswith("| batch_size=32, optimizer=sgd | 0.550"))
    assert "0.550 [0.420, 0.680] | record not found | record not found" in row


def _source(run_id, acc, chosen=False, backbone="mobilenetv2"):
    record = {"run_id": run_id, "name": run_id, "config": {"backbone": backbone, "name": run_id},
              "model": {"backbone": backbone, "input_size": 96}, "data": {"content_hash": "sha256:x"},
              "evaluations": {"test": {"metrics": {"accuracy": acc}}}, "warnings": []}
    return MemberSource(run_id, RunRecord.of(record), None, chosen)


def test_overlapping_intervals_say_the_choice_is_not_supported():
    a = _source("a", {"value": 0.9, "ci_low": 0.85, "ci_high": 0.95}, chosen=True)
    b = _source("b", {"value": 0.8, "ci_low": 0.7, "ci_high": 0.86}, backbone="resnet50v2")
    c = _source("c", {"value": 0.6, "ci_low": 0.5, "ci_high": 0.7}, backbone="densenet121")
    d = _source("d", {"value": 0.7, "ci_low": None, "ci_high": None}, backbone="efficientnetb0")
    result = comparison(RunRecord.of({"run_id": "a"}), "compare", [a, b, c, d])
    assert result.setting_names == ["backbone"]
    assert [r.label for r in result.runs] == ["backbone=mobilenetv2", "backbone=resnet50v2", "backbone=densenet121",
                                              "backbone=efficientnetb0"]
    assert result.overlapping == ["backbone=resnet50v2"]  # c is clearly worse; d has no interval to judge
    assert result.chosen_label == "backbone=mobilenetv2" and "named by the user" in result.rule
    assert comparison(RunRecord.of({"run_id": "a"}), "compare", [a]) is None


def test_build_compare_runs_side_by_side(tmp_path, capsys):
    first = base_record(extra_set=False, sweep=False)
    second = copy.deepcopy(first)
    second["run_id"] = OTHER_ID
    second["config"]["input_size"] = 128
    second["model"]["input_size"] = 128
    second["efficiency"]["latency_ms_per_image"] = 12.0
    second["emissions"]["emissions_kg"] = 0.0005
    write_run(tmp_path, first)
    write_run(tmp_path, second)
    (tmp_path / "none.yaml").write_text("model_name: Stamps\n")
    code, out = _build(tmp_path, capsys, "--run", first["run_id"], "--compare", OTHER_ID)
    assert code == 0, out.err
    md = (tmp_path / "cards" / "stamps.md").read_text()
    assert "| input_size=96 | " in md and "| input_size=128 | " in md
    assert "named by the user" in md
    assert "is not supported by the test data" in md  # same test scores: the intervals overlap
    figures = tmp_path / "cards" / "figures" / "stamps"
    assert (figures / "comparison_accuracy_latency.svg").is_file() and (figures / "comparison_accuracy_co2.svg").is_file()
    code, out = _build(tmp_path, capsys, "--compare", "no-such-run")
    assert code == 2 and "no-such-run" in out.err and len(out.err.strip().splitlines()) == 1


def test_plain_run_has_no_comparison(tmp_path, capsys):
    write_run(tmp_path, base_record(extra_set=False, sweep=False))
    (tmp_path / "none.yaml").write_text("model_name: Stamps\n")
    assert _build(tmp_path, capsys)[0] == 0
    assert "Configurations Compared" not in (tmp_path / "cards" / "stamps.md").read_text()


def test_per_configuration_energy_in_the_sweep_table_beats_the_sweep_wide_figure():
    record = base_record(extra_set=False)
    record["warnings"] = ["emissions cover the whole sweep of 2 configurations (shared data loading and feature extraction included)"]
    row = Member.from_dict(dict(record["sweep"]["members"][0],
                                own_cost={"duration_s": 2.0, "energy_kwh": 0.001, "emissions_kg": 0.0002}))
    typed = RunRecord.of(record)
    chosen_row, other_row = typed.sweep.members
    shared = comparison(typed, "sweep", [MemberSource(typed.run_id, typed, chosen_row, True),
                                         MemberSource(OTHER_ID, None, other_row, False)])
    # The record's totals (0.00225 kWh) are the whole sweep's: shown as shared, not as this configuration's.
    assert (shared.runs[0].energy_kwh, shared.runs[0].emissions_scope) == (None, "sweep")
    assert shared.runs[0].shared["energy_kwh"] == "shared: measured once for the whole sweep"
    own = comparison(typed, "sweep", [MemberSource(typed.run_id, typed, row, True),
                                      MemberSource(OTHER_ID, None, other_row, False)])
    assert (own.runs[0].energy_kwh, own.runs[0].emissions_kg, own.runs[0].emissions_scope) == (0.001, 0.0002, "run")
    assert "energy_kwh" not in own.runs[0].shared
