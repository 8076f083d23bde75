"""A robustness stage that raises never breaks `modelcard train`: the run completes, the record
has no `robustness`, and the card names what was not measured and why."""

from __future__ import annotations

import pytest

from modelcard.record import read_record, resolve_run
from train_fixtures import make_folder, run_cli

pytestmark = pytest.mark.tf


def test_train_completes_when_robustness_raises(tmp_path, capsys, monkeypatch):
    from modelcard.render.build import build_cards
    from training.robustness import stage

    def broken(*args, **kwargs):
        raise RuntimeError("corruption pipeline exploded")

    monkeypatch.setattr(stage, "predict_passes", broken)
    data = make_folder(tmp_path / "data", per_class=6)
    code, out, err = run_cli(["train", "--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "1",
                              "--runs-dir", str(tmp_path / "runs"), "--no-feature-cache", "--name", "broken"], capsys)
    assert code == 0, err[-2000:]
    run_dir = out.strip().splitlines()[0]
    record = read_record(run_dir)
    assert record["status"] == "complete" and "robustness" not in record
    reason = "robustness under corruptions not measured: RuntimeError: corruption pipeline exploded"
    assert reason in record["warnings"]
    (tmp_path / "empty.yaml").write_text("")
    build_cards(resolve_run(run_dir, tmp_path / "runs"), out_dir=tmp_path / "cards", card_info=tmp_path / "empty.yaml")
    card = (tmp_path / "cards" / "broken.md").read_text()
    assert ("Robustness under common corruptions was not measured: RuntimeError: corruption pipeline exploded."
            in card)


def test_robustness_none_is_named_on_the_card(tmp_path):
    """`--robustness none` (and old records) say so instead of leaving the section out silently."""
    from modelcard.card.sections.robustness import robustness
    from modelcard.record.model import RunRecord

    none = RunRecord.of({"config": {"robustness": "none"}, "warnings": []})
    assert robustness(none).reason == "skipped (`--robustness none`)"
    old = robustness(RunRecord.of({"config": {}, "warnings": [], "created_by": "train"}))
    assert not old.measured and "did not measure" in old.reason


def test_bad_robustness_value_is_a_one_line_error(tmp_path, capsys):
    code, _, err = run_cli(["train", "--data", str(tmp_path), "--robustness", "heavy"], capsys)
    assert code == 2 and "--robustness 'heavy' is unknown; choose one of quick, full, none" in err


def test_a_real_run_records_its_images_and_the_headline_as_clean_accuracy(tmp_path, capsys):
    """A small test set is used whole (no sample to name on the card) and its clean accuracy is the
    headline test accuracy, exactly."""
    data = make_folder(tmp_path / "data", per_class=6)
    code, out, err = run_cli(["train", "--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "1",
                              "--runs-dir", str(tmp_path / "runs"), "--no-feature-cache", "--name", "small"], capsys)
    assert code == 0, err[-2000:]
    record = read_record(out.strip().splitlines()[0])
    robustness, test = record["robustness"], record["evaluations"]["test"]
    assert robustness["clean_accuracy"] == test["metrics"]["accuracy"]
    assert robustness["sample"] == {"n": test["n_samples"], "of": test["n_samples"], "method": "all test images",
                                    "seed": 0, "target_half_width": 0.05, "needed": robustness["sample"]["needed"],
                                    "planned_clean_accuracy": test["metrics"]["accuracy"]["value"]}
    assert robustness["n"] == test["n_samples"] and "sample" not in robustness["method"]
