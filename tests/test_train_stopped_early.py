"""A fit cut off by the epoch limit while validation accuracy still rose: recorded, said on the
terminal and on the card."""

from __future__ import annotations

import numpy as np
import pytest

from modelcard.record import RunRef, read_record
from modelcard.render.build import build_cards
from tests.card_fixtures import base_record, write_run
from training.model.fit import may_have_stopped_too_early
from training.progress import fit_summary


@pytest.mark.parametrize("accuracy, best, run, allowed, expected", [
    ([0.5, 0.6, 0.7], 3, 3, 3, True),      # kept the last allowed epoch, still rising
    ([0.5, 0.7, 0.7], 3, 3, 3, False),     # flat at the end
    ([0.5, 0.7, 0.6], 2, 3, 3, False),     # best epoch before the end
    ([0.5, 0.6, 0.7], 3, 3, 5, False),     # early stopping ended it (limit not reached)
    ([0.5], 1, 1, 1, None),                # nothing to compare
    ([0.5, None], 2, 2, 2, None),
    (None, 2, 2, 2, None),
])
def test_may_have_stopped_too_early(accuracy, best, run, allowed, expected):
    assert may_have_stopped_too_early(accuracy, best, run, allowed) is expected


def test_fit_summary_says_so():
    line = fit_summary("head", 3, 3, 3, {"val_accuracy": 0.7, "val_loss": 0.5}, 1.0, too_early=True)
    assert line.startswith("head: 3 epochs, kept epoch 3: val_accuracy 0.700, val_loss 0.500 (1.0s)")
    assert "the fit may have stopped too early (try more --epochs)" in line
    assert "too early" not in fit_summary("head", 3, 3, 3, {"val_accuracy": 0.7}, 1.0)


@pytest.mark.tf
def test_a_fit_still_improving_at_its_last_epoch_is_recorded_and_reported(capsys):
    import keras

    from training.model.fit import compile_classifier, fit

    rng = np.random.default_rng(0)
    y = np.arange(2000) % 2
    x = rng.normal(0, 1, (2000, 2)).astype("float32") + (y[:, None] - 0.5) * 3.0
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.layers[0].set_weights([np.array([[2.0, -2.0], [2.0, -2.0]], "float32"), np.zeros(2, "float32")])  # backwards
    compile_classifier(model, "sgd", 0.05, 0.0)  # slow enough to be still learning after 3 epochs
    result = fit(model, x[:1000], y[:1000], validation_data=(x[1000:], y[1000:]), batch_size=100, epochs=3, patience=5)
    accuracy = result.history["val_accuracy"]
    assert result.best_epoch == result.epochs_run == 3 and accuracy[2] > accuracy[1]  # the premise, from Keras
    assert result.stopped_too_early is True
    assert "the fit may have stopped too early" in capsys.readouterr().err
    from training.config import TrainConfig
    from training.stages.run_sections import training_section

    section = training_section(TrainConfig(data="demo", epochs=3), result, {}, {})
    assert section["may_have_stopped_too_early"] is True


def _card(ref, out) -> str:
    result = build_cards(RunRef(ref.path, read_record(ref.path)), out)
    return next(p for p in result.written if p.suffix == ".md" and ".data." not in p.name).read_text(encoding="utf-8")


def test_card_says_the_fit_may_have_stopped_too_early(tmp_path):
    record = base_record(sweep=False)
    record["training"]["may_have_stopped_too_early"] = True
    ref = write_run(tmp_path / "one", record)
    md = _card(ref, tmp_path / "cards")
    procedure = md.split("### Training Procedure")[1].split("\n## ")[0]
    assert ("The fit may have stopped too early: the kept epoch (3) is the last one allowed (`epochs` 3) and "
            "validation accuracy was still rising (from 0.700 at epoch 2 to 0.750 at epoch 3).") in procedure
    record["training"]["may_have_stopped_too_early"] = False
    ref = write_run(tmp_path / "two", record)
    assert "may have stopped too early" not in _card(ref, tmp_path / "cards2")
