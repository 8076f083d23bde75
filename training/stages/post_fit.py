"""The stages every run folder shares once it has a model: evaluate each set, robustness,
save and measure the model, the example grid, the data card and efficiency.

Each is a `Stage` (`pipeline.py`) over a `MemberContext`, declaring the sections it fills and
the typed values it reads and makes (`context.py`); `POST_FIT` below is their one order, of
which each mode runs a part. They reuse the analyses (`evaluation.record_evaluation`, `run_robustness`,
`record_examples`, `model_cost`), so the record's sections keep their one definition each.
"""

from __future__ import annotations

import dataclasses
import time

from ..collectors import efficiency_section, emissions_phase, guarded, peak_rss_mb
from ..measure.evaluation import record_evaluation
from ..measure.examples import record_examples
from ..model.backbones import count_params
from ..model.full_model import save_model_atomic
from ..progress import about, log_timing_model
from .context import EvaluationTiming, FitTimings, Measured, MemberContext, Pace, SavedModel, TestPredictions
from .pipeline import OMIT, Output, Stage, output, stage
from .run_sections import timings_entry

MODEL_FILE = "model.keras"


def fit_stage(name: str, step) -> Stage:
    """A mode's fit stage: `step(ctx)` returns `output(FitTimings(...), Pace(...), training=..., model=...)`."""
    return stage(fills=("training", "model"), makes=(FitTimings, Pace), name=name)(step)


@stage(fills=("evaluations",), makes=(EvaluationTiming, TestPredictions))
def evaluation(ctx: MemberContext) -> Output:
    """Predict every evaluation set, store `predictions/<set>.npz` and its metrics, intervals,
    slices and calibration (`evaluations.<set>`)."""
    evaluations = dict(ctx.writer.view().evaluations)
    start = time.perf_counter()
    predict_s, n_predicted, first = 0.0, 0, None
    for name, eval_set in ctx.sets.items():
        with emissions_phase("evaluation", subject=name, run_id=ctx.phase_run_id):
            predict_start = time.perf_counter()
            probs = ctx.predict(name, eval_set)
            predict_s += time.perf_counter() - predict_start
            first = probs if first is None else first
            n_predicted += len(eval_set.samples)
            evaluations[name] = record_evaluation(ctx.writer, name, eval_set.samples, probs, ctx.class_names,
                                                  eval_set.source, attributes=ctx.attributes(name, eval_set))
        ctx.writer.save()
    timing = EvaluationTiming(time.perf_counter() - start, predict_s, n_predicted)
    return output(timing, TestPredictions(first), evaluations=evaluations)


@stage(amends=("training",), reads=(FitTimings, EvaluationTiming))
def training_timings(ctx: MemberContext, fit: FitTimings, timing: EvaluationTiming) -> dict:
    """`training.timings` gets the evaluation's duration."""
    timings = {**fit.timings, "evaluation_s": timing.evaluation_s}
    return {"training": dataclasses.replace(ctx.writer.view().training, timings=timings_entry(timings))}


@stage(fills=("robustness",), reads=(TestPredictions,))
def robustness(ctx: MemberContext, headline: TestPredictions) -> dict:
    """Accuracy under image corruptions (`robustness`; left out, with a warning, when it failed), on the
    test images or a stratified sample of them, with the headline's predictions as the clean ones."""
    from ..robustness import run_robustness

    if ctx.shared_robustness is not None:  # head mode: one corrupted pass serves every member's head
        result = ctx.shared_robustness()
    else:
        model = (ctx.robust_model or ctx.full_model)()
        with emissions_phase("robustness", subject="test", run_id=ctx.phase_run_id):
            result = run_robustness(ctx.robustness_suite, model=model.predict_on_batch, paths=ctx.test_paths,
                                    y_true=ctx.test_labels, class_names=ctx.class_names, input_size=ctx.input_size,
                                    seed=ctx.seed, batch_size=ctx.robustness_batch,
                                    clean_probs=None if headline.probs is None else [headline.probs])[0]
    if result.warning:
        ctx.writer.warn(result.warning)
    return {"robustness": OMIT if result.section is None else result.section}


@stage(amends=("model",), makes=(SavedModel,))
def save_model(ctx: MemberContext) -> Output:
    """Save `model.keras`; the model section gets its size, hash and parameter counts."""
    full = ctx.full_model()
    file_info = save_model_atomic(full, ctx.writer.path / MODEL_FILE)
    ctx.writer.add_artifact("model", MODEL_FILE)
    total, trainable = count_params(full)
    return output(SavedModel(file_info["file_bytes"], total, trainable),
                  model=dataclasses.replace(ctx.writer.view().model, **file_info, total_params=total,
                                            trainable_params=trainable))


@stage(reads=(SavedModel,), makes=(Measured,))
def measure_model(ctx: MemberContext, saved: SavedModel) -> Output:
    """Time the saved model and measure its inference cost on real test images (skipped, and
    said so in the card, when the collectors are off: the saved model's figures alone)."""
    from ..collectors import collectors_enabled
    from ..measure.model_cost import graph_predict, measure_inference_cost, measure_model as measure, test_batch

    if not collectors_enabled():
        return output(Measured(saved.figures()))
    log_timing_model(ctx.inference_predictions)
    model, run_id = ctx.full_model(), ctx.phase_run_id
    batch = test_batch(ctx.test_paths, ctx.input_size)
    warnings, predict = ctx.writer.warnings, graph_predict(model)
    figures = guarded("efficiency (latency, throughput, size)", measure, model, batch,
                      model_file_bytes=saved.file_bytes, run_id=run_id, predict=predict,
                      warnings=warnings) or saved.figures()
    inference = guarded("inference cost", measure_inference_cost, predict, batch, ctx.inference_predictions,
                        run_id=run_id, warnings=warnings)
    return output(Measured(figures, inference))


@stage(fills=("examples",))
def examples(ctx: MemberContext) -> dict:
    """The example grid of test images, with Grad-CAM where the model allows (`examples`)."""
    with emissions_phase("examples", run_id=ctx.phase_run_id), about(ctx.label):
        return {"examples": record_examples(ctx.writer, ctx.sets["test"].samples, ctx.full_model(), seed=ctx.seed)}


def data_card_sections(collector, ctx: MemberContext) -> dict:
    """Write a collected data card into the run (thumbnails, `label_issues.csv`) and return its sections."""
    collector.write(ctx.writer)
    written = ctx.writer.view()
    return {"data_card": written.data_card, "label_issues": OMIT if written.label_issues is None else written.label_issues}


@stage(fills=("data_card", "label_issues"))
def data_card(ctx: MemberContext) -> dict:
    """The data card collected once for the run (`data_card`, and `label_issues` when found)."""
    return data_card_sections(ctx.data_card, ctx)


@stage(fills=("efficiency",), reads=(Measured, Pace))
def efficiency(ctx: MemberContext, measured: Measured, pace: Pace) -> dict:
    """`efficiency`: the model's figures (`Measured`), the run's own paces (`Pace`: training and
    extraction, or evaluate's prediction), peak memory so far."""
    figures = {**measured.figures, **pace.given()}
    return {"efficiency": efficiency_section(peak_rss_mb=peak_rss_mb(), batch_size=ctx.batch_size,
                                             input_size=ctx.input_size, **figures)}


#: The one order of the stages after a fit. Every mode runs a part of it, in this order, and
#: decides only where it waits: head mode fits every member before the chosen one's model is
#: saved and one corrupted pass serves every head; finetune runs each member through at once;
#: evaluate runs a loaded model through (no fit, no save). tests/test_stage_pipeline.py checks it.
POST_FIT = (evaluation, training_timings, data_card, save_model, measure_model, robustness, examples, efficiency)


def in_post_fit_order(stages) -> bool:
    """Do the post-fit stages among `stages` (by name) come in `POST_FIT`'s order?"""
    order = [s.name for s in POST_FIT]
    seen = [order.index(s.name) for s in stages if s.name in order]
    return seen == sorted(seen)
