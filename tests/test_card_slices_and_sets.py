"""Cards on data nobody here made (issue 16): a slice attribute with a single group, a difference
between groups that are all too small to judge, an extra evaluation set the model fails on,
tercile bins in words, and `modelcard record` cards that do not call predictions images.

Every record is built here from predictions generated in the test and the real analysis
(`evaluate_predictions`), then assembled and rendered as `build` does.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import card_fixtures as cf
from modelcard.analysis import evaluate_predictions
from modelcard.card import CardInfo, assemble_card
from modelcard.render.build import build_cards

CLASSES = cf.CLASSES


@pytest.fixture(autouse=True)
def _away_from_repo_card_yaml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def _predictions(n: int, wrong: set[int], seed: int = 0):
    """Probabilities that are right except at the `wrong` indices (seeded, confident)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % len(CLASSES)
    pred = y.copy()
    for i in wrong:
        pred[i] = (y[i] + 1) % len(CLASSES)
    prob = rng.uniform(0.0, 0.1, size=(n, len(CLASSES)))
    prob[np.arange(n), pred] = 0.9
    return y, prob / prob.sum(axis=1, keepdims=True)


def _with_test(record: dict, n: int, wrong: set[int], groups: dict, min_group_size: int = 30) -> dict:
    y, prob = _predictions(n, wrong)
    ev = evaluate_predictions(y, prob, CLASSES, groups, n_resamples=100, seed=0,
                              min_group_size=min_group_size).to_dict()
    ev["source"] = "test split"
    record["evaluations"]["test"] = ev
    for member in (record.get("sweep") or {}).get("members") or []:  # the run's own sweep row says the same
        if member["run_id"] == record["run_id"]:
            member["test_accuracy"] = dict(ev["metrics"]["accuracy"])
    return record


def _card(record):
    return assemble_card(record, CardInfo(), run_path=Path("runs/x"))


def _markdown(tmp_path, record) -> tuple[str, str, list[Path]]:
    result = build_cards(cf.write_run(tmp_path, record), tmp_path / "cards", formats=["md", "html"])
    md = next(p for p in result.written if p.suffix == ".md").read_text(encoding="utf-8")
    html = next(p for p in result.written if p.suffix == ".html").read_text(encoding="utf-8")
    return md, html, result.written


# ---- a slice attribute with one group ------------------------------------------------------------

def test_a_single_group_slice_is_dropped_with_one_line(tmp_path):
    n = 80
    groups = {"aspect": np.array(["square"] * n), "background": np.where(np.arange(n) % 2 == 0, "indoor", "outdoor")}
    record = _with_test(cf.base_record(extra_set=False), n, {0, 5, 9}, groups)
    assert {s["column"] for s in record["evaluations"]["test"]["slices"]} == {"aspect", "background"}
    card = _card(record)
    test = card.evaluation.sets[0]
    assert [s.column for s in test.slices] == ["background"]
    assert test.single_group_notes == ["Slice `aspect` has one group (square: all 80 images): not compared."]
    assert not any("aspect" in line for line in _risk_texts(card))
    (background,) = test.slices  # compared, but 1 against 2 errors in 40 images each: chance, no risk
    assert background.gaps["accuracy"].interval.low == 0.0
    assert not any("`background` groups" in line for line in _risk_texts(card))
    assert not any("aspect" in f for f in card.evaluation.factors)
    md, html, written = _markdown(tmp_path, record)
    assert md.count("Slice `aspect` has one group (square: all 80 images): not compared.") == 1
    assert "Results by aspect" not in md and "Results by background" in md
    assert "Slice <code>aspect</code> has one group" in html or "Slice `aspect` has one group" in html
    assert not [p for p in written if "aspect" in p.name] and [p for p in written if "background" in p.name]


def test_when_every_slice_has_one_group_the_summary_says_so():
    n = 60
    record = _with_test(cf.base_record(extra_set=False), n, {1}, {"aspect": np.array(["square"] * n)})
    text = " ".join(_card(record).summary.sentences)
    assert "(every group attribute recorded has a single group)" in text
    assert "Among groups" not in text


def _risk_texts(card) -> list[str]:
    return [r.text for r in card.risks.measured]


# ---- a difference between groups that are all too small ----------------------------------------

def test_a_gap_between_tiny_groups_is_no_measured_risk(tmp_path):
    n = 20  # two groups of 10 images, one error in one of them: "0.100 [0.0xx, 0.4xx]"
    groups = {"light": np.where(np.arange(n) < 10, "day", "night")}
    record = _with_test(cf.base_record(extra_set=False), n, {12}, groups)
    card = _card(record)
    (light,) = card.evaluation.sets[0].slices
    assert light.all_small and light.min_group_size == 30
    assert light.gaps["accuracy"].value == pytest.approx(0.1)
    assert not any("`light`" in line for line in _risk_texts(card))
    interval = record["evaluations"]["test"]["slices"][0]["difference_ci"]["accuracy"]
    shown = f"0.100 [{interval['ci_low']:.3f}, {interval['ci_high']:.3f}]"
    note = (f"Every group of `light` has fewer than 30 images, too few images to judge: the accuracy difference "
            f"between them, {shown}, may be chance and is not counted as a risk.")
    assert light.all_small_note == note
    md, _, _ = _markdown(tmp_path, record)
    assert note in md


def test_a_gap_with_one_large_group_stays_a_risk():
    n = 80  # 20 night images (small, half of them wrong), 60 day images: the gap's interval excludes 0
    groups = {"light": np.where(np.arange(n) < 60, "day", "night")}
    card = _card(_with_test(cf.base_record(extra_set=False), n, set(range(60, 70)), groups))
    (light,) = card.evaluation.sets[0].slices
    assert not light.all_small and light.all_small_note is None
    assert light.gaps["accuracy"].interval.low > 0
    (risk,) = [line for line in _risk_texts(card) if "across `light` groups" in line]
    assert "lowest for night (20 images): the interval excludes 0" in risk


def test_a_small_gap_whose_interval_holds_zero_is_no_risk():
    """Issue 24: a gap that chance explains (the interval covers 0) is not a risk, in any format."""
    n = 80  # 3 errors among 20 night images against none among 60 day images: 0.150, interval from 0
    groups = {"light": np.where(np.arange(n) < 60, "day", "night")}
    card = _card(_with_test(cf.base_record(extra_set=False), n, {61, 62, 70}, groups))
    (light,) = card.evaluation.sets[0].slices
    assert light.gaps["accuracy"].interval.low == 0.0 and not light.all_small
    assert not any("`light`" in line for line in _risk_texts(card))


# ---- an extra evaluation set the model fails on -----------------------------------------------

def _inverted(record: dict, n: int = 30) -> dict:
    y, prob = _predictions(n, set(range(n)), seed=3)  # wrong on every image, as on inverted images
    ev = evaluate_predictions(y, prob, CLASSES, n_resamples=100, seed=0).to_dict()
    ev["source"] = "data/inverted"
    record["evaluations"]["inverted"] = ev
    record["data"]["eval_sets"]["inverted"] = {"source": "data/inverted", "n": n,
                                               "class_counts": {c: int(np.sum(y == i)) for i, c in enumerate(CLASSES)}}
    return record


def test_an_extra_set_clearly_worse_than_test_comes_first_in_the_summary(tmp_path):
    record = _inverted(_with_test(cf.base_record(extra_set=False), 60, {3, 7}, None))
    card = _card(record)
    test, inverted = (record["evaluations"][k]["metrics"]["accuracy"] for k in ("test", "inverted"))
    assert inverted["ci_high"] < test["ci_low"] and inverted["value"] == 0.0
    first = card.summary.sentences[0]
    assert first.startswith("It does clearly worse away from its test set: it was right only 0% of the time on the 30 "
                            "images of the `inverted` evaluation set (95% CI 0.0% to ")
    assert f"against {round(test['value'] * 100, 1)}% on the test set" in first
    assert first.endswith("the intervals do not overlap, so expect it to fail on data like that set.")
    md, _, _ = _markdown(tmp_path, record)
    assert first in md


def test_an_extra_set_within_reach_of_test_is_not_called_worse():
    record = cf.base_record()  # `shifted`: 0.700 [0.546, 0.819] against test 0.917 [0.819, 0.964]: touching
    assert not any(s.startswith("It does clearly worse") for s in _card(record).summary.sentences)
    record = _with_test(cf.base_record(extra_set=False), 60, {3}, None)
    y, prob = _predictions(30, {0, 1, 2})
    record["evaluations"]["similar"] = evaluate_predictions(y, prob, CLASSES, n_resamples=100, seed=0).to_dict()
    assert not any(s.startswith("It does clearly worse") for s in _card(record).summary.sentences)


# ---- wording -----------------------------------------------------------------------------------

def test_tercile_bins_read_as_words():
    n = 90
    bins = np.array(["1 low", "2 mid", "3 high"])[np.arange(n) % 3]
    wrong = {i for i in range(n) if i % 3 == 0 and i < 40}
    card = _card(_with_test(cf.base_record(extra_set=False), n, wrong, {"contrast": bins}))
    text = " ".join(card.summary.sentences)
    assert "it does worst on those whose `contrast` is low (bin 1 of 3): right" in text
    assert "is 1 low" not in text


def test_record_cards_say_samples_not_images(tmp_path):
    record = _with_test(cf.record_only(), 60, {2, 4}, {"site": np.where(np.arange(60) < 30, "a", "b")})
    card = _card(record)
    text = " ".join(card.summary.sentences)
    assert "samples" in text and not re.search(r"\bimages?\b", text), text
    assert "The test set has only 60 samples" in " ".join(_risk_texts(card))
    md, _, _ = _markdown(tmp_path, record)
    summary_para = md.split("\n\n")[[i for i, p in enumerate(md.split("\n\n")) if card.summary.sentences[0] in p][0]]
    assert "image" not in summary_para.replace("image classifier", "")
    assert "| evaluation set | source | samples | classes |" in md and "| class | samples | precision |" in md
    assert "| site | samples | accuracy |" in md and "On test (60 samples) the model reaches" in md
    trained = " ".join(_card(_with_test(cf.base_record(extra_set=False), 60, {2}, None)).summary.sentences)
    assert "images" in trained and "samples" not in trained


@pytest.mark.parametrize("em, sentence", [
    ({"tool": "codecarbon 3.3.2", "measured": False,
      "method": "codecarbon 3.3.2 OfflineEmissionsTracker (estimated, not metered): CPU power x; carbon intensity "
                "369 g CO2eq/kWh, codecarbon's figure for the United States grid."},
     "These figures are ESTIMATES, not measurements, made by codecarbon 3.3.2 OfflineEmissionsTracker (estimated, "
     "not metered): CPU power x; carbon intensity 369 g CO2eq/kWh, codecarbon's figure for the United States grid."),
    ({"tool": "codecarbon 3.3.2", "measured": True, "method": "RAPL counters"},
     "These figures were measured by codecarbon 3.3.2: RAPL counters."),
    ({"measured": False, "method": None}, "These figures are ESTIMATES, not measurements, made by codecarbon."),
])
def test_the_emissions_method_names_the_tool_once_and_ends_once(em, sentence):
    from modelcard.card.sections.environment import method_sentence
    from modelcard.record.model import Emissions
    assert method_sentence(Emissions.from_dict(em)) == sentence


def test_the_example_run_emissions_sentence_on_the_card(tmp_path):
    (example,) = sorted((Path(__file__).resolve().parents[1] / "examples" / "runs").iterdir())
    from modelcard.record import read_record
    record = read_record(example)
    text = _card(record).environment.method_sentence
    tool = record["emissions"]["tool"]
    assert text.count(tool) == 1 and text.endswith("grid.") and ".." not in text
