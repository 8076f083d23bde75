"""The stage runner itself (training/stages/pipeline.py): declared sections, one owner per
section, order kept, a stage that breaks its declaration refused. No TensorFlow, no training."""

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from modelcard.record import RunRecord, RunWriter
from training.stages.pipeline import OMIT, Stage, StageError, check_pipeline, run_stages, stage


@dataclass
class Writer(RunWriter):
    """The real writer (its `set` is what the runner calls), saving into a list instead of run.json."""

    path: Path = Path("unused")
    record: RunRecord = field(default_factory=lambda: RunRecord.from_dict({"warnings": [], "artifacts": {}, "model": None}))
    saved: list = field(default_factory=list)

    def save(self):
        self.saved.append({k: v for k, v in self.json().items() if k not in ("warnings", "artifacts")})

    def json(self):
        return self.record.to_dict()


@dataclass
class Ctx:
    writer: Writer = field(default_factory=Writer)
    filled: dict = field(default_factory=dict)
    order: list = field(default_factory=list)


def returning(name, fills=(), amends=(), **values):
    def step(ctx):
        ctx.order.append(name)
        return dict(values)
    return Stage(name, tuple(fills), step, tuple(amends))


def test_stages_run_in_order_and_their_sections_are_written_and_saved():
    ctx = Ctx()
    run_stages([returning("fit", ["model"], model={"n": 1}),
                returning("evaluate", ["evaluations"], evaluations={"test": 0.9}),
                returning("more", amends=["model"], model={"n": 1, "file": "m.keras"})], ctx)
    assert ctx.order == ["fit", "evaluate", "more"]
    assert ctx.writer.json()["model"] == {"n": 1, "file": "m.keras"} and ctx.writer.json()["evaluations"] == {"test": 0.9}
    # saved after every stage, each save with what the stages so far wrote
    assert [s.get("evaluations") for s in ctx.writer.saved] == [None, {"test": 0.9}, {"test": 0.9}]
    assert ctx.writer.saved[0]["model"] == {"n": 1}
    assert ctx.filled == {"model": "fit", "evaluations": "evaluate"}


def test_two_stages_filling_one_section_are_refused_before_anything_runs():
    ctx = Ctx()
    with pytest.raises(StageError, match="'a' and 'b' both fill 'robustness'"):
        run_stages([returning("a", ["robustness"], robustness=1), returning("b", ["robustness"], robustness=2)], ctx)
    assert ctx.order == [] and ctx.writer.saved == []


def test_ownership_carries_over_to_a_later_pipeline_on_the_same_context():
    ctx = Ctx()
    run_stages([returning("fit", ["training"], training={})], ctx)
    with pytest.raises(StageError, match="both fill 'training'"):
        run_stages([returning("again", ["training"], training={})], ctx)
    run_stages([returning("timings", amends=["training"], training={"t": 1})], ctx)  # amending is allowed
    assert ctx.writer.json()["training"] == {"t": 1}


def test_amending_a_section_no_earlier_stage_fills_is_refused():
    with pytest.raises(StageError, match="amends 'training', which no earlier stage fills"):
        check_pipeline([returning("timings", amends=["training"], training={}), returning("fit", ["training"], training={})])


@pytest.mark.parametrize("shared", ["warnings", "artifacts"])
def test_shared_sections_cannot_be_declared(shared):
    with pytest.raises(StageError, match="every stage appends to"):
        check_pipeline([returning("x", [shared])])


def test_a_stage_that_does_not_write_what_it_declared_is_a_programming_error():
    ctx = Ctx()
    with pytest.raises(StageError, match=r"'examples' declared \['examples'\] but did not write \['examples'\]"):
        run_stages([returning("examples", ["examples"])], ctx)
    with pytest.raises(StageError, match=r"wrote undeclared \['cv'\]"):
        run_stages([returning("seeds", ["seeds"], seeds={}, cv={})], Ctx())
    assert "examples" not in ctx.writer.json()


def test_omit_leaves_a_declared_section_out_and_shared_sections_take_appends():
    @stage(fills=("robustness",))
    def robustness(ctx):
        ctx.writer.warn("robustness under corruptions not measured: boom")
        return {"robustness": OMIT}

    ctx = Ctx()
    run_stages([robustness], ctx)
    assert robustness.name == "robustness" and "robustness" not in ctx.writer.json()
    assert ctx.writer.record.warnings == ["robustness under corruptions not measured: boom"]


def test_the_real_pipelines_declare_one_owner_per_section():
    from training.stages import finetune_mode, head_mode, post_fit

    fit = returning("fit", ["training", "model"])
    check_pipeline([*head_mode.head_member(fit), *head_mode.HEAD_CHOSEN, *head_mode.HEAD_FINISH])
    check_pipeline([*finetune_mode.finetune_member(fit), *finetune_mode.FINETUNE_FINISH])
    assert [s.name for s in finetune_mode.finetune_member(fit)] == [
        "fit", "evaluation", "training_timings", "data_card", "save_model", "measure_model", "robustness", "examples"]
    assert post_fit.evaluation.fills == ("evaluations",) and post_fit.save_model.amends == ("model",)


def test_every_mode_runs_the_post_fit_stages_in_the_one_order():
    """Head, finetune and evaluate run parts of one pipeline (`post_fit.POST_FIT`), never reordered."""
    from training.commands.evaluate import evaluate_stages
    from training.stages import finetune_mode, head_mode, post_fit

    fit = returning("fit", ["training", "model"])
    head = [*head_mode.head_member(fit), *head_mode.HEAD_CHOSEN, *head_mode.HEAD_FINISH]
    finetune = [*finetune_mode.finetune_member(fit), *finetune_mode.FINETUNE_FINISH]
    evaluate = [*evaluate_stages(False), post_fit.efficiency]
    assert all(post_fit.in_post_fit_order(mode) for mode in (head, finetune, evaluate))
    assert {s.name for s in head} - {"fit"} == {s.name for s in post_fit.POST_FIT}  # head runs every stage
    assert not post_fit.in_post_fit_order([post_fit.examples, post_fit.evaluation])  # the check can fail
