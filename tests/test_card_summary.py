"""The plain-words summary: one rule per sentence, each from one fact; a missing fact drops its
sentence, and every number is written as the tables print it."""

from __future__ import annotations

import pytest

from modelcard.card.info import CardInfo
from modelcard.card.model import EvalSetResults, EvaluationResults, Metric, PerClass, SliceTable, SliceRow
from modelcard.card.sections import summary as S
from modelcard.card.sections.evaluation import evaluation
from modelcard.card.sections.model_details import model_details
from modelcard.record.model import Bootstrap, RunRecord

import card_fixtures as cf

NONE = Metric(None, None, None)
BOOTSTRAP = Bootstrap(method="expanded percentile", n_resamples=1000, confidence=0.95, seed=0)


def _ev(name="test", n=32, metrics=None, per_class=(), slices=(), bootstrap=None) -> EvalSetResults:
    return EvalSetResults(name=name, source=None, n_samples=n, n_classes=3, bootstrap=bootstrap or BOOTSTRAP,
                   metrics=dict(metrics or {}), per_class=list(per_class), confusion_labels=[], confusion_counts=[],
                   top_confusions=[], calibration=None, slices=list(slices))


def _cls(name, support, recall: Metric) -> PerClass:
    return PerClass(name, support, NONE, recall, NONE)


def _group(name, count, acc: Metric, unreliable=False) -> SliceRow:
    return SliceRow(name, count, unreliable, acc, NONE)


def _slice(column, groups) -> SliceTable:
    return SliceTable(column, 30, groups, {}, None, {}, {})


@pytest.mark.parametrize("value, shown", [(0.9375, "93.8%"), (1.0, "100%"), (0.8, "80%"), (0.0, "0%"),
                                          (0.33333, "33.3%"), (0.0625, "6.2%"), (0.99951, "100%"), (None, None)])
def test_percent_is_the_table_figure_times_100(value, shown):  # 0.0625 prints as 0.062 in the tables
    assert S.percent(value) == shown


def test_accuracy_sentence_with_and_without_interval():
    ev = _ev(metrics={"accuracy": Metric(0.9375, 0.84375, 1.0)})
    assert S.accuracy(ev) == "On 32 held-out test images it was right 93.8% of the time (95% CI 84.4% to 100.0%)."
    ev = _ev(name="shifted", n=1200, metrics={"accuracy": Metric(0.5, None, None)},
             bootstrap=Bootstrap(method="expanded percentile", n_resamples=0, confidence=0.95, seed=0))
    assert S.accuracy(ev) == "On 1,200 images of the `shifted` evaluation set it was right 50% of the time."
    assert S.accuracy(_ev(n=5, metrics={"accuracy": Metric(0.8, None, None)}), held_out=False) == \
        "On 5 test images it was right 80% of the time."  # predictions from elsewhere: not known to be held out
    assert S.accuracy(_ev(metrics={"accuracy": NONE})) is None  # undefined: the sentence is left out
    assert S.accuracy(_ev(metrics={})) is None


def test_weakest_class_is_lowest_recall_with_its_count():
    ev = _ev(per_class=[_cls("a", 10, Metric(0.9, 0.6, 1.0)), _cls("b", 3, Metric(1 / 3, 0.06, 0.79)),
                        _cls("c", 5, Metric(None, None, None))])
    assert S.weakest_class(ev) == ("Its weakest class is b: it recognised 33.3% of its 3 test images "
                                   "(recall, 95% CI 6% to 79%).")
    tie = _ev(per_class=[_cls("small", 2, Metric(0.5, None, None)), _cls("big", 8, Metric(0.5, None, None)),
                         _cls("ok", 8, Metric(1.0, None, None))])
    assert "weakest class is big: it recognised 50% of its 8 test images (recall)." in S.weakest_class(tie)
    same = _ev(per_class=[_cls("a", 2, Metric(0.5, 0.1, 0.9)), _cls("b", 4, Metric(0.5, 0.2, 0.8))])
    assert S.weakest_class(same) == "It recognised the same share, 50%, of the images of every class."
    perfect = _ev(per_class=[_cls("a", 2, Metric(1.0, 1.0, 1.0)), _cls("b", 4, Metric(1.0, 1.0, 1.0))])
    assert S.weakest_class(perfect) == "It recognised every image of every class."
    assert S.weakest_class(_ev(per_class=[_cls("a", 2, Metric(1.0, None, None))])) is None


def test_weakest_group_across_attributes_with_count_and_reliability():
    ev = _ev(slices=[_slice("light", [_group("day", 40, Metric(0.9, 0.8, 0.97)), _group("night", 12, Metric(0.75, 0.47, 0.92), True)]),
                     _slice("size", [_group("small", 30, Metric(0.8, 0.6, 0.9))])])
    assert S.weakest_group(ev) == ("Among groups of images, it does worst on those whose `light` is night: right 75% "
                                   "of the time on 12 images (95% CI 47% to 92%), too few images to judge.")
    assert S.weakest_group(_ev()) is None
    even = _ev(slices=[_slice("light", [_group("day", 4, Metric(1.0, None, None)), _group("night", 5, Metric(1.0, None, None))])])
    assert S.weakest_group(even) == "It was right equally often, 100%, in every group of images measured (by `light`)."


def test_calibration_missing_is_left_out_and_listed_as_never_measured():
    ev = _ev(metrics={"accuracy": Metric(0.9, 0.8, 0.95)})
    assert S.calibration(ev) is None
    assert "no calibration result" in S.never_measured(EvaluationResults([ev, _ev(name="other")], [], []))


@pytest.mark.parametrize("bar, words", [
    (0.8, "It meets the stated bar of 80% accuracy (card.yaml): even the low end of its interval, 84.4%, is above it."),
    (0.9, "too small to tell whether it meets the stated bar of 90% accuracy (card.yaml): the bar lies inside its interval."),
    (0.844, "the bar lies inside its interval"),  # compared as printed: 84.4% is not above 84.4%
])
def test_bar_compares_the_printed_interval(bar, words):
    ev = _ev(metrics={"accuracy": Metric(0.9375, 0.84375, 1.0)})
    assert words in S.bar(ev, bar)


def test_bar_below_and_without_a_bar():
    ev = _ev(metrics={"accuracy": Metric(0.7, 0.6, 0.78)})
    assert S.bar(ev, 0.9) == ("It falls short of the stated bar of 90% accuracy (card.yaml): even the high end of its "
                              "interval, 78%, is below it.")
    assert "too small to tell this model apart from one that is right only 60% of the time" in S.bar(ev, None)
    narrow = _ev(n=5000, metrics={"accuracy": Metric(0.91, 0.902, 0.918)})
    assert S.bar(narrow, None).startswith("The test set is large enough to pin accuracy down")
    assert S.bar(_ev(metrics={"accuracy": Metric(0.9, None, None)}), 0.8) is None  # no interval, no comparison


def test_never_measured_lists_only_what_is_absent():
    test = _ev(metrics={"ece": Metric(0.05, 0.02, 0.08)})
    assert S.never_measured(EvaluationResults([test], [], [])) == (
        "Never measured: how well it works on images from another source than its test set (there is no extra "
        "evaluation set); how it does for different groups of images or people (no group attribute was recorded).")
    image_slices = _ev(metrics={"ece": Metric(0.05, 0.02, 0.08)},
                       slices=[_slice("resolution", []), _slice("orientation", [])])
    assert "groups were formed only by image orientation and resolution" in \
        S.never_measured(EvaluationResults([image_slices, _ev(name="x")], [], []))
    people = _ev(metrics={"ece": Metric(0.05, 0.02, 0.08)}, slices=[_slice("age_band", [])])
    assert S.never_measured(EvaluationResults([people, _ev(name="x")], [], [])) is None
    assert "no evaluation results" in S.never_measured(EvaluationResults([], [], []))


def test_whole_summary_from_a_record_drops_missing_facts():
    record = cf.base_record(slices=False, extra_set=False)
    details = model_details(RunRecord.of(record), CardInfo(), record["name"])
    full = S.summary(details, evaluation(RunRecord.of(record)), CardInfo(accuracy_bar=0.5))
    assert full.sentences[0] == "demo-mobilenetv2 is an image classifier that sorts images into 4 classes."
    assert full.accuracy_bar == "50%" and any("stated bar of 50%" in s for s in full.sentences)
    assert not any("Among groups" in s for s in full.sentences)  # no slices: no group sentence
    del record["evaluations"]["test"]["metrics"]["ece"]
    fewer = S.summary(details, evaluation(RunRecord.of(record)), CardInfo())
    assert not any("calibration error" in s for s in fewer.sentences) and fewer.accuracy_bar is None
