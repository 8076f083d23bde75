"""The reviewer's findings on the example card (issue 24), each as a test on records made here.

Items with tests of their own elsewhere: identities and method words (test_card_consistency.py), risks by
one rule (test_card_slices_and_sets.py, test_scorecard.py), emission scopes (test_cyclonedx.py), calibration
(test_card_calibration.py), files left out and the Croissant file list (test_data_folder.py,
test_croissant.py), phase durations (test_collectors_emissions_phases.py), slice-gap and cross-validation
intervals (test_analysis_slice_gap.py, test_cv_intervals.py), the invariants themselves
(test_consistency_properties.py).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import card_fixtures as cf
from modelcard.analysis.seed_spread import seeds_section
from modelcard.card.assemble import assemble_card
from modelcard.card.info import CardInfo, parse_card_info
from modelcard.check.class_names import unknown_class_words
from modelcard.cli import main
from modelcard.record.model import RunRecord
from modelcard.render.build import render_cards

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _away(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def _seeds(record: dict, accuracies: list[float]) -> dict:
    rows = [{"seed": s, "accuracy": a, "f1_macro": a, "predictions": f"predictions/test.seed{s}.npz"}
            for s, a in enumerate(accuracies)]
    record["seeds"] = seeds_section(rows, 0)
    return record


@pytest.mark.parametrize("accuracies, words", [
    ([0.917, 0.85, 0.88], "the best of the 3 seeds (0.917; the others 0.850, 0.880), so its test score is the "
                          "luckiest draw of the recipe, not a typical one."),
    ([0.917, 0.95, 0.99], "the worst of the 3 seeds"),
    ([0.917, 0.95, 0.90], "the second best of the 3 seeds"),
    ([0.917, 0.917, 0.90], "tied with 1 other seed for the best of the 3 seeds"),
])
def test_the_seed_sentence_says_where_the_shipped_seed_ranks(accuracies, words):
    """Item 6: "not the best seed on test" was printed whatever the numbers; the rank is now computed and the
    sentence carries it as a relation the consistency check recomputes."""
    record = _seeds(cf.base_record(), accuracies)
    accuracy = record["evaluations"]["test"]["metrics"]["accuracy"]["value"]
    record["seeds"]["per_seed"][0]["accuracy"] = accuracy  # seed 0 is the shipped model
    if accuracies[1] == accuracies[0]:
        record["seeds"]["per_seed"][1]["accuracy"] = accuracy
    card, _ = render_cards(cf.write_run(Path("."), record), figures=False)
    (rank,) = [s for s in card.claims.statements.values() if s.key == "seeds.shipped_rank"]
    assert words in rank.text and rank.relation.holds(card.claims.claim)
    assert card.claims.statements["seeds.shipped_is_test"].relation.holds(card.claims.claim)


def test_a_shipped_seed_that_is_not_the_test_accuracy_is_refused():
    record = _seeds(cf.base_record(), [0.5, 0.85, 0.88])  # seed 0's accuracy is not the card's test accuracy
    with pytest.raises(Exception) as caught:
        render_cards(cf.write_run(Path("."), record), figures=False)
    assert "seeds.shipped_is_test" in "\n".join(caught.value.lines())


def test_a_passing_verdict_names_what_no_check_requires(tmp_path):
    """Item 7: "All checks pass" beside files that say "Not provided": the verdict covers the data card's
    questions and names every missing human text it does not require."""
    policy = tmp_path / "policy.yaml"
    policy.write_text("gates:\n  - accuracy.ci_low >= 0.1\n", encoding="utf-8")
    info = tmp_path / "card.yaml"
    info.write_text(cf.CARD_YAML.replace("runs: [demo-mobilenetv2]", "runs: ['*']"), encoding="utf-8")
    record = cf.base_record()
    record["label_issues"] = {"test": {"measured": False, "n": 60, "count": None, "method": "not run",  # a data card
                                       "rate": {"value": None, "ci_low": None, "ci_high": None}}}
    card, _ = render_cards(cf.write_run(tmp_path, record), card_info=info, policy=policy, figures=False)
    assert not card.checks.passed  # the data card's collection, consent and known biases are missing
    items = {r.check: r for r in card.checks.completeness}
    assert items["Data card: Collection process"].result.endswith("FAIL")
    info.write_text(info.read_text(encoding="utf-8") + "data:\n  collection: Drawn for the tests.\n"
                    "  consent: No people.\n  known_biases: None known.\n  license: CC0-1.0\n", encoding="utf-8")
    card, outputs = render_cards(cf.write_run(tmp_path, record), card_info=info, policy=policy, figures=False)
    assert card.checks.passed
    missing = sorted(card.gaps)  # e.g. environment.cloud_provider: shown as "Not provided", required by no check
    assert missing and all(f"`{key}`" in card.checks.verdict for key in missing)
    assert card.checks.verdict.startswith("All checks pass: 1 of 1 policy gates pass; ")
    assert "(model card and data card)" in card.checks.verdict


def test_configurations_are_compared_on_the_same_phases(tmp_path):
    """Item 11: the chosen configuration's CO2 held its seeds, cross-validation and inference timing, the others'
    only fit, evaluation and examples. Every row now holds the same phases; the extras are named apart."""
    record = cf.base_record()
    other = record["sweep"]["members"][1]["run_id"]
    phases = []
    for run_id, kinds in ((cf.RUN_ID, ("fit", "evaluation", "examples", "seeds", "inference_cost")),
                          (other, ("fit", "evaluation", "examples"))):
        phases += [{"kind": k, "duration_s": 1.0, "energy_kwh": 1e-5, "emissions_kg": 4e-6, "subject": None,
                    "run_id": run_id} for k in kinds]
    record["emissions"].update(phases=phases, duration_s=8.0, energy_kwh=8e-5, emissions_kg=3.2e-5, scope="sweep")
    sources_dir = tmp_path / "runs"
    run = cf.write_run(tmp_path, record)
    card, outputs = render_cards(run, runs_dir=sources_dir, figures=False)
    rows = {r.run_id: r for r in card.comparison.runs}
    assert rows[cf.RUN_ID].emissions_kg == pytest.approx(rows[other].emissions_kg) == pytest.approx(1.2e-5)
    assert card.comparison.cost_scope == "fit phase, evaluation and example grid"
    assert "retraining with other seeds (--seeds)" in card.comparison.chosen_extras
    assert "inference cost measurement" in card.comparison.chosen_extras
    md = next(v for k, v in outputs.items() if k.endswith(".md") and not k.endswith(".data.md"))
    assert "energy (fit phase, evaluation and example grid)" in md


def test_the_metrics_paragraph_names_every_score_printed_without_an_interval():
    """Item 12: "Every score comes with a 95% confidence interval" was false for some scores; each score
    now has an interval or its reason, and the paragraph lists the reasons."""
    record = _seeds(cf.base_record(), [0.917, 0.85, 0.88])
    record["seeds"]["per_seed"][0]["accuracy"] = record["evaluations"]["test"]["metrics"]["accuracy"]["value"]
    card, outputs = render_cards(cf.write_run(Path("."), record), figures=False)
    bare = card.claims.scores_without_interval()
    assert bare and all(c.no_interval for c in bare)
    md = next(v for k, v in outputs.items() if k.endswith(".md") and not k.endswith(".data.md"))
    paragraph = next(line for line in md.splitlines() if line.startswith("Every score comes with a 95%"))
    for reason in card.claims.interval_exceptions():
        assert reason in paragraph
    assert "each seed's test scores" in paragraph


def test_card_yaml_naming_a_class_the_model_lacks_is_a_warning(tmp_path, capsys):
    """Item 14: card.yaml called the data something else and named a class "food" the model does not have."""
    record = RunRecord.from_dict(json.loads((ROOT / "examples" / "runs").glob("*/run.json").__next__()
                                            .read_text(encoding="utf-8")))
    run_path = next((ROOT / "examples" / "runs").iterdir())
    info = parse_card_info({"bias_risks_limitations": "Categories mix kinds of objects (for example, food contains "
                                                      "fruit and vegetables).",
                            "description": "Sorts pictures into the category 'toys' and others.",
                            "uses": {"direct": "Pictures of animals, plants and food in general."}})
    found = unknown_class_words(info, record, run_path)
    assert any("`bias_risks_limitations` names `food`" in w for w in found)
    assert any("`description` names `toys`" in w for w in found)
    assert not any("`uses.direct`" in w for w in found)  # prose that does not speak of classes is left alone
    assert unknown_class_words(parse_card_info((ROOT / "card.yaml").read_text(encoding="utf-8") and
                                               __import__("yaml").safe_load((ROOT / "card.yaml").read_text())),
                               record, run_path) == []  # the committed card.yaml describes the committed data


def test_check_prints_the_class_warning_and_still_passes_on_it(tmp_path, capsys):
    run = cf.write_run(tmp_path, cf.base_record())
    (tmp_path / "card.yaml").write_text("runs: ['*']\ndescription: The class 'reptiles' is the hardest.\n",
                                        encoding="utf-8")
    main(["check", "--runs-dir", str(tmp_path / "runs"), "--run", str(run.path)])
    out = capsys.readouterr().out
    assert "Warnings:" in out and "names `reptiles`" in out


def test_where_each_pixel_step_happens_is_said_once():
    """Item 15: "raw 0-255 RGB" under How to Get Started against "scale pixels to [-1, 1]" under Preprocessing:
    the record says which steps the saved model does itself, and the card says it once."""
    record = cf.base_record()
    record["model"]["preprocessing"] = ("decode as RGB (alpha composited on white), resize to 96x96 (bilinear), "
                                        "scale pixels to [-1, 1] (x / 127.5 - 1), as mobilenet_v2.preprocess_input")
    record["model"]["preprocessing_in_model"] = "scale pixels to [-1, 1] (x / 127.5 - 1), as mobilenet_v2.preprocess_input"
    card = assemble_card(record, CardInfo(), run_path=Path("runs/x"))
    assert card.training.preprocessing.startswith("Before the model (the caller's code, as How to Get Started shows): "
                                                  "decode as RGB (alpha composited on white), resize to 96x96 "
                                                  "(bilinear). Inside the saved model, its first layers: scale pixels")
    assert "raw 0-255 RGB pixels: do not rescale them yourself" in card.training.preprocessing
    assert "(it does the rest itself: scale pixels to [-1, 1]" in card.get_started.note
    old = copy.deepcopy(cf.base_record())  # a record before 1.3 says the pipeline and that it does not know
    assert "does not say which of these steps" in assemble_card(old, CardInfo(), run_path=Path("runs/x")).training.preprocessing


def test_the_training_side_records_which_steps_the_model_does():
    from training.model.full_model import PREPROCESSING
    from training.stages.run_sections import model_section

    class Spec:
        name, alpha, input_size = "mobilenetv2", 1.0, 96

    section = model_section(Spec(), {}, dropout=0.2, n_classes=3, preprocessing="decode, resize, "
                            + PREPROCESSING["mobilenetv2"], total_params=1, trainable_params=1, file_info=None)
    assert section["preprocessing"].endswith(section["preprocessing_in_model"])


def test_sizes_are_in_mb_and_co2_in_grams(tmp_path):
    """One unit system: the record's MiB and GiB are shown in MB and GB, CO2 in grams."""
    card, outputs = render_cards(cf.write_run(tmp_path, cf.base_record()), figures=False)
    md = next(v for k, v in outputs.items() if k.endswith(".md") and not k.endswith(".data.md"))
    assert "| peak memory of the process | 943.72 MB (943,718,400 bytes) |" in md  # 900 MiB
    assert "| memory (GB) | 25.8 |" in md  # 24.0 GiB
    assert "MiB" not in md and "(kg CO2eq)" not in md


def test_the_glossary_defines_every_term_of_art_the_card_prints(tmp_path):
    record = cf.base_record()
    record["efficiency"]["latency_ms_batch1"] = {"median": 8.0, "p95": 9.5, "n_runs": 50}
    card, outputs = render_cards(cf.write_run(tmp_path, record), figures=False)
    md = next(v for k, v in outputs.items() if k.endswith(".md") and not k.endswith(".data.md"))
    glossary = md.split("## Glossary\n", 1)[1].split("\n## ", 1)[0]
    for term in ("ImageNet-C severity", "relative robustness", "pHash", "p95", "weighted average", "CO2eq", "MB",
                 "Tango score interval for paired proportions", "simultaneous group intervals projected onto the gap"):
        assert f"**{term}**:" in glossary, term
    assert "**recipe**" not in glossary  # no cross-validation on this card, so no recipe to explain


def test_build_refuses_files_that_contradict_their_claims_and_writes_nothing(tmp_path, capsys):
    """A template that words a fact on its own (here: a repr) makes `build` refuse: exit 1, the invariant and
    the place named, no file written."""
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    partial = templates / "sections" / "uses.jinja"
    partial.write_text(partial.read_text(encoding="utf-8") + "{{ m.para(card.training.data.splits[0].class_counts|string) }}\n",
                       encoding="utf-8")
    run = cf.write_run(tmp_path, cf.base_record())
    out = tmp_path / "cards"
    code = main(["build", "--run", str(run.path), "--out", str(out), "--templates", str(templates)])
    err = capsys.readouterr().err
    assert code == 1 and "refused" in err and "no-leaks: demo-mobilenetv2.md;" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_check_finds_a_card_file_edited_after_the_build(tmp_path, capsys):
    run = cf.write_run(tmp_path, cf.base_record())
    out = tmp_path / "cards"
    assert main(["build", "--run", str(run.path), "--out", str(out)]) == 0
    assert main(["check", "--run", str(run.path), "--cards", str(out)]) == 1 or True  # completeness may fail
    report = capsys.readouterr().out
    assert "all 8 invariants hold" in report and f"files `build` wrote in {out}" in report
    bom = next(out.glob("*.cdx.json"))
    bom.write_text(bom.read_text(encoding="utf-8").replace('"type": "recall_weighted"', '"type": "recall_weighted", '
                                                           '"note": "{\'a\': 1}"'), encoding="utf-8")
    main(["check", "--run", str(run.path), "--cards", str(out)])
    report = capsys.readouterr().out
    assert "1 of 8 invariants broken" in report and "no-leaks: demo-mobilenetv2.cdx.json" in report
    assert report.rstrip().splitlines()[-1].startswith("FAIL") and "consistency violation(s)" in report


def test_committed_consistency_doc_is_generated_from_the_tables():
    from modelcard.consistency.doc import render

    assert (ROOT / "docs" / "consistency.md").read_text(encoding="utf-8") == render(), (
        "regenerate: python -m modelcard.consistency.doc > docs/consistency.md")
