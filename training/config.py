"""The effective training configuration: defaults, then a TOML file, then command-line flags.

One flat table of typed keys, so the record's `config` is exactly what ran and a sweep can
vary any sweepable key the same way the command line sets it. No TensorFlow here: a bad
config fails in milliseconds, before the 4 s import.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from modelcard.errors import UserError

MODES = ("head", "finetune")
OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop")
STRATEGIES = ("default", "mirrored", "multiworker")
LABEL_ISSUES = ("cleanlab", "none")
ROBUSTNESS_SUITES = ("quick", "full", "none")  # training.robustness.SUITE_CHOICES (no TF import here)
# Learning rates that work for a linear head on pooled features; fine-tuning divides by 100.
HEAD_LEARNING_RATES = {"adam": 1e-3, "adamw": 1e-3, "sgd": 1e-2, "rmsprop": 1e-3}
FINETUNE_LR_FACTOR = 0.01


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides what `modelcard train` does (recorded as the run's `config`)."""

    data: str = "demo"
    name: str | None = None
    mode: str = "head"
    backbone: str = "mobilenetv2"
    alpha: float = 1.0
    input_size: int = 160
    weights: str = "offline"
    optimizer: str = "adam"
    learning_rate: float | None = None  # None: the optimizer's default for the mode
    momentum: float = 0.9  # sgd only
    batch_size: int = 32
    epochs: int = 10
    patience: int = 3
    dropout: float = 0.2
    seed: int = 0
    finetune_blocks: int = 2
    strategy: str = "default"
    select: str = "val_accuracy:max"
    feature_cache: bool = True
    cache_dir: str | None = None
    country_iso_code: str = "USA"
    label_issues: str = "cleanlab"  # "none" skips the estimated label errors of the data card
    near_duplicates: str = "group"
    metadata: str | None = None  # CSV of per-image attributes (`path` column + slices)
    inference_predictions: int = 1000  # per batch size, for energy per 1,000 predictions; 0: skip
    robustness: str = "quick"  # ImageNet-C suite on the test split: quick, full or none
    seeds: int = 1  # --seeds N: the chosen configuration retrained with seeds seed..seed+N-1 (record `seeds`)
    cv: int = 0  # --cv K: K-fold cross-validation of the chosen recipe over train+val, head mode (record `cv`)
    eval_sets: dict[str, str] = field(default_factory=dict)
    sweep: dict[str, list] = field(default_factory=dict)

    def effective_learning_rate(self) -> float:
        """The learning rate actually used: explicit, or the optimizer's default for the mode
        (fine-tuning scales it by batch_size/32 and 1/100 so pretrained features survive)."""
        if self.learning_rate is not None:
            return float(self.learning_rate)
        base = HEAD_LEARNING_RATES[self.optimizer]
        if self.mode == "finetune":
            return base * FINETUNE_LR_FACTOR * self.batch_size / 32
        return base

    def resolved(self) -> "TrainConfig":
        """This config with the learning rate filled in, as recorded."""
        return replace(self, learning_rate=self.effective_learning_rate())

    def to_dict(self) -> dict:
        return asdict(self)


SCALARS = {
    "data": str, "name": str, "mode": str, "backbone": str, "alpha": float, "input_size": int,
    "weights": str, "optimizer": str, "learning_rate": float, "momentum": float, "batch_size": int,
    "epochs": int, "patience": int, "dropout": float, "seed": int, "finetune_blocks": int,
    "strategy": str, "select": str, "feature_cache": bool, "cache_dir": str, "country_iso_code": str,
    "label_issues": str,
    "near_duplicates": str,
    "metadata": str,
    "inference_predictions": int,
    "robustness": str,
    "seeds": int,
    "cv": int,
}
# Keys a sweep may vary: the ones that only change the fit, so one feature extraction serves all.
SWEEPABLE = ("optimizer", "batch_size", "learning_rate", "momentum", "dropout", "epochs", "patience",
             "seed", "finetune_blocks", "backbone", "input_size")


def coerce(key: str, value: Any, where: str) -> Any:
    """`value` as the type of config key `key`, or a UserError that names where it came from."""
    kind = SCALARS.get(key)
    if kind is None:
        raise UserError(f"unknown config key {key!r} in {where}; known keys: {', '.join(sorted(SCALARS))}, eval_sets, sweep")
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
    elif kind is float and isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            pass
    elif kind is int and isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            return int(value)
        except ValueError:
            pass
    elif kind is str and isinstance(value, str):
        return value
    raise UserError(f"config key {key!r} in {where} must be a {kind.__name__}, got {value!r}")


def read_toml(path: Path) -> dict:
    """The raw table of a config file, with one-line errors for a missing or malformed file."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise UserError(f"config file {path} does not exist; check the --config path") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"config file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise UserError(f"cannot read config file {path}: {exc.strerror}") from None


def _coerce_table(table: dict, where: str) -> dict:
    """Check and convert one layer of settings (a TOML table or the CLI overrides)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key == "eval_sets":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise UserError(f"`eval_sets` in {where} must be a table of NAME = \"DIR\"")
            out[key] = dict(value)
        elif key == "sweep":
            if not isinstance(value, dict):
                raise UserError(f"`sweep` in {where} must be a table of key = [values]")
            out[key] = {k: [coerce(k, v, f"{where} [sweep]") for v in _as_list(k, vals, where)]
                        for k, vals in value.items()}
        else:
            out[key] = coerce(key, value, where)
    return out


def _as_list(key: str, values: Any, where: str) -> list:
    if key not in SWEEPABLE:
        raise UserError(f"cannot sweep {key!r} ({where}); sweepable keys: {', '.join(SWEEPABLE)}")
    if not isinstance(values, list) or not values:
        raise UserError(f"sweep values for {key!r} in {where} must be a non-empty list")
    return values


def validate(config: TrainConfig) -> TrainConfig:
    """Reject values no run could use, naming the flag to fix."""
    from .model.backbones import BACKBONES  # no TensorFlow there
    from .data.assemble import NEAR_MODES
    checks = [
        (config.backbone in BACKBONES, f"--backbone {config.backbone!r} is unknown; choose one of {', '.join(BACKBONES)}"),
        (config.mode in MODES, f"--mode {config.mode!r} is unknown; choose {' or '.join(MODES)}"),
        (config.optimizer in OPTIMIZERS, f"--optimizer {config.optimizer!r} is unknown; choose one of {', '.join(OPTIMIZERS)}"),
        (config.robustness in ROBUSTNESS_SUITES,
         f"--robustness {config.robustness!r} is unknown; choose one of {', '.join(ROBUSTNESS_SUITES)}"),
        (config.strategy in STRATEGIES, f"--strategy {config.strategy!r} is unknown; choose one of {', '.join(STRATEGIES)}"),
        (config.batch_size >= 1, f"--batch-size {config.batch_size} must be at least 1"),
        (config.epochs >= 1, f"--epochs {config.epochs} must be at least 1"),
        (config.patience >= 0, f"--patience {config.patience} must be 0 or more"),
        (0.0 <= config.dropout < 1.0, f"--dropout {config.dropout} must be from 0 up to (not including) 1"),
        (config.learning_rate is None or config.learning_rate > 0, f"--learning-rate {config.learning_rate} must be positive"),
        (config.finetune_blocks >= 1, f"--finetune-blocks {config.finetune_blocks} must be at least 1"),
        (config.seed >= 0, f"--seed {config.seed} must be 0 or more"),
        (config.label_issues in LABEL_ISSUES, f"--label-issues {config.label_issues!r} is unknown; choose {' or '.join(LABEL_ISSUES)}"),
        (config.near_duplicates in NEAR_MODES,
         f"--near-duplicates {config.near_duplicates!r} is unknown; choose one of {', '.join(NEAR_MODES)}"),
        (config.inference_predictions >= 0,
         f"--inference-predictions {config.inference_predictions} must be 0 (skip) or more (1000 recommended)"),
        (config.seeds >= 1, f"--seeds {config.seeds} must be at least 1 (1: train one seed only)"),
        (config.cv == 0 or config.cv >= 2, f"--cv {config.cv} must be 0 (off) or at least 2 folds"),
        (config.cv == 0 or config.mode == "head",
         "--cv needs --mode head (cross-validation refits the head on cached features); finetune mode supports --seeds"),
    ]
    for ok, message in checks:
        if not ok:
            raise UserError(message)
    for key, values in config.sweep.items():
        for value in values:
            validate(replace(config, sweep={}, **{key: value}))
    return config


def load_config(path: Path | None, overrides: dict[str, Any]) -> TrainConfig:
    """Defaults, then the TOML file at `path` (if any), then `overrides` (CLI flags that were
    given; None values are ignored). Unknown keys and wrong types are UserErrors."""
    merged: dict[str, Any] = {}
    if path is not None:
        merged.update(_coerce_table(read_toml(Path(path)), str(path)))
    given = {k: v for k, v in overrides.items() if v is not None}
    cli = _coerce_table(given, "command-line options")
    for key in ("eval_sets", "sweep"):  # tables merge key by key; the command line wins per key
        if key in cli:
            cli[key] = {**merged.get(key, {}), **cli[key]}
    merged.update(cli)
    return validate(TrainConfig(**merged))
