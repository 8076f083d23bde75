"""Figures: deterministic SVG, and a confusion matrix that stays readable with 120 classes."""

from __future__ import annotations

import re
from pathlib import Path

from modelcard.card import assemble_card, load_card_info
from modelcard.render.figures import FULL_MATRIX_MAX, build_figures, inline_svg

import card_fixtures as cf


def _card(class_names, **kw):
    record = cf.base_record(class_names, **kw)
    return record, assemble_card(record, load_card_info(None), run_path=Path("runs") / record["run_id"])


def _tick_labels(svg: str) -> set[str]:
    return set(re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def test_large_confusion_matrix_shows_only_classes_in_top_confusions():
    names = [f"breed_{i:03d}" for i in range(120)]
    record, card = _card(names, extra_set=False, slices=False, sweep=False, n_test=240)
    figure = next(f for f in build_figures(card) if f.name == "confusion_matrix_test")
    involved = {c[k] for c in record["evaluations"]["test"]["top_confusions"] for k in ("true", "predicted")}
    shown = {t for t in _tick_labels(figure.svg) if t.startswith("breed_")}
    assert shown == involved and len(shown) <= FULL_MATRIX_MAX
    assert "Only the classes involved" in figure.caption


def test_small_confusion_matrix_shows_every_class_and_rates():
    record, card = _card(cf.CLASSES, extra_set=False, sweep=False)
    figure = next(f for f in build_figures(card) if f.name == "confusion_matrix_test")
    labels = _tick_labels(figure.svg)
    assert set(cf.CLASSES) <= labels
    counts = record["evaluations"]["test"]["confusion_matrix"]["counts"]
    diagonal = {f"{row[i] / sum(row):.2f}" for i, row in enumerate(counts)}
    assert diagonal <= labels  # each class's recall is written in its cell


def test_figures_are_deterministic_and_inline_cleanly():
    _, card = _card(cf.CLASSES)
    first, second = build_figures(card), build_figures(card)
    assert [f.svg for f in first] == [f.svg for f in second]
    names = [f.name for f in first]
    assert names == ["training_curves", "confusion_matrix_test", "per_class_f1_test", "reliability_test",
                     "slice_test_background", "confusion_matrix_shifted", "per_class_f1_shifted", "reliability_shifted",
                     "robustness"]
    for f in first:
        assert "<dc:date>" not in f.svg.lower()
        inline = inline_svg(f.svg)
        assert inline.startswith("<svg") and "<metadata>" not in inline and "<?xml" not in inline


def test_no_history_means_no_training_curves():
    record = cf.record_only()
    card = assemble_card(record, load_card_info(None), run_path=Path("runs") / record["run_id"])
    assert "training_curves" not in [f.name for f in build_figures(card)]
