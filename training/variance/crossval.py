"""`--cv K` (head mode): K-fold cross-validation of the chosen recipe over train+val.

Stratified group K-fold (`modelcard.analysis.crossval.folds`, scikit-learn's
`StratifiedGroupKFold`): duplicate groups stay inside one fold. Each fold's head is a fresh
Keras head with the chosen configuration's settings, fitted on the cached features of the other
folds for the shipped model's best epoch count (no early stopping: the held-out fold must stay
unseen), and predicts its held-out fold. The out-of-fold predictions (`predictions/cv.npz`) give
the record's `cv` section (`modelcard.analysis.cv_estimate`) and, for the train rows, the data
card's train-side label issues instead of separate folds.
"""

from __future__ import annotations

import numpy as np

from modelcard.analysis.crossval import TooSmall, choose_k, folds, out_of_fold
from modelcard.analysis.cv_estimate import cv_section
from modelcard.record import Predictions

from ..collectors import emissions_phase
from ..model.fit import compile_classifier, feature_datasets
from ..model.full_model import build_head
from ..progress import log

SET = "cv"


def head_words(cfg, epochs: int) -> str:
    return (f"a fresh softmax head per fold with the chosen configuration's settings (optimizer {cfg.optimizer}, "
            f"learning rate {cfg.effective_learning_rate():g}, batch size {cfg.batch_size}, dropout {cfg.dropout:g}, "
            f"seed {cfg.seed}), fitted for {epochs} epochs (the shipped model's best epoch; no early stopping, so "
            "each held-out fold stays unseen) on the cached backbone features")


def keras_fit_predict(x: np.ndarray, y: np.ndarray, cfg, n_classes: int, epochs: int):
    """A `fit_predict` for `out_of_fold`: the chosen configuration's Keras head on the fit rows."""
    def fit_predict(fit_rows, held_out):
        import keras

        keras.utils.set_random_seed(cfg.seed)
        train, _, steps = feature_datasets(x[fit_rows], y[fit_rows], x[held_out], y[held_out], cfg.batch_size, cfg.seed)
        head = build_head(x.shape[1], n_classes, cfg.dropout)
        compile_classifier(head, cfg.optimizer, cfg.effective_learning_rate(), cfg.momentum, steps_per_execution=steps)
        head.fit(train, epochs=epochs, verbose=0, shuffle=False)  # the dataset reshuffles each epoch itself
        return np.arange(n_classes), head.predict(x[held_out], batch_size=256, verbose=0)

    return fit_predict


def record_cv(engine, member, data_card=None) -> None:
    """Fill `member`'s `cv` section and `predictions/cv.npz` (no-op without `--cv`)."""
    cfg, writer, ds = member.config, member.writer, engine.data.dataset
    if not cfg.cv:
        return
    samples = list(ds.splits["train"]) + list(ds.splits["val"])
    x = np.vstack([engine.features[("train", "train")], engine.features[("val", "val")]])
    y = np.asarray([s.label for s in samples], dtype=np.int64)
    groups = np.asarray([s.group for s in samples])
    try:
        k, note = choose_k(y, ds.class_names, cfg.cv, groups)
    except TooSmall as exc:
        writer.warn(f"cross-validation (--cv {cfg.cv}) not run: {exc}")
        writer.save()
        return
    fold_list = folds(y, k, cfg.seed, groups)
    epochs = max(1, int(member.result.best_epoch))
    with emissions_phase("cross_validation", run_id=writer.run_id):
        probs = out_of_fold(len(ds.class_names), fold_list, keras_fit_predict(x, y, cfg, len(ds.class_names), epochs))
    probs = probs / probs.sum(axis=1, keepdims=True)
    fold_of = np.empty(len(y), dtype=np.int64)
    for index, (_, held) in enumerate(fold_list):
        fold_of[held] = index
    rel = writer.add_predictions(SET, Predictions(ids=np.asarray([s.relpath for s in samples], dtype=str), y_true=y,
                                                  y_prob=probs, class_names=list(ds.class_names)))
    n_train = len(ds.splits["train"])
    section = cv_section(y, probs, fold_of, ds.class_names, n_train=n_train, n_val=len(y) - n_train, k=k,
                         k_requested=cfg.cv, k_note=note, seed=cfg.seed, head=head_words(cfg, epochs))
    section.update(predictions=rel, epochs=epochs, fold_of=fold_of.tolist())
    writer.set(cv=section)
    acc = writer.view().cv.metrics["accuracy"]
    log(f"cross-validation ({k} folds, {len(y)} train+val images): accuracy {acc.value:.3f} "
        f"[{acc.ci_low:.3f}, {acc.ci_high:.3f}]")
    writer.save()
    if data_card is not None:
        method = (f"cleanlab find_label_issues on the {k}-fold cross-validated out-of-fold predictions of `--cv` "
                  f"({head_words(cfg, epochs)}; folds over train+val, the train rows used)")
        data_card.measure_train_from(probs[:n_train], method, k, note)
