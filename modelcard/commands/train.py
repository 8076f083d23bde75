"""`modelcard train` and `modelcard evaluate`: argparse definitions and thin handlers.

Nothing heavy is imported here: `training` (and with it TensorFlow) is imported inside the
handlers, so `modelcard --help`, `build` and `runs` stay fast and work without TensorFlow.
Every training flag defaults to None so a TOML `--config` value is only overridden by flags
that were actually given.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import UserError
from .options import add_runs_dir

ROBUSTNESS_HELP = ("ImageNet-C corruptions on the test split: quick (default: 6 corruptions at severities 1, 3, 5), "
                   "full (13 corruptions at severities 1-5) or none")
# Flag -> config key for the scalar overrides (the config module converts and checks types).
TRAIN_FLAGS = {
    "--data": ("data", "demo, tfds:NAME, or a folder with one subfolder per class (optionally under train/ val/ test/)"),
    "--name": ("name", "run name used for card files (default: <data>-<backbone>)"),
    "--mode": ("mode", "head (default: frozen backbone, cached features) or finetune (top blocks trained, augmentation)"),
    "--backbone": ("backbone", "mobilenetv2 (default), resnet50v2, efficientnetb0 or densenet121"),
    "--alpha": ("alpha", "MobileNetV2 width multiplier (default 1.0)"),
    "--input-size": ("input_size", "square input size in pixels, 96-224 (default 160)"),
    "--weights": ("weights", "offline (default, bundled ImageNet MobileNetV2), imagenet (needs internet), none, or a .weights.h5 file"),
    "--optimizer": ("optimizer", "adam (default), adamw, sgd (with momentum) or rmsprop"),
    "--learning-rate": ("learning_rate", "learning rate (default: per optimizer; finetune uses 1/100 of it x batch/32)"),
    "--momentum": ("momentum", "SGD momentum (default 0.9)"),
    "--batch-size": ("batch_size", "batch size (default 32)"),
    "--epochs": ("epochs", "maximum epochs (default 10)"),
    "--patience": ("patience", "early-stopping patience on val_loss, best weights restored (default 3)"),
    "--dropout": ("dropout", "dropout before the softmax head (default 0.2)"),
    "--seed": ("seed", "seed for keras.utils.set_random_seed, recorded (default 0)"),
    "--finetune-blocks": ("finetune_blocks", "finetune mode: how many top backbone blocks to unfreeze (default 2)"),
    "--strategy": ("strategy", "tf.distribute strategy: default, mirrored or multiworker (reads TF_CONFIG)"),
    "--select": ("select", "sweep selection rule METRIC:max|min (default val_accuracy:max; or val_loss:min)"),
    "--cache-dir": ("cache_dir", "feature cache folder (default $MODELCARD_CACHE or ~/.cache/modelcard)"),
    "--metadata": ("metadata", "CSV with a `path` column (relative to the data root) and attribute columns, each one a slice"),
    "--country": ("country_iso_code", "ISO 3166 alpha-3 country for codecarbon's carbon intensity (default USA)"),
    "--label-issues": ("label_issues", "cleanlab (default: estimate label errors for the data card) or none (skip)"),
    "--near-duplicates": ("near_duplicates", "group (default: confirmed near-duplicate images stay in one split), "
                          "report (list them only) or off (exact copies are always grouped)"),
    "--inference-predictions": ("inference_predictions", "predictions timed at batch 32 and at batch 1 for the "
                                "energy and CO2 per 1,000 predictions of the saved model (default 1000; 0 skips)"),
    "--robustness": ("robustness", ROBUSTNESS_HELP),
    "--seeds": ("seeds", "retrain the chosen configuration with N seeds (seed, seed+1, ...) and report the test spread "
                "across seeds; the run's own seed is the shipped model (default 1)"),
    "--cv": ("cv", "K-fold cross-validation of the chosen recipe over train+val (head mode; duplicate groups kept "
             "in one fold), shown beside the test estimate (default 0: off)"),
}


def register(subparsers) -> None:
    """Add the `train` and `evaluate` subcommands to the `modelcard` parser."""
    t = subparsers.add_parser(
        "train", help="train an image classifier (transfer learning) and write a run record",
        description="Train a classifier on a frozen (head mode) or partly unfrozen (finetune mode) ImageNet "
        "backbone, evaluate it on the test split and any --eval-set, and write runs/<run_id>/ with the "
        "record, predictions, history.csv and model.keras. Settings come from --config TOML, then flags.")
    t.add_argument("--config", metavar="TOML", default=None, help="TOML file of settings (same keys as the flags, "
                   "with underscores; tables [eval_sets] and [sweep]); flags override it")
    for flag, (key, text) in TRAIN_FLAGS.items():
        t.add_argument(flag, dest=key, default=None, metavar=key.upper(), help=text)
    t.add_argument("--no-feature-cache", dest="feature_cache", action="store_const", const=False, default=None,
                   help="do not read or write the on-disk feature cache (head mode)")
    t.add_argument("--sweep", action="append", default=[], metavar="KEY=V1,V2",
                   help="sweep a setting (optimizer, batch_size, learning_rate, dropout, epochs, ...); "
                   "repeat for a grid; one run per configuration, all sharing a sweep id")
    t.add_argument("--eval-set", action="append", default=[], metavar="NAME=DIR",
                   help="extra labelled set with the same class folders, evaluated like the test split; repeatable")
    t.add_argument("--verbose", action="store_true",
                   help="print a line per epoch (instead of one progress bar per configuration) and the run ids up front")
    add_runs_dir(t)
    t.set_defaults(handler=_cmd_train)

    e = subparsers.add_parser(
        "evaluate", help="evaluate a saved .keras model on labelled images and write a run record",
        description="Load a model trained elsewhere with keras.saving.load_model (it must take raw RGB "
        "0-255 pixels), predict on DIR (its test/ split when it has train/ val/ test/, else every image) and on "
        "any --eval-set, and write a complete run record.")
    e.add_argument("--model", required=True, metavar="M.keras", help="the model file")
    e.add_argument("--data", required=True, metavar="DIR", help="labelled folder, one subfolder per class")
    e.add_argument("--name", default=None, help="run name (default: the model file name)")
    e.add_argument("--eval-set", action="append", default=[], metavar="NAME=DIR", help="extra labelled set; repeatable")
    e.add_argument("--input-size", type=int, default=None, metavar="PX",
                   help="resize images to this square size (default: from the model's Resizing layer or input shape)")
    e.add_argument("--batch-size", type=int, default=32, help="prediction batch size (default 32)")
    e.add_argument("--metadata", default=None, metavar="CSV",
                   help="CSV with a `path` column (relative to DIR) and attribute columns, each one a slice")
    e.add_argument("--country", default="USA", help="ISO 3166 alpha-3 country for codecarbon (default USA)")
    e.add_argument("--label-issues", choices=("cleanlab", "none"), default="cleanlab",
                   help="cleanlab (default: estimate label errors from the predictions) or none (skip)")
    e.add_argument("--inference-predictions", type=int, default=1000, metavar="N",
                   help="predictions timed at batch 32 and at batch 1 for the energy per 1,000 predictions "
                   "(default 1000; 0 skips)")
    e.add_argument("--robustness", default="quick", choices=("quick", "full", "none"), help=ROBUSTNESS_HELP)
    e.add_argument("--shard", default=None, metavar="K/N",
                   help="predict only shard K of N of the images (by a hash of each image's path relative to DIR) "
                   "and write them to --shard-out instead of a run; `record --predictions DIR` merges the N files")
    e.add_argument("--shard-out", default=None, metavar="FILE",
                   help="where --shard writes its predictions: FILE.npz or FILE.parquet")
    add_runs_dir(e)
    e.set_defaults(handler=_cmd_evaluate)


def _prepare_training(command: str, verbose: bool = False) -> None:
    """Before any training package is imported: check they are installed, make TensorFlow's
    start-up quiet, and make Ctrl-C interrupt.

    * A card-only install (`pip install .` without the `train` extra) gets one line naming what
      to install (`training.commands.requirements`), and so does a TensorFlow that fails to import.
    * TensorFlow's C++ start-up lines are dropped while it loads, whatever the CPU
      (`training.commands.quiet_tensorflow`); TF_CPP_MIN_LOG_LEVEL defaults to 2 for the lines after
      start-up (libpng's sRGB warnings, notes), so errors stay visible. A user who sets the
      variable keeps theirs. Python-side notes (e.g. retracing each sweep member's head) go to
      errors only.
    * SIGINT gets Python's KeyboardInterrupt handler even when the process was started with
      SIGINT ignored, as a shell does for a job started with `&` (then Python leaves it
      ignored, and a Ctrl-C sent to the job's process group would be swallowed). The run is
      then marked `interrupted` and the command exits 130.
    """
    import logging
    import signal
    import threading

    from training.commands.requirements import require_training_packages

    require_training_packages(command)
    from training.commands import quiet_tensorflow
    from training.progress import set_verbose

    quiet_tensorflow.install()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    set_verbose(verbose)


def _eval_sets(values: list[str]) -> dict[str, str]:
    from training.data import parse_eval_set_option

    sets: dict[str, str] = {}
    for value in values:
        name, directory = parse_eval_set_option(value)
        if name in sets:
            raise UserError(f"--eval-set name {name!r} is given twice; give each set its own name")
        sets[name] = str(directory)
    return sets


def _cmd_train(args: argparse.Namespace) -> int:
    _prepare_training("train", args.verbose)
    from pathlib import Path

    from training.config import load_config
    from training.variance.sweep import parse_sweep_options
    from training.commands.train import train

    from ..record import resolve_runs_dir

    overrides = {key: getattr(args, key) for key, _ in TRAIN_FLAGS.values()}
    overrides["feature_cache"] = args.feature_cache
    overrides["sweep"] = parse_sweep_options(args.sweep) or None
    overrides["eval_sets"] = _eval_sets(args.eval_set) or None
    config = load_config(Path(args.config) if args.config else None, overrides)
    paths = train(config, resolve_runs_dir(args.runs_dir), ["modelcard", *getattr(args, "argv", sys.argv[1:])])
    for path in paths:
        print(path)
    return 0


def _shard_options(args: argparse.Namespace):
    """The parsed `--shard` (None without it), the shard options checked before TensorFlow starts."""
    from ..ingest.shards import parse_shard

    if args.shard is None:
        if args.shard_out is not None:
            raise UserError("--shard-out needs --shard K/N; without --shard, evaluate writes a run")
        return None
    shard = parse_shard(args.shard)
    if args.shard_out is None:
        raise UserError(f"--shard {shard} needs --shard-out FILE.npz or FILE.parquet for its predictions")
    if not args.shard_out.lower().endswith((".npz", ".parquet")):
        raise UserError(f"--shard-out {args.shard_out} must end in .npz or .parquet")
    if args.eval_set or args.metadata:
        raise UserError("--eval-set and --metadata are not used with --shard: a shard holds predictions on DIR only")
    return shard


def _cmd_evaluate(args: argparse.Namespace) -> int:
    shard = _shard_options(args)
    _prepare_training("evaluate")
    from pathlib import Path

    from training.commands.evaluate import evaluate

    from ..record import resolve_runs_dir

    if args.batch_size < 1:
        raise UserError(f"--batch-size {args.batch_size} must be at least 1")
    if args.inference_predictions < 0:
        raise UserError(f"--inference-predictions {args.inference_predictions} must be 0 (skip) or more")
    if shard is not None:
        from training.commands.evaluate import evaluate_shard

        out, n = evaluate_shard(Path(args.model), Path(args.data), shard, Path(args.shard_out),
                                input_size=args.input_size, batch_size=args.batch_size)
        print(f"shard {shard}: {n} images predicted, written to {out}", file=sys.stderr)
        print(out)
        return 0
    path = evaluate(Path(args.model), Path(args.data), resolve_runs_dir(args.runs_dir), name=args.name,
                    eval_sets=_eval_sets(args.eval_set), input_size=args.input_size, batch_size=args.batch_size,
                    metadata=args.metadata, country_iso_code=args.country, robustness=args.robustness,
                    inference_predictions=args.inference_predictions, label_issues=args.label_issues != "none",
                    command_line=["modelcard", *getattr(args, "argv", sys.argv[1:])])
    print(path)
    return 0
