"""`modelcard evaluate`: a complete run record for a `.keras` model trained elsewhere.

The model is loaded with plain `keras.saving.load_model` (safe mode: no arbitrary code) and
must take raw RGB pixels 0..255, as the models `modelcard train` saves do. Images are resized
to the model's own input size in the same tf.data pipeline training uses.
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import numpy as np

from modelcard.errors import UserError
from modelcard.record import Predictions, open_run
from modelcard.record.typed import with_fields
from modelcard.ingest.shard_files import FORMATS, write_shard
from modelcard.ingest.shards import Shard

from ..collectors import EmissionsCollector, collect_hardware, emissions_phase, guarded
from ..data import load_eval_set
from ..data.folder import check_folder, load_folder, predefined_split_folders
from ..data.metadata import load_metadata, unmatched_warning
from ..data.prepared import tf_ready_path
from ..data.scan import candidates_in_class_folders
from ..data.sources import DEFAULT_FRACTIONS, DEFAULT_SEED, default_cache_dir
from ..data_card import DataCardCollector
from ..model.backbones import count_params
from ..model.features import extract
from ..model.full_model import model_input_size
from ..stages import post_fit
from ..stages.collected import collected_stages
from ..stages.context import EvalSet, EvaluationTiming, Measured, MemberContext, Pace, SavedModel, metadata_attributes
from ..stages.pipeline import Made, Output, Stage, output, run_stages, stage
from ..stages.run_sections import data_section, write_data_files
from modelcard.record.artifacts import sha256_hex

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


def evaluation_sets(data: Path, eval_sets: dict[str, str]) -> dict[str, EvalSet]:
    """Which images are evaluated: {record set name: set}, the main set (`test`) first, then each
    `--eval-set` in name order (checked against the main set's classes)."""
    dataset, split, source = load_main_set(Path(data))
    extra = {n: load_eval_set(n, Path(d), dataset.class_names) for n, d in sorted(eval_sets.items())}
    return {MAIN_SET: EvalSet(dataset, split, source)} | {n: EvalSet(ds, "eval", f"eval set {ds.root}")
                                                        for n, ds in extra.items()}


def model_record(model, model_path: Path, size: int) -> dict:
    """The record's `model` of a model trained elsewhere: what the file shows, null for the rest."""
    total, trainable = count_params(model)
    return {
        "backbone": backbone_name(model), "alpha": None, "input_size": size,
        # evaluate only loads a finished model: how and on what it was trained is unknown here (null, not a guess)
        "weights": {"source": "file", "pretrained": None, "description": f"weights loaded from {model_path.name}",
                    "origin": "trained elsewhere: how, from what starting weights and on what data is not known to modelcard",
                    "sha256": None, "license": None, "path": str(model_path)},
        "head": None, "preprocessing": f"resize to {size}x{size} (bilinear), then the model's own layers",
        "total_params": total, "trainable_params": trainable,
        "file_bytes": model_path.stat().st_size, "file_sha256": sha256_hex(model_path),
    }


def described(sets: dict[str, EvalSet], model, model_path: Path, size: int, meta) -> Stage:
    """Evaluate's "fit" stage: the data, hardware and the loaded model (its file and parameter
    counts, `SavedModel`), before anything is measured."""
    main = sets[MAIN_SET]

    @stage(fills=("data", "hardware", "model"), makes=(SavedModel,))
    def describe(ctx: MemberContext) -> Output:
        summary = data_section(main.dataset, {n: s.dataset for n, s in sets.items() if n != MAIN_SET})
        if main.split == "eval":  # the whole folder is the evaluation set: call it what the record calls it
            summary["splits"] = {MAIN_SET: summary["splits"].pop("eval")}
        write_data_files(ctx.writer, main.dataset, {main.split: MAIN_SET})  # the files evaluated
        hardware = guarded("hardware", collect_hardware, warnings=ctx.writer.warnings)
        for line in main.dataset.warnings:
            ctx.writer.warn(line)
        if unmatched := unmatched_warning(meta, [s.dataset for s in sets.values()]):
            ctx.writer.warn(unmatched)
        loaded = model_record(model, model_path, size)
        saved = SavedModel(loaded["file_bytes"], loaded["total_params"], loaded["trainable_params"])
        return output(saved, data=summary, hardware=hardware, model=loaded)

    return describe


def evaluate_data_card(label_issues: bool) -> Stage:
    @stage(fills=("data_card", "label_issues"), name="data_card")
    def collect_and_write(ctx: MemberContext) -> dict:
        """The data card of the evaluated set (collected here: evaluate has no training data)."""
        with emissions_phase("data_card"):
            collector = DataCardCollector({MAIN_SET: ctx.sets[MAIN_SET].samples}, ctx.class_names,
                                          ctx.writer.view().data.duplicates, created_by="evaluate",
                                          label_issues=label_issues)
            collector.collect()
            return post_fit.data_card_sections(collector, ctx)

    return collect_and_write


def evaluate_stages(label_issues: bool) -> tuple[Stage, ...]:
    """The post-fit stages `evaluate` runs on a loaded model, in `post_fit.POST_FIT`'s order (no fit,
    no training timings, no save; efficiency comes after the emissions, outside their tracker)."""
    return (post_fit.evaluation, evaluate_data_card(label_issues), post_fit.measure_model, post_fit.robustness,
            post_fit.examples)


def emissions_stage(emissions: EmissionsCollector) -> Stage:
    @stage(fills=("emissions",), reads=(Measured,))
    def emissions_section(ctx: MemberContext, measured: Measured) -> dict:
        """The evaluation's emissions and its inference cost."""
        from ..measure.model_cost import inference_section

        result = emissions.result()
        if emissions.warning:
            ctx.writer.warn(emissions.warning)
        return {"emissions": None if result is None else with_fields(
            result, inference=inference_section(measured.inference, result))}

    return emissions_section


@stage(reads=(EvaluationTiming,), makes=(Pace,))
def prediction_pace(ctx: MemberContext, timing: EvaluationTiming) -> Output:
    """Evaluate's own pace for `efficiency`: the images it predicted over every set, per second
    of predicting (in place of the throughput at batch 32: no training, no extraction)."""
    return output(Pace(predict_images_per_s=timing.n_predicted / timing.predict_s if timing.predict_s > 0 else None))


def evaluate_finish(emissions: EmissionsCollector) -> tuple[Stage, ...]:
    """After the emissions tracker: the emissions, the prediction pace, the discovered collectors
    (`stages/collected.py`) and `efficiency`."""
    return (emissions_stage(emissions), prediction_pace, *collected_stages("evaluate"), post_fit.efficiency)


def model_for(model_path: Path, data: Path, class_names: list[str], input_size: int | None):
    """(model, input size) of the `.keras` file, checked against the folder's classes."""
    model = load_keras_model(model_path)
    size = input_size or model_input_size(model)
    if size is None:
        raise UserError(f"cannot tell the input size of {model_path.name} (no Resizing layer, no fixed input shape); pass --input-size")
    n_out = model.output_shape[-1]
    if n_out != len(class_names):
        raise UserError(f"{model_path.name} predicts {n_out} classes but {data} has {len(class_names)} "
                        f"({', '.join(class_names)}); evaluate on a folder with the model's classes")
    return model, size


def evaluate_shard(model_path: Path, data: Path, shard: Shard, out: Path, *, input_size: int | None,
                   batch_size: int) -> tuple[Path, int]:
    """Predict shard K/N of the evaluation set (`modelcard.ingest.shards`: by the sha256 of each image's
    path relative to DIR) and write its predictions to `out` (.npz or .parquet); no run is written
    here: `modelcard record --predictions` merges the N files. Returns (out, images predicted)."""
    if Path(out).suffix.lower() not in FORMATS:
        raise UserError(f"--shard-out {out} must end in .npz or .parquet")
    main = evaluation_sets(Path(data), {})[MAIN_SET]
    class_names = main.dataset.class_names
    model, size = model_for(Path(model_path), Path(data), class_names, input_size)
    samples = sorted((s for s in main.samples if shard.holds(s.relpath)), key=lambda s: s.relpath)
    cache = default_cache_dir()
    paths = [str(tf_ready_path(s, cache)) for s in samples]
    probs = extract(model, paths, size, batch_size, f"predicting shard {shard}")
    preds = Predictions(ids=np.asarray([s.relpath for s in samples], dtype=str),
                        y_true=np.asarray([s.label for s in samples], dtype=np.int64),
                        y_prob=probs.reshape(len(samples), len(class_names)), class_names=list(class_names))
    return write_shard(Path(out), preds, shard), len(samples)


def evaluate(model_path: Path, data: Path, runs_dir: Path, *, name: str | None, eval_sets: dict[str, str],
             input_size: int | None, batch_size: int, country_iso_code: str, command_line: list[str],
             metadata: str | None = None, inference_predictions: int = 1000, robustness: str = "quick",
             label_issues: bool = True) -> Path:
    """Predict with the model on DIR and each eval set, analyse, and write a complete run."""
    meta = load_metadata(metadata) if metadata else None
    sets = evaluation_sets(Path(data), eval_sets)
    class_names = sets[MAIN_SET].dataset.class_names
    model, size = model_for(Path(model_path), Path(data), class_names, input_size)
    config = {"model": str(model_path), "data": str(data), "eval_sets": dict(eval_sets), "input_size": size,
              "batch_size": batch_size, "metadata": metadata, "inference_predictions": inference_predictions,
              "robustness": robustness}
    with open_run(runs_dir, name or model_path.stem, "evaluate", command_line=command_line, config=config) as run:
        cache, main = default_cache_dir(), sets[MAIN_SET]
        ctx = MemberContext(
            writer=run, class_names=class_names, sets=sets, full_model=lambda: model,
            predict=lambda set_name, s: extract(model, inputs[set_name], size, batch_size, f"predicting {set_name}"),
            attributes=metadata_attributes(meta), test_paths=[], test_labels=np.asarray([s.label for s in main.samples]),
            input_size=size, batch_size=batch_size, robustness_suite=robustness, robustness_batch=batch_size,
            inference_predictions=inference_predictions)
        made = Made()
        run_stages((described(sets, model, Path(model_path), size, meta),), ctx, made)
        with EmissionsCollector(country_iso_code) as emissions:
            inputs = {set_name: s.dataset.tf_inputs(s.split, cache)[0] for set_name, s in sets.items()}
            ctx = dataclasses.replace(ctx, test_paths=inputs[MAIN_SET])
            run_stages(evaluate_stages(label_issues), ctx, made)
        run_stages(evaluate_finish(emissions), ctx, made)
    return run.path
