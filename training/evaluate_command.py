"""`modelcard evaluate`: a complete run record for a `.keras` model trained elsewhere.

The model is loaded with plain `keras.saving.load_model` (safe mode: no arbitrary code) and
must take raw RGB pixels 0..255, as the models `modelcard train` saves do. Images are resized
to the model's own input size in the same tf.data pipeline training uses.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

from modelcard.errors import UserError
from modelcard.record import open_run

from .backbones import count_params
from .data import load_eval_set
from .data.folder import check_folder, load_folder, predefined_split_folders
from .data.scan import candidates_in_class_folders
from .data.sources import DEFAULT_FRACTIONS, DEFAULT_SEED, default_cache_dir
from .data_card import DataCardCollector
from .evaluation import record_evaluation
from .examples import record_examples
from .features import extract
from .full_model import model_input_size
from .metadata import load_metadata, unmatched_warning
from .progress import log_timing_model
from .weights.source import sha256_of

MAIN_SET = "test"


def load_keras_model(path: Path):
    """`keras.saving.load_model(path)` with one-line errors for a missing or unloadable file."""
    if not path.is_file():
        raise UserError(f"model file {path} does not exist; pass the path of a .keras file with --model")
    if path.suffix != ".keras":
        raise UserError(f"--model {path} is not a .keras file; save the model with model.save('name.keras')")
    import keras

    try:
        return keras.saving.load_model(path)
    except (ValueError, OSError, zipfile.BadZipFile, TypeError, KeyError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise UserError(f"cannot load {path} with keras.saving.load_model ({first}); it needs a Keras 3 .keras "
                        "file built from standard layers") from None


def load_main_set(directory: Path):
    """(dataset, split, source text): DIR's test split when it has split folders (only test/ is
    needed; train/ and val/ are loaded when present), else all of DIR."""
    root = check_folder(directory)
    if predefined_split_folders(root, required=(MAIN_SET,)) is not None:
        return (load_folder(root, DEFAULT_FRACTIONS, DEFAULT_SEED, required_splits=(MAIN_SET,)), "test",
                f"test split of {root}")
    _, classes, _ = candidates_in_class_folders(root)
    return load_eval_set(MAIN_SET, root, classes), "eval", f"all images of {root}"


def backbone_name(model) -> str:
    """The largest nested model (the backbone, for transfer-learning models), else the model's name."""
    nested = [layer for layer in model.layers if hasattr(layer, "layers")]
    if not nested:
        return model.name
    return max(nested, key=lambda m: m.count_params()).name


def evaluate(model_path: Path, data: Path, runs_dir: Path, *, name: str | None, eval_sets: dict[str, str],
             input_size: int | None, batch_size: int, country_iso_code: str, command_line: list[str],
             metadata: str | None = None, inference_predictions: int = 1000, robustness: str = "quick",
             label_issues: bool = True) -> Path:
    """Predict with the model on DIR and each eval set, analyse, and write a complete run."""
    meta = load_metadata(metadata) if metadata else None
    dataset, split, source = load_main_set(Path(data))
    extra = {n: load_eval_set(n, Path(d), dataset.class_names) for n, d in sorted(eval_sets.items())}
    model = load_keras_model(Path(model_path))
    size = input_size or model_input_size(model)
    if size is None:
        raise UserError(f"cannot tell the input size of {model_path.name} (no Resizing layer, no fixed input shape); pass --input-size")
    n_out = model.output_shape[-1]
    if n_out != len(dataset.class_names):
        raise UserError(f"{model_path.name} predicts {n_out} classes but {data} has {len(dataset.class_names)} "
                        f"({', '.join(dataset.class_names)}); evaluate on a folder with the model's classes")

    from .collectors import (EmissionsCollector, collect_hardware, collectors_enabled, efficiency_section,
                             emissions_phase, guarded, peak_rss_mb)
    from .model_cost import graph_predict, inference_section, measure_inference_cost, measure_model, test_batch
    from .run_sections import data_section

    sets = {MAIN_SET: (dataset, split, source)} | {n: (ds, "eval", f"eval set {ds.root}") for n, ds in extra.items()}
    config = {"model": str(model_path), "data": str(data), "eval_sets": dict(eval_sets), "input_size": size,
              "batch_size": batch_size, "metadata": metadata, "inference_predictions": inference_predictions,
              "robustness": robustness}
    with open_run(runs_dir, name or model_path.stem, "evaluate", command_line=command_line, config=config) as run:
        summary = data_section(dataset, extra)
        if split == "eval":  # the whole folder is the evaluation set: call it what the record calls it
            summary["splits"] = {MAIN_SET: summary["splits"].pop("eval")}
        run.record["data"] = summary
        run.record["hardware"] = guarded("hardware", collect_hardware, warnings=run.record["warnings"])
        total, trainable = count_params(model)
        run.record["model"] = {
            "backbone": backbone_name(model), "alpha": None, "input_size": size,
            # evaluate only loads a finished model: how and on what it was trained is unknown here (null, not a guess)
            "weights": {"source": "file", "pretrained": None, "description": f"weights loaded from {model_path.name}",
                        "origin": "trained elsewhere: how, from what starting weights and on what data is not known to modelcard",
                        "sha256": None, "license": None, "path": str(model_path)},
            "head": None, "preprocessing": f"resize to {size}x{size} (bilinear), then the model's own layers",
            "total_params": total, "trainable_params": trainable,
            "file_bytes": model_path.stat().st_size, "file_sha256": sha256_of(model_path),
        }
        run.record["warnings"].extend(dataset.warnings)
        if unmatched := unmatched_warning(meta, [dataset, *extra.values()]):
            run.record["warnings"].append(unmatched)
        run.record["warnings"].append("this model was trained elsewhere: its training data, settings and emissions "
                                      "are not in this record")
        run.save()
        cache = default_cache_dir()
        file_bytes = model_path.stat().st_size
        measured, inference = {"model_file_bytes": file_bytes, "total_params": total, "trainable_params": trainable}, None
        with EmissionsCollector(country_iso_code) as emissions:
            inputs = {set_name: ds.tf_inputs(ds_split, cache)[0] for set_name, (ds, ds_split, _) in sets.items()}
            predict_s, n_images = 0.0, 0
            for set_name, (ds, ds_split, text) in sets.items():
                with emissions_phase("evaluation", subject=set_name):
                    start = time.perf_counter()
                    probs = extract(model, inputs[set_name], size, batch_size, f"predicting {set_name}")
                    predict_s += time.perf_counter() - start
                    n_images += len(inputs[set_name])
                    record_evaluation(run, set_name, ds.splits[ds_split], probs, dataset.class_names, text,
                                      metadata=meta)
                run.save()
            with emissions_phase("examples"):
                record_examples(run, dataset.splits[split], model)
            run.save()
            with emissions_phase("data_card"):
                data_card = DataCardCollector({MAIN_SET: dataset.splits[split]}, dataset.class_names,
                                              run.record["data"]["duplicates"], created_by="evaluate",
                                              label_issues=label_issues)
                data_card.collect()
                data_card.write(run, MAIN_SET)
            from .robustness import run_robustness

            main_ds, main_split, _ = sets[MAIN_SET]
            with emissions_phase("robustness", subject=MAIN_SET):
                run_robustness(robustness, model=model.predict_on_batch, paths=inputs[MAIN_SET],
                               y_true=[s.label for s in main_ds.splits[main_split]], class_names=dataset.class_names,
                               input_size=size, batch_size=batch_size)[0].apply(run.record)
            run.save()
            if collectors_enabled():
                log_timing_model(inference_predictions)
                batch = test_batch(inputs[MAIN_SET], size)
                warnings, predict = run.record["warnings"], graph_predict(model)
                measured = guarded("efficiency (latency, throughput, size)", measure_model, model, batch,
                                   model_file_bytes=file_bytes, predict=predict, warnings=warnings) or measured
                inference = guarded("inference cost", measure_inference_cost, predict, batch, inference_predictions,
                                    warnings=warnings)
        result = emissions.result()
        run.record["emissions"] = None if result is None else {**result, "inference": inference_section(inference, result)}
        if emissions.warning:
            run.record["warnings"].append(emissions.warning)
        measured["predict_images_per_s"] = n_images / predict_s if predict_s > 0 else None  # the evaluation's own pace
        run.record["efficiency"] = efficiency_section(peak_rss_mb=peak_rss_mb(), batch_size=batch_size,
                                                      input_size=size, **measured)
        run.save()
    return run.path
