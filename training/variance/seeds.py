"""`--seeds N`: retrain the chosen configuration with N seeds and record the test spread.

The run's own model (seed `config.seed`) is the shipped one and keeps its evaluation; each
other seed retrains the same configuration on the same data (head mode reuses the cached
features; finetune mode trains end to end again), predicts the test split, and stores
`predictions/test.seed<k>.npz`. The record's `seeds` section holds every seed's accuracy and
macro F1 and their spread (`modelcard.analysis.seed_spread`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from modelcard.analysis.seed_spread import seed_list, seed_row, seeds_section
from modelcard.record import Predictions
from modelcard.record.predictions import read_predictions

from ..collectors import emissions_phase
from ..progress import about, log

EVAL_SET = "test"


def record_seeds(engine, member) -> None:
    """Fill `member`'s `seeds` section (no-op with `--seeds 1`); `engine.seed_probs(cfg)` retrains."""
    cfg, writer = member.config, member.writer
    if cfg.seeds <= 1:
        return
    shipped_file = writer.prediction_file(EVAL_SET)
    shipped = read_predictions(shipped_file)
    rows = []
    for seed in seed_list(cfg.seed, cfg.seeds):
        if seed == cfg.seed:
            probs, rel = shipped.y_prob, shipped_file.relative_to(writer.path).as_posix()
        else:
            with emissions_phase("seeds", subject=f"seed {seed}", run_id=writer.run_id), about(f"seed {seed}"):
                probs = np.asarray(engine.seed_probs(replace(cfg, seed=seed)), dtype=np.float64)
            probs = probs / probs.sum(axis=1, keepdims=True)
            rel = writer.add_predictions(f"{EVAL_SET}.seed{seed}", Predictions(
                ids=shipped.ids, y_true=shipped.y_true, y_prob=probs, class_names=list(shipped.class_names)))
        rows.append(seed_row(seed, shipped.y_true, probs, shipped.class_names, rel))
    writer.set(seeds=seeds_section(rows, cfg.seed, EVAL_SET))
    s = writer.view().seeds.spread["accuracy"]
    log(f"seeds {', '.join(map(str, s_list(rows)))}: test accuracy {s.min:.3f} to {s.max:.3f} "
        f"(std {s.std:.3f}); shipped: seed {cfg.seed}")
    writer.save()


def s_list(rows: list[dict]) -> list[int]:
    return [r["seed"] for r in rows]


def record_seeds_and_cv(engine, chosen, members, data_card) -> None:
    """`--seeds` then `--cv` on the chosen member; with `--cv`, every member's data card is written
    again, its train-side label issues now from the cross-validation's out-of-fold predictions."""
    from .crossval import record_cv

    with about(chosen.label):
        record_seeds(engine, chosen)
        record_cv(engine, chosen, data_card)
    for member in members if chosen.config.cv else []:
        data_card.write(member.writer)
