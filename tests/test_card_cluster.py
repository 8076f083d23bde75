"""What the card says about a multi-worker run: the chief's hardware with the worker count, and the
carbon summed over the workers whose energy was measured (record `hardware.workers`, `emissions.cluster`)."""

from __future__ import annotations

import copy

import pytest

import card_fixtures as cf
from modelcard.card.info import CardInfo
from modelcard.card.sections.environment import environmental_impact
from modelcard.record.model import RunRecord
from modelcard.record.validate import validate_record


def cluster_record(measured: list[bool]) -> dict:
    record = copy.deepcopy(cf.base_record())
    record["hardware"] = {**(record["hardware"] or {}), "cpu_model": "Test CPU", "cpu_count": 2, "workers": len(measured)}
    rows = [{"worker": i, "measured": m, "energy_kwh": 1e-4 * (i + 1) if m else None,
             "emissions_kg": 2e-5 * (i + 1) if m else None} for i, m in enumerate(measured)]
    kept = [r for r in rows if r["measured"]]
    record["emissions"]["emissions_kg"] = rows[0]["emissions_kg"]
    record["emissions"]["cluster"] = {"workers": len(rows), "workers_measured": len(kept), "per_worker": rows,
                                      "energy_kwh": sum(r["energy_kwh"] for r in kept),
                                      "emissions_kg": sum(r["emissions_kg"] for r in kept)}
    return validate_record(record, where="test")


@pytest.mark.parametrize("measured, words", [
    ([True, True], "0.06 g CO2eq (6e-05 kg), summed over 2 of 2 workers (the chief: 0.02 g; the phase figures are the chief's)"),
    ([True, False, False], "summed over 1 of 3 workers (the chief: 0.02 g; the phase figures are the chief's); "
                           "the energy of 2 other workers was not measured"),
])
def test_cluster_carbon_and_hardware(measured, words):
    env = environmental_impact(RunRecord.of(cluster_record(measured)), CardInfo())
    assert words in env.carbon_emitted.value
    assert env.hardware_type.value == f"Test CPU (2 cores), the chief of {len(measured)} workers"


def test_single_worker_card_is_unchanged():
    record = copy.deepcopy(cf.base_record())
    env = environmental_impact(RunRecord.of(record), CardInfo())
    assert "workers" not in (env.carbon_emitted.value or "") and "workers" not in (env.hardware_type.value or "")
