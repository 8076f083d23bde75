"""`check --coverage`, item by item: each item is tested against a run that has its fact (or a
card.yaml that has its text) and against one that has neither.

The bare record is a `modelcard record` run with every fact taken out; each probe has a
mutation that puts back just its own fact (taken from the full fixture record), so a probe that
looks in the wrong place (issue 16: `c.robustness` instead of `c.evaluation.robustness`) fails.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

import card_fixtures as cf
from modelcard.card import CardInfo, assemble_card, parse_card_info
from modelcard.check.coverage import PROBES, coverage
from modelcard.check.coverage_items import ITEMS

FULL = cf.base_record()


@pytest.fixture(autouse=True)
def _away_from_repo_card_yaml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def bare_record() -> dict:
    """A schema-shaped record with no fact a probe looks for."""
    r = cf.record_only()
    r["evaluations"] = {}
    r["robustness"] = None
    r["warnings"] = []
    r["provenance"]["packages"] = {}
    r["data"].update(splits={}, n_files=None, content_hash=None, class_names=[], eval_sets={}, duplicates=None,
                     skipped_files=[])
    return r


def _from_full(*keys):
    def put(r):
        for key in keys:
            r[key] = copy.deepcopy(FULL[key])
    return put


def _trained(r):
    """A run trained here: training, model and classes back (the facts a trained run always has)."""
    r["created_by"] = "train"
    _from_full("training", "model")(r)
    r["data"]["class_names"] = list(FULL["data"]["class_names"])


def _with(*steps):
    def put(r):
        for step in steps:
            step(r)
    return put


def _classes(r):
    r["data"]["class_names"] = list(FULL["data"]["class_names"])


def _test_set(r):
    _classes(r)
    r["evaluations"] = {"test": copy.deepcopy(FULL["evaluations"]["test"])}


def _test_set_without(*keys):
    def put(r):
        _test_set(r)
        ev = r["evaluations"]["test"]
        for key in keys:
            ev[key] = [] if isinstance(ev[key], list) else {}
    return put


def _data(**fields):
    def put(r):
        r["data"].update(copy.deepcopy(fields))
    return put


def _model_only(r):
    """A model section without training (an `evaluate`-style run)."""
    _classes(r)
    r["model"] = copy.deepcopy(FULL["model"])


def _emissions(**extra):
    def put(r):
        r["emissions"] = {**copy.deepcopy(FULL["emissions"]), **extra}
    return put


#: Probe -> mutation of the bare record that gives the card that probe's fact (and as little else as it can).
HAS = {
    "model_type": _classes,
    "classes": _classes,
    "weights": _model_only,
    "measured_risks": _data(skipped_files=[{"path": "a/x.png", "reason": "truncated image"}]),
    "get_started_code": _with(_model_only, lambda r: r["artifacts"].update(model="model.keras")),
    "training_data": _data(splits=FULL["data"]["splits"]),
    "preprocessing": _model_only,
    "hyperparameters": _trained,
    "speeds": _from_full("efficiency"),
    "evaluation": _test_set_without("slices", "top_confusions"),
    "factors": _test_set_without("slices"),
    "slices": _test_set,
    "robustness": _with(_test_set, _from_full("robustness")),
    "examination": _test_set_without("slices"),
    "env_hardware_type": _from_full("hardware"),
    "env_hours_used": _emissions(),
    "env_cloud_provider": _emissions(cloud_provider="gcp"),
    "env_cloud_region": _emissions(cloud_region="europe-west1"),
    "env_carbon": _emissions(),
    "architecture": _model_only,
    "objective": _trained,
    "hardware": _from_full("hardware"),
    "software": lambda r: r["provenance"].update(packages=dict(FULL["provenance"]["packages"])),
    "compute": _from_full("hardware"),
    "data_cleaning": _data(duplicates=FULL["data"]["duplicates"]),
}

#: A human text for each card.yaml key an item reads, in the type card.yaml takes.
HUMAN = {"developers": ["Jane Doe"], "card_authors": ["Jane Doe"], "glossary": {"ECE": "expected calibration error"}}


def _card(record, info=None):
    return assemble_card(record, info or CardInfo(), run_path=Path("runs/x"))


def _info(key: str) -> CardInfo:
    raw: dict = {}
    *parents, last = key.split(".")
    node = raw
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = HUMAN.get(key, f"Real text for {key}.")
    return parse_card_info(raw)


def _has(probe: str) -> dict:
    record = bare_record()
    HAS[probe](record)
    return record


def test_every_probe_has_a_case():
    assert set(HAS) == set(PROBES)


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_each_probe_sees_its_fact_and_only_then(probe):
    assert not PROBES[probe](_card(bare_record())), probe
    assert PROBES[probe](_card(_has(probe))), probe


def test_robustness_is_seen_where_the_card_keeps_it():
    """Issue 16: a run with a measured robustness section and one evaluation set was reported missing."""
    record = _has("robustness")
    assert len(record["evaluations"]) == 1
    card = _card(record)
    assert card.evaluation.robustness.measured
    rows = {r.id: r for r in coverage(card, CardInfo())}
    assert rows["aiv.2g.robustness"].status == "measured"
    assert rows["aiv.2g.robustness"].sources == ["measured: robustness"]
    not_measured = _test_set  # one set, no robustness section
    record = bare_record()
    not_measured(record)
    assert {r.id: r for r in coverage(_card(record), CardInfo())}["aiv.2g.robustness"].status == "missing"


CARD_ITEMS = [item for item in ITEMS if item.outside is None]


@pytest.mark.parametrize("item", CARD_ITEMS, ids=[item.id for item in CARD_ITEMS])
def test_each_item_is_missing_without_its_facts_and_filled_with_them(item):
    def status(record, info=None):
        return {r.id: r for r in coverage(_card(record, info), info or CardInfo())}[item.id]

    without = status(bare_record())
    assert without.status == "missing" and without.sources == []
    for probe in item.measured:
        row = status(_has(probe))
        assert row.status == "measured" and f"measured: {probe}" in row.sources, probe
    for key in item.human:
        row = status(bare_record(), _info(key))
        assert (row.status, row.sources) == ("human", [f"card.yaml: {key}"]), key
