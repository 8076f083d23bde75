"""The Hub's formats, by the book (issue 27, item 3): `.eval_results/*.yaml` parsed back with huggingface_hub's
own parser, the front matter loaded with its `ModelCard`/`ModelCardData`, the numbers the card's claims, and no
Hub dataset id ever invented (docs/hub.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from huggingface_hub import EvalResultEntry, ModelCard, ModelCardData, parse_eval_result_entries

import card_fixtures as cf
from modelcard.card.intervals import method_label
from modelcard.cli import main
from modelcard.consistency import check_outputs
from modelcard.record import RunRef, read_record
from modelcard.render.build import build_cards, render_cards
from modelcard.render.hub import TFDS_HUB_IDS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_RUN = sorted((ROOT / "examples" / "runs").iterdir())[0]
HUB_ID = "someone/tuxpaint-stamps"


def _with_hub_id(tmp_path: Path, hub_id: str | None = HUB_ID, task: str | None = None) -> Path:
    info = yaml.safe_load((ROOT / "card.yaml").read_text(encoding="utf-8"))
    if hub_id:
        info["data"]["hub_id"] = hub_id
    if task:
        info["data"]["hub_task_id"] = task
    path = tmp_path / "card.yaml"
    path.write_text(yaml.safe_dump(info), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example run built with a Hub dataset id in its card.yaml."""
    tmp = tmp_path_factory.mktemp("hub")
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        run = RunRef(EXAMPLE_RUN.relative_to(ROOT), read_record(EXAMPLE_RUN))
        built = render_cards(run, card_info=_with_hub_id(tmp), policy=ROOT / "policy.yaml", figures=False)
    finally:
        os.chdir(here)
    return built


def _eval_files(outputs: dict) -> dict[str, str]:
    return {rel: text for rel, text in outputs.items() if ".eval_results/" in rel}


def test_eval_results_parse_with_huggingface_hub_and_state_the_cards_claims(example):
    card, outputs = example
    files = _eval_files(outputs)
    assert list(files) == [f"{card.slug}.eval_results/tuxpaint-stamps.yaml"]
    (entry,) = parse_eval_result_entries(yaml.safe_load(next(iter(files.values()))))
    assert isinstance(entry, EvalResultEntry)
    claim = card.claims.claim("test.accuracy")
    assert (entry.dataset_id, entry.task_id, entry.value) == (HUB_ID, "default", claim.value)
    assert entry.source_url is None and entry.verify_token is None  # nothing verified, no source URL
    n = card.evaluation.sets[0].n_samples
    assert f"{n} images" in entry.notes
    assert f"95% CI {claim.ci_low:.3f} to {claim.ci_high:.3f} ({method_label(claim.method)})" in entry.notes


def test_front_matter_loads_with_model_card_data_by_the_hubs_conventions(example):
    card, outputs = example
    md = outputs[f"{card.slug}.md"]
    data = ModelCard(md).data
    assert isinstance(data, ModelCardData)
    results = data.eval_results
    assert {r.dataset_type for r in results} == {HUB_ID} and data.model_name == card.details.name
    by_type = {r.metric_type: r for r in results}
    assert set(by_type) == {"accuracy", "balanced_accuracy", "top_k_accuracy", "f1", "precision", "recall"}
    assert by_type["top_k_accuracy"].metric_args == {"k": 5}
    for name in ("f1", "precision", "recall"):
        assert by_type[name].metric_args == {"average": "macro"}
    assert by_type["accuracy"].metric_args is None and by_type["balanced_accuracy"].metric_args is None
    assert all(r.verified is None and r.dataset_split is None for r in results)
    for key, hub_type in (("accuracy", "accuracy"), ("balanced_accuracy", "balanced_accuracy"), ("f1_macro", "f1")):
        assert by_type[hub_type].metric_value == card.claims.claim(f"test.{key}").value  # the claims, not recomputed
    co2 = data.co2_eq_emissions
    assert co2["source"] == "codecarbon" and co2["training_type"] in ("fine-tuning", "pre-training")
    assert co2["emissions"] == card.environment.figures.training.co2.value
    assert HUB_ID in data.datasets
    assert data.to_dict()["model-index"][0]["results"][0]["dataset"]["type"] == HUB_ID  # round trip


def test_the_consistency_check_reads_the_eval_results_back(example):
    card, outputs = example
    rel, text = next(iter(_eval_files(outputs).items()))
    claim = card.claims.claim("test.accuracy")
    decision = tuple(card.decision.printed()) if card.decision is not None else ()
    assert not check_outputs(card.claims, outputs, decision=decision)
    wrong_value = text.replace(f"value: {claim.value}", f"value: {claim.value / 2}")
    wrong_bound = text.replace(f"CI {claim.ci_low:.3f}", f"CI {claim.ci_low - 0.1:.3f}")
    for broken in (wrong_value, wrong_bound):
        assert broken != text
        found = check_outputs(card.claims, {**outputs, rel: broken}, decision=decision)
        assert [v.invariant for v in found] == ["identical-quantities"], found


def test_without_a_hub_id_build_writes_none_and_says_why_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "cards"
    assert main(["build", "--run", str(EXAMPLE_RUN.relative_to(ROOT)), "--out", str(out), "--format", "md"]) == 0
    err = capsys.readouterr().err
    notes = [line for line in err.splitlines() if "Hub" in line]
    assert notes == ["note: no Hub eval results and no model-index written: the data (demo) has no known Hub dataset "
                     "id; set `data.hub_id` in card.yaml to the Hub id of this data to write them (docs/hub.md)"]
    assert not list(out.glob("*.eval_results"))
    md = next(p for p in out.glob("*.md") if not p.name.endswith(".data.md"))
    assert ModelCard.load(md).data.eval_results is None


def test_a_task_id_and_the_files_build_writes(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    run = RunRef(EXAMPLE_RUN.relative_to(ROOT), read_record(EXAMPLE_RUN))
    result = build_cards(run, tmp_path / "cards", card_info=_with_hub_id(tmp_path, task="stamps_test"), formats=["md"])
    (path,) = [p for p in result.written if ".eval_results" in str(p)]
    assert path.parent.name.endswith(".eval_results") and path.name == "tuxpaint-stamps.yaml"
    (entry,) = parse_eval_result_entries(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert entry.task_id == "stamps_test" and not result.notes


def test_an_extra_eval_set_gets_no_hub_id_and_a_known_tfds_name_does(tmp_path):
    record = cf.base_record(extra_set=True)
    record["data"]["source"] = "tfds:beans"
    os.chdir(tmp_path)
    try:
        card, outputs = render_cards(cf.write_run(tmp_path, record), figures=False)
    finally:
        os.chdir(ROOT)
    assert {ev.name for ev in card.evaluation.sets} == {"test", "shifted"}
    (text,) = _eval_files(outputs).values()
    entries = parse_eval_result_entries(yaml.safe_load(text))
    assert [(e.dataset_id, e.notes.split(" set of")[0]) for e in entries] == [(TFDS_HUB_IDS["beans"], "accuracy on the test")]
    results = ModelCard(outputs[f"{card.slug}.md"]).data.eval_results
    assert {r.dataset_name.rsplit("(", 1)[1] for r in results} == {"test set of this run)"}


def test_a_made_up_hub_id_is_refused(tmp_path):
    from modelcard.card.info import parse_card_info
    from modelcard.errors import UserError

    with pytest.raises(UserError, match="data.hub_id"):
        parse_card_info({"data": {"hub_id": "not an id"}})
