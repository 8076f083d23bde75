"""Inference cost and break-even on a numpy stand-in for a model, inside a real emissions collector."""

import numpy as np
import pytest

from modelcard.record.model import Emissions, Inference
from training.collectors import EmissionsCollector
from training.measure.model_cost import breakeven_predictions, inference_section, measure_inference_cost, training_kg


class CountingModel:
    """`predict_on_batch` doing real numpy work, counting the images it was given."""

    def __init__(self):
        self.images = []
        self.weights = np.random.default_rng(0).random((48, 10))

    def predict_on_batch(self, x):
        self.images.append(len(x))
        return np.tanh(x.reshape(len(x), -1)[:, :48] @ self.weights)


def test_inference_cost_is_its_own_phase_per_batch_size():
    model = CountingModel()
    batch = np.random.default_rng(1).random((32, 4, 4, 3))
    with EmissionsCollector() as em:
        measured = measure_inference_cost(model.predict_on_batch, batch, 70, run_id="r").to_dict()
    phases = {p["subject"]: p for p in em.result().to_dict()["phases"] if p["kind"] == "inference_cost"}
    assert set(phases) == {"batch_32", "batch_1"} and all(p["run_id"] == "r" for p in phases.values())
    # two warm-up calls, then 3 batches of 32 (96 >= 70 predictions) and 70 single images
    assert model.images == [32, 1] + [32] * 3 + [1] * 70
    assert measured["batch_32"]["n_predictions"] == 96 and measured["batch_1"]["n_predictions"] == 70
    for key, n in (("batch_32", 96), ("batch_1", 70)):
        assert measured[key]["kwh_per_1000"] == pytest.approx(phases[key]["energy_kwh"] * 1000 / n)
        assert measured[key]["kg_per_1000"] == pytest.approx(phases[key]["emissions_kg"] * 1000 / n)
        assert measured[key]["measured"] and measured[key]["duration_s"] > 0


def test_no_collector_or_zero_predictions_measures_nothing():
    model = CountingModel()
    batch = np.zeros((32, 4, 4, 3))
    assert measure_inference_cost(model.predict_on_batch, batch, 100) is None  # no collector: nothing to attribute energy to
    with EmissionsCollector():
        assert measure_inference_cost(model.predict_on_batch, batch, 0) is None
    assert model.images == []


def test_breakeven_against_training_phases():
    emissions = Emissions.from_dict({"emissions_kg": 1.0, "phases": [
        {"kind": "fit", "emissions_kg": 0.004}, {"kind": "data_scan", "emissions_kg": 0.001},
        {"kind": "efficiency", "emissions_kg": 0.5}, {"kind": "inference_cost", "emissions_kg": 0.4}]})
    assert training_kg(emissions) == pytest.approx(0.005)
    assert training_kg(Emissions.from_dict({"emissions_kg": 0.3, "phases": None})) == 0.3 and training_kg(None) is None
    measured = Inference.from_dict({"batch_32": {"kg_per_1000": 0.0001}, "batch_1": {"kg_per_1000": None}})
    assert breakeven_predictions(0.005, measured) == {"batch_32": 50_000, "batch_1": None}
    section = inference_section(measured, emissions).to_dict()
    assert section["training_emissions_kg"] == pytest.approx(0.005)
    assert section["breakeven_predictions"] == {"batch_32": 50_000, "batch_1": None}
    assert inference_section(None, emissions) is None
