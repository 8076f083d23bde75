"""The stage runner itself (training/stages/pipeline.py): declared sections and made values, one
owner per section and one maker per value, reads made before they are read, order kept, a stage
that breaks its declaration refused. No TensorFlow, no training."""

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from modelcard.record import RunRecord, RunWriter
from training.stages.pipeline import OMIT, Made, Stage, StageError, check_pipeline, output, run_stages, stage


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
    made: Made = field(default_factory=Made)
    order: list = field(default_factory=list)


def run(stages, ctx):
    run_stages(stages, ctx, ctx.made)


def returning(name, fills=(), amends=(), **values):
    def step(ctx):
        ctx.order.append(name)
        return dict(values)
    return Stage(name, tuple(fills), step, tuple(amends))


def test_stages_run_in_order_and_their_sections_are_written_and_saved():
    ctx = Ctx()
    run([returning("fit", ["model"], model={"n": 1}),
                returning("evaluate", ["evaluations"], evaluations={"test": 0.9}),
                returning("more", amends=["model"], model={"n": 1, "file": "m.keras"})], ctx)
    assert ctx.order == ["fit", "evaluate", "more"]
    assert ctx.writer.json()["model"] == {"n": 1, "file": "m.keras"} and ctx.writer.json()["evaluations"] == {"test": 0.9}
    # saved after every stage, each save with what the stages so far wrote
    assert [s.get("evaluations") for s in ctx.writer.saved] == [None, {"test": 0.9}, {"test": 0.9}]
    assert ctx.writer.saved[0]["model"] == {"n": 1}
    assert ctx.made.filled == {"model": "fit", "evaluations": "evaluate"}


def test_two_stages_filling_one_section_are_refused_before_anything_runs():
    ctx = Ctx()
    with pytest.raises(StageError, match="'a' and 'b' both fill 'robustness'"):
        run([returning("a", ["robustness"], robustness=1), returning("b", ["robustness"], robustness=2)], ctx)
    assert ctx.order == [] and ctx.writer.saved == []


def test_ownership_carries_over_to_a_later_pipeline_on_the_same_context():
    ctx = Ctx()
    run([returning("fit", ["training"], training={})], ctx)
    with pytest.raises(StageError, match="both fill 'training'"):
        run([returning("again", ["training"], training={})], ctx)
    run([returning("timings", amends=["training"], training={"t": 1})], ctx)  # amending is allowed
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
        run([returning("examples", ["examples"])], ctx)
    with pytest.raises(StageError, match=r"wrote undeclared \['cv'\]"):
        run([returning("seeds", ["seeds"], seeds={}, cv={})], Ctx())
    assert "examples" not in ctx.writer.json()


def test_omit_leaves_a_declared_section_out_and_shared_sections_take_appends():
    @stage(fills=("robustness",))
    def robustness(ctx):
        ctx.writer.warn("robustness under corruptions not measured: boom")
        return {"robustness": OMIT}

    ctx = Ctx()
    run([robustness], ctx)
    assert robustness.name == "robustness" and "robustness" not in ctx.writer.json()
    assert ctx.writer.record.warnings == ["robustness under corruptions not measured: boom"]


@dataclass(frozen=True)
class Timing:
    seconds: float


@dataclass(frozen=True)
class Size:
    n: int


def test_made_values_are_handed_to_the_stages_that_read_them_in_declared_order():
    seen = []

    @stage(fills=("evaluations",), makes=(Timing,))
    def evaluate(ctx):
        return output(Timing(2.5), evaluations={"test": 0.9})

    @stage(makes=(Size,))
    def save(ctx):
        return output(Size(7))

    @stage(fills=("efficiency",), reads=(Size, Timing))
    def efficiency(ctx, size, timing):
        seen.append((size, timing))
        return {"efficiency": {"n": size.n, "s": timing.seconds}}

    ctx = Ctx()
    run([evaluate, save], ctx)
    run([efficiency], ctx)  # a later pipeline on the same context reads what the earlier one made
    assert seen == [(Size(7), Timing(2.5))]
    assert ctx.made[Timing] == Timing(2.5) and ctx.made.makers == {Timing: "evaluate", Size: "save"}
    assert ctx.writer.json()["efficiency"] == {"n": 7, "s": 2.5}


def test_reading_a_value_no_earlier_stage_makes_is_refused_before_anything_runs():
    ctx = Ctx()
    reader = Stage("efficiency", ("efficiency",), lambda ctx, size: {"efficiency": {"n": size.n}}, reads=(Size,))
    maker = Stage("save", (), lambda ctx: output(Size(1)), makes=(Size,))
    with pytest.raises(StageError, match="'efficiency' reads Size, which no earlier stage makes"):
        run([reader, maker], ctx)  # made, but too late
    assert ctx.writer.saved == [] and Size not in ctx.made
    with pytest.raises(StageError, match="no stage made a Size"):
        ctx.made[Size]
    given = Ctx(made=Made(Size(3)))  # an input given before any stage counts as made
    run([reader], given)
    assert given.writer.json()["efficiency"] == {"n": 3}


def test_two_stages_making_one_value_are_refused():
    maker = Stage("save", (), lambda ctx: output(Size(1)), makes=(Size,))
    with pytest.raises(StageError, match="'save' and 'again' both make Size"):
        check_pipeline([maker, Stage("again", (), maker.step, makes=(Size,))])
    ctx = Ctx()
    run([maker], ctx)
    with pytest.raises(StageError, match="both make Size"):
        run([maker], ctx)  # across pipelines on one context too


def test_a_stage_that_returns_other_values_than_it_declared_is_a_programming_error():
    with pytest.raises(StageError, match=r"'save' declared \[\] but made undeclared \['Timing'\]"):
        run([Stage("save", (), lambda ctx: output(Timing(1.0)))], Ctx())
    with pytest.raises(StageError, match=r"and makes \['Size'\] but did not make \['Size'\]"):
        run([Stage("save", (), lambda ctx: {}, makes=(Size,))], Ctx())
    with pytest.raises(StageError, match=r"did not make \['Size'\]; made undeclared \['Timing'\]"):
        run([Stage("save", (), lambda ctx: output(Timing(1.0)), makes=(Size,))], Ctx())
    with pytest.raises(StageError, match="made one type twice"):
        run([Stage("save", (), lambda ctx: output(Size(1), Size(2)), makes=(Size,))], Ctx())
    ctx = Ctx()
    with pytest.raises(StageError):
        run([Stage("save", ("examples",), lambda ctx: output(Timing(1.0), examples={}), makes=(Size,))], ctx)
    assert "examples" not in ctx.writer.json() and Timing not in ctx.made and ctx.made.filled == {}


def real_pipelines():
    """{name: the stages one context of that mode goes through, every pipeline of it in order}."""
    from types import SimpleNamespace

    from training.commands.evaluate import described, evaluate_finish, evaluate_stages
    from training.stages import finetune_mode, head_mode, post_fit
    from training.stages.context import Measured

    fit = post_fit.fit_stage("fit", lambda ctx: None)
    chosen = SimpleNamespace(made=Made(Measured({})), writer=SimpleNamespace(run_id="chosen"))
    return {
        "head, the chosen member": [*head_mode.head_member(fit), *head_mode.HEAD_CHOSEN, *head_mode.HEAD_FINISH],
        "head, another member": [*head_mode.head_member(fit), head_mode.borrowed_measurement(chosen),
                                 *head_mode.HEAD_FINISH],
        "finetune": [*finetune_mode.finetune_member(fit), *finetune_mode.FINETUNE_FINISH],
        "evaluate": [described({"test": None}, None, Path("m.keras"), 160, None), *evaluate_stages(False),
                     *evaluate_finish(None)],
    }


@pytest.mark.parametrize("mode", ["head, the chosen member", "head, another member", "finetune", "evaluate"])
def test_the_real_pipelines_declare_one_owner_per_section_and_make_what_they_read(mode):
    check_pipeline(real_pipelines()[mode])


def test_the_post_fit_stages_declare_their_data_flow():
    from training.stages import finetune_mode, head_mode, post_fit
    from training.stages.context import EvaluationTiming, FitTimings, Measured, Pace, SavedModel, TestPredictions

    flow = {s.name: (s.fills, s.amends, s.reads, s.makes) for s in post_fit.POST_FIT}
    assert flow == {
        "evaluation": (("evaluations",), (), (), (EvaluationTiming, TestPredictions)),
        "training_timings": ((), ("training",), (FitTimings, EvaluationTiming), ()),
        "data_card": (("data_card", "label_issues"), (), (), ()),
        "save_model": ((), ("model",), (), (SavedModel,)),
        "measure_model": ((), (), (SavedModel,), (Measured,)),
        "robustness": (("robustness",), (), (TestPredictions,), ()),
        "examples": (("examples",), (), (), ()),
        "efficiency": (("efficiency",), (), (Measured, Pace), ()),
    }
    fit = post_fit.fit_stage("fit", lambda ctx: None)
    assert (fit.fills, fit.makes) == (("training", "model"), (FitTimings, Pace))
    assert [s.name for s in finetune_mode.finetune_member(fit)] == [
        "fit", "evaluation", "training_timings", "data_card", "save_model", "measure_model", "robustness", "examples"]
    # a head member other than the chosen one has no model of its own to measure: without the
    # chosen member's figures its efficiency would read a Measured nobody made
    with pytest.raises(StageError, match="'efficiency' reads Measured, which no earlier stage makes"):
        check_pipeline([*head_mode.head_member(fit), *head_mode.HEAD_FINISH])
    with pytest.raises(StageError, match="'training_timings' reads FitTimings"):  # a fit that makes no timings
        check_pipeline([returning("fit", ["training", "model"]), post_fit.evaluation, post_fit.training_timings])


def test_every_mode_runs_the_post_fit_stages_in_the_one_order():
    """Head, finetune and evaluate run parts of one pipeline (`post_fit.POST_FIT`), never reordered."""
    from training.stages import post_fit

    pipelines = real_pipelines()
    assert all(post_fit.in_post_fit_order(mode) for mode in pipelines.values())
    head = pipelines["head, the chosen member"]
    assert {s.name for s in head} - {"fit"} == {s.name for s in post_fit.POST_FIT}  # head runs every stage
    assert not post_fit.in_post_fit_order([post_fit.examples, post_fit.evaluation])  # the check can fail


# -- discovered collectors (training/stages/collected.py) ---------------------------------------

def test_every_mode_runs_the_discovered_collectors_just_before_efficiency():
    from training.commands.evaluate import evaluate_finish
    from training.stages import collected, finetune_mode, head_mode, post_fit

    for mode, finish in [("head", head_mode.HEAD_FINISH), ("finetune", finetune_mode.FINETUNE_FINISH),
                         ("evaluate", evaluate_finish(None))]:
        found = [s.name for s in collected.collected_stages(mode)]
        assert [s.name for s in finish][-1 - len(found):] == [*found, "efficiency"], mode
        assert finish[-1] is post_fit.efficiency


def _toy_registry(monkeypatch):
    """The record registry as if `record/sections/toy.py` registered a `toy` section."""
    import dataclasses
    from modelcard.record import registry
    from modelcard.record.model import run
    from modelcard.record.registered import RecordSection
    from modelcard.record.typed import Section

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Toy(Section):
        n: int  # e.g. 3

    toy = registry.Registry((RecordSection("toy", Toy),))
    monkeypatch.setattr(run, "REGISTRY", toy)
    return Toy


def test_a_collector_is_a_guarded_stage_that_writes_its_registered_section_typed(monkeypatch):
    from training.collectors.collector_spec import Collector
    from training.stages.collected import collected_stages

    Toy = _toy_registry(monkeypatch)

    def boom(ctx):
        raise OSError("no disk")

    found = {"a_toy": Collector("toy", lambda ctx: Toy(n=3), what="toy"),
             "b_train_only": Collector("toy_train", boom, what="toy", modes=("head",))}
    stages = collected_stages("evaluate", {"a_toy": found["a_toy"]})
    assert [(s.name, s.fills) for s in stages] == [("a_toy", ("toy",))]
    ctx = Ctx()
    run(stages, ctx)
    assert ctx.writer.record.section(Toy) == Toy(n=3) and ctx.writer.json()["toy"] == {"n": 3}
    with pytest.raises(Exception, match="'toy_train', which no module of modelcard/record/sections/ registers"):
        collected_stages("head", found)
    assert collected_stages("finetune", {"a_toy": found["a_toy"]})  # runs in every mode by default
    failing = collected_stages("evaluate", {"a_toy": Collector("toy", boom, what="toy")})
    ctx = Ctx()
    run(failing, ctx)
    assert "toy" not in ctx.writer.json() and ctx.writer.record.warnings == ["toy not measured: OSError: no disk"]
    wrong = collected_stages("evaluate", {"a_toy": Collector("toy", lambda ctx: {"n": 3}, what="toy")})
    with pytest.raises(StageError, match="returned a dict, not its section's Toy"):
        run(wrong, Ctx())


def test_a_collector_of_a_core_section_or_an_unknown_mode_is_refused():
    from modelcard.errors import UserError
    from training.collectors.collector_spec import Collector
    from training.stages.collected import collected_stages

    with pytest.raises(UserError, match="'hardware', a core section"):
        collected_stages("head", {"mine": Collector("hardware", lambda ctx: None, what="x")})
    with pytest.raises(ValueError, match="modes"):
        Collector("toy", lambda ctx: None, what="x", modes=("train",))
