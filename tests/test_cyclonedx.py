"""`<name>.cdx.json`: a CycloneDX 1.6 ML-BOM that validates with cyclonedx-python-lib's strict
validator (which rejects unknown fields), and whose numbers are the run record's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelcard.cli import main
from modelcard.record import RunRef, read_record, resolve_run
from modelcard.render.build import build_cards
from tests.predictions_fixtures import write_csv

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((ROOT / "examples" / "runs").iterdir())[0]
EXAMPLE_OUT: list[Path] = []  # the folder the example was built into


def _validate(text: str) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None


def _bom(result) -> tuple[str, dict]:
    (path,) = [p for p in result.written if p.name.endswith(".cdx.json")]
    text = path.read_text(encoding="utf-8")
    return text, json.loads(text)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("cdx")
    EXAMPLE_OUT[:] = [out]
    run = RunRef(EXAMPLE, read_record(EXAMPLE))
    return run.record, _bom(build_cards(run, out, card_info=ROOT / "card.yaml", policy=ROOT / "policy.yaml"))


def test_example_bom_validates(example):
    _, (text, _) = example
    _validate(text)


def test_the_validator_has_teeth(example):
    _, (_, doc) = example
    doc["components"][0]["modelCard"]["quantitativeAnalysis"]["performanceMetrics"][0]["method"] = "wilson"
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(doc)) is not None


def test_example_bom_carries_the_records_facts(example):
    record, (_, doc) = example
    model, data, weights = doc["components"]
    mct = json.loads(next(EXAMPLE_OUT[0].glob("*.mct.json")).read_text(encoding="utf-8"))
    assert model["type"] == "machine-learning-model" and model["name"] == mct["model_details"]["name"]
    assert model["hashes"] == [{"alg": "SHA-256", "content": record["model"]["file_sha256"]}]
    assert data["type"] == "data" and data["hashes"][0]["content"] == record["data"]["content_hash"].split(":")[1]
    assert weights["hashes"][0]["content"] == record["model"]["weights"]["sha256"]
    card = model["modelCard"]
    assert card["modelParameters"]["datasets"] == [{"ref": "data"}]
    metrics = {(m["type"], m["slice"]): m for m in card["quantitativeAnalysis"]["performanceMetrics"]}
    accuracy = record["evaluations"]["test"]["metrics"]["accuracy"]
    assert metrics[("accuracy", "test")]["value"] == str(accuracy["value"])
    assert metrics[("accuracy", "test")]["confidenceInterval"] == {"lowerBound": str(accuracy["ci_low"]),
                                                                   "upperBound": str(accuracy["ci_high"])}
    energy = {e["activity"]: e for e in card["considerations"]["environmentalConsiderations"]["energyConsumptions"]}
    # Training is every phase but the measurements of the saved model ("other"); the two add up to the run (issue 24)
    phases = record["emissions"]["phases"]
    measuring = [p for p in phases if p["kind"] in ("efficiency", "inference_cost")]
    training = [p for p in phases if p not in measuring]
    for activity, part in (("training", training), ("other", measuring)):
        assert energy[activity]["activityEnergyCost"]["value"] == pytest.approx(sum(p["energy_kwh"] for p in part))
        assert energy[activity]["co2CostEquivalent"]["value"] == pytest.approx(sum(p["emissions_kg"] for p in part) / 1000)
    assert (energy["training"]["activityEnergyCost"]["value"] + energy["other"]["activityEnergyCost"]["value"]
            == pytest.approx(record["emissions"]["energy_kwh"]))
    props = {p["name"]: p["value"] for p in energy["training"]["properties"]}
    assert props["modelcard:scope"].startswith("training: every phase except")
    assert props["modelcard:estimated"] == ("false" if record["emissions"]["measured"] else "true")
    per_1000 = [e for e in card["considerations"]["environmentalConsiderations"]["energyConsumptions"]
                if e["activity"] == "inference"]
    assert sorted(e["activityEnergyCost"]["value"] for e in per_1000) == sorted(
        v["kwh_per_1000"] for k, v in record["emissions"]["inference"].items() if k.startswith("batch_"))
    assert card["considerations"]["useCases"] and card["considerations"]["fairnessAssessments"]


def test_same_card_same_bom(example, tmp_path):
    record, (text, _) = example
    run = RunRef(EXAMPLE, record)
    again, _ = _bom(build_cards(run, tmp_path, card_info=ROOT / "card.yaml", policy=ROOT / "policy.yaml"))
    assert again == text


def test_predictions_csv_run_bom_validates(tmp_path, runs_dir):
    csv_path = write_csv(tmp_path / "preds.csv")
    assert main(["record", "--predictions", str(csv_path), "--name", "pets", "--slice", "setting",
                 "--n-resamples", "100"]) == 0
    run = resolve_run("latest", runs_dir)
    text, doc = _bom(build_cards(run, tmp_path / "cards"))
    _validate(text)
    assert [c["type"] for c in doc["components"]] == ["machine-learning-model", "data"]  # no model file, no weights
    assert "hashes" not in doc["components"][0]
