"""Every word a card states about a number agrees with the record that holds the number (issue 15).

Checked over the example card (built fresh from examples/runs/<id> with card.yaml and
policy.yaml, as the committed cards are) and over the golden cards (tests/golden/): the interval
method of every metric on every surface (Markdown tables, front matter, MCT JSON, meta.json,
the publish index and the demo's closing headline), units, licence strings, the training type,
the checksum claim against the files actually in the run folder, and ties in the selection.

The expectations are read from the record here, with this test's own words for each method id,
so a surface that restates a method by hand (or reads the run-wide bootstrap method instead of
the metric's own) fails.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from modelcard.publish.site import publish
from modelcard.record import RunRef, read_record
from modelcard.render.build import build_cards
from modelcard.commands.where_block import where_block

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
EXAMPLE_RUN = sorted((ROOT / "examples" / "runs").iterdir())[0]

#: The card's words for each recorded method id (docs/run-record.md, "intervals").
WORDS = {"wilson": "Wilson score interval", "expanded_percentile_bootstrap": "expanded percentile bootstrap",
         "smoothed_bootstrap": "expanded percentile bootstrap with pseudo-counts",
         "percentile_bootstrap": "percentile bootstrap",
         "simultaneous_group_projection": "simultaneous group intervals projected onto the gap"}
#: Front matter metric names (`<set> <pretty>`) and the metrics tables' names of the record's keys.
TABLE = {"accuracy": "accuracy", "balanced_accuracy": "balanced accuracy", "top5_accuracy": "top-5 accuracy",
         "f1_macro": "F1 (macro)", "precision_macro": "precision (macro)", "recall_macro": "recall (macro)",
         "f1_weighted": "F1 (weighted)", "precision_weighted": "precision (weighted)",
         "recall_weighted": "recall (weighted)", "log_loss": "log loss", "ece": "expected calibration error"}


#: Scores that are another by definition (issue 24): weighted recall is accuracy; macro recall is balanced
#: accuracy when no class without images in the set was predicted. The card prints them with that score's
#: interval, so their method is that score's.
SAME = {"recall_weighted": "accuracy", "recall_macro": "balanced_accuracy"}


def _predicted_without_images(ev: dict) -> bool:
    counts = ev["confusion_matrix"]["counts"]
    return any(sum(row) == 0 and sum(r[c] for r in counts) > 0 for c, row in enumerate(counts))


def _method(ev: dict, key: str) -> str:
    """The method id of one metric as the card must state it: `intervals.metrics` since 1.1, the identical
    score's for a score that is another by definition."""
    if key in SAME and not (key == "recall_macro" and _predicted_without_images(ev)):
        key = SAME[key]
    return ev["intervals"]["metrics"][key]


class Built:
    def __init__(self, cards: Path, slug: str, record: dict, run_dir: Path):
        self.cards, self.slug, self.record, self.run_dir = cards, slug, record, run_dir
        self.md = (cards / f"{slug}.md").read_text(encoding="utf-8")
        self.mct = json.loads((cards / f"{slug}.mct.json").read_text(encoding="utf-8"))
        self.meta = json.loads((cards / f"{slug}.meta.json").read_text(encoding="utf-8"))
        self.front = yaml.safe_load(self.md.split("---\n")[1])


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    cards = tmp_path_factory.mktemp("example") / "cards"
    here = Path.cwd()
    import os

    os.chdir(ROOT)  # the card names the run by its path relative to the repository, as the committed cards
    try:
        run = RunRef(EXAMPLE_RUN.relative_to(ROOT), read_record(EXAMPLE_RUN))
        result = build_cards(run, cards, card_info=ROOT / "card.yaml", policy=ROOT / "policy.yaml")
    finally:
        os.chdir(here)
    slug = next(p.name.removesuffix(".meta.json") for p in result.written if p.name.endswith(".meta.json"))
    return Built(cards, slug, run.record, EXAMPLE_RUN)


@pytest.fixture(scope="module")
def golden():
    return Built(GOLDEN, "stamp-classifier", json.loads((GOLDEN / "run.json").read_text(encoding="utf-8")), None)


@pytest.fixture(params=["example", "golden"])
def card(request):
    return request.getfixturevalue(request.param)


def test_front_matter_has_a_model_index_only_with_a_hub_dataset_id(card):
    """The demo data has no Hub dataset id, so neither card states a model-index (its `dataset.type` must be
    one); the metric ids name distinct metrics (tests/test_render_hub.py builds one with an id)."""
    assert "model-index" not in card.front
    assert "balanced_accuracy" in card.front["metrics"]
    assert set(card.front["metrics"]) <= {"accuracy", "balanced_accuracy", "top_k_accuracy", "f1", "precision", "recall"}
    assert not list(card.cards.glob("*.eval_results"))


def test_mct_json_names_each_metrics_own_interval_method(card):
    checked = 0
    for entry in card.mct["quantitative_analysis"]["performance_metrics"]:
        set_name, _, group = entry["slice"].partition("/")
        ev = card.record["evaluations"].get(set_name)
        if ev is None or "confidence_interval" not in entry or "corruption=" in group:
            continue  # robustness entries: not an evaluation set's metrics (see the robustness tests)
        if not group:
            recorded = _method(ev, entry["type"])
        elif group.startswith("class="):
            recorded = ev["intervals"]["per_class"][entry["type"]]
        elif entry["type"].endswith("_gap"):
            recorded = ev["intervals"]["slices"]["difference"]
        else:
            recorded = ev["intervals"]["slices"][entry["type"]]
        assert entry["confidence_interval"]["method"] == WORDS[recorded], entry["slice"]
        checked += 1
    assert checked >= 10


def test_metrics_tables_name_each_metrics_own_interval_method(card):
    """The "Intervals: <method> for <metrics>; ..." line under the metrics table (one table, a column
    per evaluation set), parsed back and compared with every set's record."""
    lines = [line for line in card.md.splitlines() if line.startswith("Intervals:") and "accuracy" in line
             and "log loss" in line]
    assert len(lines) == 1
    for line, ev in ((lines[0], ev) for ev in card.record["evaluations"].values()):
        stated = {}
        for group in line.removeprefix("Intervals: ").rstrip(".").split("; "):
            label, _, names = group.partition(" for ")
            for name in re.split(r", | and ", names):
                stated[name] = label
        for key in ev["metrics"]:
            if key in TABLE and ev["metrics"][key].get("ci_low") is not None:
                assert stated[TABLE[key]] == WORDS[_method(ev, key)], key


def test_meta_headline_and_demo_closing_line_name_the_accuracy_interval_method(card, tmp_path):
    test = card.record["evaluations"]["test"]
    head = card.meta["headline"]
    assert head["value"] == test["metrics"]["accuracy"]["value"]
    assert (head["method_id"], head["method"]) == (_method(test, "accuracy"), WORDS[_method(test, "accuracy")])
    if card.run_dir is not None:  # the example: also the demo's closing block and the published index
        closing = where_block(card.cards / f"{card.slug}.meta.json")
        headline = next(line for line in closing.splitlines() if line.startswith("Headline:"))
        assert headline.endswith(f"{WORDS[_method(test, 'accuracy')]})")
        publish(card.cards, tmp_path / "site")
        index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
        assert f"test accuracy, 95% CI ({WORDS[_method(test, 'accuracy')]})" in index
        assert "expanded percentile" not in index


def test_glossary_defines_exactly_the_methods_the_run_used(card):
    used = {WORDS[m] for ev in card.record["evaluations"].values()
            for table in ("metrics", "per_class", "slices") for m in ev["intervals"][table].values() if m}
    glossary = card.md.split("## Glossary\n", 1)[1].split("\n## ", 1)[0]
    terms = set(re.findall(r"^- \*\*(.+?)\*\*:", glossary, re.MULTILINE))
    assert used <= terms
    assert not (set(WORDS.values()) - used) & terms  # no method the run did not use
    assert "percentile method" not in glossary


def test_units_follow_the_record(card):
    emissions = card.record["emissions"]
    phases = emissions.get("phases") or []
    training_kg = (sum(p["emissions_kg"] for p in phases if p["kind"] not in ("efficiency", "inference_cost"))
                   if phases else emissions["emissions_kg"])  # Hugging Face's figure is training's (issue 24)
    if phases:  # the Hub's co2_eq_emissions is training's: stated only when the record has a training scope
        co2 = card.front["co2_eq_emissions"]
        assert co2["emissions"] == pytest.approx(training_kg * 1000)  # grams
        assert co2["source"] == "codecarbon"
    else:
        assert "co2_eq_emissions" not in card.front
    file_bytes = card.record["model"]["file_bytes"]
    assert f"({file_bytes:,} bytes)" in card.md


def test_licence_strings_are_the_records(card):
    licence = card.record["data"]["license"]
    spdx = licence.split(" ")[0]
    assert f"**Licence**: {licence}" in card.md or f"**License**: {licence}" in card.md
    for found in re.findall(r"GPL-[0-9.]+(?:-or-later|-only)?", card.md):
        assert found == spdx, f"the card spells the data licence {found!r}, the record {spdx!r}"
    descriptions = [d["description"] for d in card.mct["model_parameters"]["data"]]
    assert all(f"licence {licence};" in d for d in descriptions)


def test_training_type_follows_the_recorded_mode(card):
    """The Hub's two values: fine-tuning from pretrained weights, pre-training from random ones."""
    pretrained = card.record["model"]["weights"]["pretrained"]
    co2 = card.front.get("co2_eq_emissions")
    if co2 is None:
        return  # no training-scoped figure (a record without phases): no co2_eq_emissions at all
    assert co2["training_type"] == ("fine-tuning" if pretrained else "pre-training")


def _files_present_and_matching(run_dir: Path, record: dict) -> tuple[list[str], dict]:
    matching, absent = [], {}
    sums = dict(record.get("artifacts_sha256") or {})
    for rel, sha in sums.items():
        path = run_dir / rel
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha:
            matching.append(rel)
    model = record["artifacts"].get("model")
    if model and not (run_dir / model).is_file():
        absent[model] = record["model"].get("file_sha256")
    return matching, absent


def test_checksum_claim_says_what_was_covered(example):
    matching, absent = _files_present_and_matching(example.run_dir, example.record)
    row = next(line for line in example.md.splitlines() if line.startswith("| Run files match their checksums |"))
    assert f"{len(matching)} run file(s) present and matching their recorded sha256" in row
    for rel, sha in absent.items():
        assert f"{rel} (sha256 {sha})" in row and "not stored beside the record" in row
    assert absent, "the example run is a copied record without its model file"


def test_an_absent_model_file_is_never_pointed_to(card):
    model = card.record["artifacts"]["model"]
    run_dir = card.run_dir
    absent = run_dir is None or not (run_dir / model).is_file()  # the goldens are built without one
    assert absent
    code = re.search(r"```python\n(.*?)\n```", card.md, re.DOTALL).group(1)
    assert f"/{model}'" not in code and "load_model(sys.argv[1])" in code
    assert card.record["model"]["file_sha256"] in code
    assert "path" not in card.mct["model_details"]
    assert "not stored beside this record" in card.md


def _ties(record: dict) -> list[str]:
    sweep = record.get("sweep") or {}
    metric, sep, direction = str(sweep.get("selection_rule")).partition(":")
    if not sep:
        return []
    values = [m.get(metric) for m in sweep["members"]]
    best = (max if direction == "max" else min)(v for v in values if v is not None)
    tied = [m["run_id"] for m in sweep["members"] if m.get(metric) == best]
    return tied if len(tied) > 1 else []


def test_sweep_table_names_the_test_accuracy_interval_of_this_run(card):
    test = card.record["evaluations"]["test"]
    line = next(line for line in card.md.splitlines() if line.startswith("Intervals:") and "test accuracy" in line)
    assert WORDS[_method(test, "accuracy")] in line


def test_ties_in_the_selection_are_on_the_card(card):
    tied = _ties(card.record)
    sentences = [line for line in card.md.splitlines() if " configurations tie on " in line]
    if not tied:
        assert not sentences
        return
    labels = {m["run_id"]: ", ".join(f"{k}={v}" for k, v in sorted(m["parameters"].items()))
              for m in card.record["sweep"]["members"]}
    assert sentences
    for line in sentences:
        assert f"{len(tied)} configurations tie" in line and "first in the sweep's order" in line
        assert all(labels[rid] in line for rid in tied)
    chosen = next(m["run_id"] for m in card.record["sweep"]["members"] if m.get("selected"))
    assert chosen == tied[0]  # the tie-break the card states is the one that was applied


def test_the_example_run_has_the_contradictions_this_test_guards_against(example):
    """The example record is an older (1.1) one with a tie, an absent model file and a frozen
    backbone: so each check above is exercised on it, not vacuously true."""
    assert _ties(example.record) and example.record["training"]["mode"] == "head"
    assert not (example.run_dir / example.record["artifacts"]["model"]).exists()
    assert example.record["evaluations"]["test"]["bootstrap"]["method"] != "Wilson"
