"""Training Details: data and splits, hyperparameters, history, sweep table."""

from __future__ import annotations

from pathlib import Path

from ...claims import figure_claim, metric_claim
from ...record.left_out import left_out
from ...record.measured import shared_words
from ...record.model import Efficiency, Latency, Member, NearPair, RunRecord, Training
from ...record.model import Duplicates, Metric
from ..formatting import QUANTITIES
from ..intervals import method_label
from ..parts import DuplicateCounts, SweepTable, SweepMember, SplitInfo, TrainingData, TrainingDetails
from ..section_spec import CoverageItem, Heading, SectionSpec
from .conflicts import ceiling_claim, conflict_statement, label_conflicts
from .costs import sweep_cost


def _split(name: str, summary) -> SplitInfo:
    """A split (`SplitSummary`, which names no source) or an extra set (`EvalSetSummary`)."""
    return SplitInfo(name=name, n=int(summary.n or 0), class_counts=dict(summary.class_counts or {}),
                     source=getattr(summary, "source", None))


def _duplicates(dup: Duplicates | None) -> DuplicateCounts | None:
    if dup is None or not dup.to_dict():
        return None
    pairs: list[NearPair] = list(dup.near_pairs or [])
    confirmed = [p for p in pairs if p.counts_as_confirmed()]  # before 1.1 every pair was grouped
    return DuplicateCounts(exact_groups=int(dup.exact_groups or 0), exact_files=int(dup.exact_files or 0),
                      near_pairs=pairs, near_threshold=dup.near_threshold, hash=dup.hash,
                      cross_split_pairs=sum(1 for p in confirmed if p.cross_split),
                      confirmed=confirmed,
                      unconfirmed=[p for p in pairs if not p.counts_as_confirmed()],
                      mode=dup.near_mode, confirm_method=dup.confirm_method, confirm_threshold=dup.confirm_threshold,
                      confirm_max_difference=dup.confirm_max_difference)


def _data(record: RunRecord, run_path: Path | None = None) -> TrainingData:
    data = record.data
    order = {"train": 0, "val": 1, "validation": 1, "test": 2}
    splits = [_split(k, v) for k, v in sorted(data.splits.items(), key=lambda kv: (order.get(kv[0], 9), kv[0]))]
    eval_sets = [_split(k, v) for k, v in sorted((data.eval_sets or {}).items())]
    return TrainingData(
        source=data.source, description=data.description, license=data.license,
        root=data.root, content_hash=data.content_hash, n_files=data.n_files,
        split_method=data.split_method, split_fractions=data.split_fractions,
        split_seed=data.split_seed, splits=splits, eval_sets=eval_sets, class_names=list(data.class_names),
        skipped_files=sorted(data.skipped_files or [], key=lambda f: f.path),
        ignored_files=data.ignored_files, duplicates=_duplicates(data.duplicates), left_out=left_out(data),
        **_conflicts(record, run_path),
    )


def _conflicts(record: RunRecord, run_path: Path | None) -> dict:
    """The certain label conflicts, the test accuracy ceiling and their sentence (`conflicts.py`)."""
    if run_path is None:
        return {}
    found = label_conflicts(record, run_path)
    test = record.data.splits.get("test")
    top = ceiling_claim(found, int(test.n) if test is not None and test.n else None)
    unit = "samples" if record.created_by == "record" else "images"
    return {"label_conflicts": found, "accuracy_ceiling": top, "conflict_note": conflict_statement(found, top, unit)}


_HYPER_KEYS = ("mode", "optimizer", "learning_rate", "batch_size", "epochs_requested", "epochs_run", "best_epoch",
               "seed")


def preprocessing_words(record: RunRecord) -> str | None:
    """Where each step of the preprocessing happens, said once: the caller's steps, then the saved model's
    own (record 1.3 `model.preprocessing_in_model`); older train records say the whole pipeline and that the
    record does not tell which steps the model does itself."""
    model = record.model
    if model is None or not model.preprocessing:
        return None
    inside = model.preprocessing_in_model
    if inside and model.preprocessing.endswith(inside):
        before = model.preprocessing[: -len(inside)].rstrip(", ")
        return (f"Before the model (the caller's code, as How to Get Started shows): {before}. Inside the saved "
                f"model, its first layers: {inside}. So the model takes raw 0-255 RGB pixels: do not rescale them "
                "yourself.")
    if record.created_by == "train":
        return (f"{model.preprocessing} (this record, made before 1.3, does not say which of these steps the "
                "saved model does itself).")
    return model.preprocessing


def training_details(record: RunRecord, sweep_members: list[Member] | None, run_path: Path | None = None) -> TrainingDetails:
    training, model = record.training, record.model
    hyper = {k: getattr(training, k) for k in _HYPER_KEYS if training is not None and getattr(training, k) is not None}
    head = model.head.to_dict() if model is not None and model.head is not None else {}
    if head:
        hyper.update({f"head_{k}": v for k, v in sorted(head.items())})
    return TrainingDetails(
        trained_here=training is not None, data=_data(record, run_path), preprocessing=preprocessing_words(record),
        hyperparameters=hyper, config=dict(sorted(record.config.items())),
        history={k: list(v) for k, v in sorted(((training.history if training else None) or {}).items())},
        timings=dict(sorted(((training.timings if training else None) or {}).items())),
        efficiency={**shown_efficiency(record.efficiency), **_speed_basis(record)},
        total_params=model.total_params if model else None, trainable_params=model.trainable_params if model else None,
        file_bytes=model.file_bytes if model else None, file_sha256=model.file_sha256 if model else None,
        command_line=list(record.command_line), sweep=_sweep(record, sweep_members),
        stopped_too_early=stopped_too_early_note(training),
    )


def stopped_too_early_note(training: Training | None) -> str | None:
    """The card's sentence when the record says the fit may have stopped too early (else None)."""
    if training is None or not training.may_have_stopped_too_early:
        return None
    best, accuracy = training.best_epoch, (training.history or {}).get("val_accuracy") or []
    rise = (f" (from {accuracy[-2]:.3f} at epoch {len(accuracy) - 1} to {accuracy[-1]:.3f} at epoch {len(accuracy)})"
            if len(accuracy) >= 2 and None not in accuracy[-2:] else "")
    return (f"The fit may have stopped too early: the kept epoch ({best}) is the last one allowed "
            f"(`epochs` {training.epochs_requested}) and validation accuracy was still rising{rise}. "
            "Training for more epochs might give a better model.")


def _member_interval(member: Member, record: RunRecord) -> str | None:
    """How a member's test-accuracy interval was computed, in words: the row's own
    `test_accuracy_interval`; for this run's row, its evaluation's; rows of 1.0 records (which
    had no such field): the percentile bootstrap; otherwise not recorded."""
    test = member.test_accuracy
    if not isinstance(test, Metric) or test.ci_low is None:
        return None
    if member.test_accuracy_interval:
        return method_label(member.test_accuracy_interval)
    own = record.evaluation("test")
    if member.run_id == record.run_id and own:
        accuracy = own.metric("accuracy")
        return method_label(accuracy.method if accuracy is not None else None)
    return method_label("percentile_bootstrap") if record.schema_version == "1.0" else "method not recorded"


def _member_method(member: Member, record: RunRecord) -> str | None:
    """The method id of a member's test-accuracy interval: the row's own, this run's evaluation's, or a 1.0
    record's percentile bootstrap; None when not recorded."""
    if member.test_accuracy_interval:
        return member.test_accuracy_interval
    own = record.evaluation("test") if member.run_id == record.run_id else None
    if own is not None and (accuracy := own.metric("accuracy")) is not None:
        return accuracy.method
    return "percentile_bootstrap" if record.schema_version == "1.0" else None


def own_test(record: RunRecord) -> int | None:
    """The size of this run's own test set when it has an accuracy (its configuration row is that accuracy)."""
    test = record.evaluation("test")
    return test.n_samples if test is not None and test.metric("accuracy") is not None else None


VAL_WHY = "each configuration's validation scores (they chose the configuration; validation data is not evaluation data)"


def _val_claim(m: Member):
    return figure_claim(f"config.{m.run_id}.val_accuracy", "validation", "val_accuracy", m.val_accuracy, "share",
                        no_interval=VAL_WHY) if m.val_accuracy is not None else None


def config_accuracy(run_id: str, m, method: str | None, own_n: int | None = None):
    """One configuration's test accuracy as a claim (the sweep table and the comparison print this one); the
    run's own row is the run's test accuracy (`same_as`), which the consistency check holds it to."""
    if not isinstance(m, Metric) and not hasattr(m, "ci_low"):
        return None
    return metric_claim(f"config.{run_id}.test_accuracy", "test", "accuracy", m, method=method, level=0.95,
                        n=own_n, same_as="test.accuracy" if own_n is not None else None,
                        no_interval="test accuracies of configurations whose record holds none")


def sweep_claims(training: TrainingDetails) -> list:
    """Each configuration's validation and test accuracy, and the test accuracy ceiling of label conflicts."""
    sweep = training.sweep
    ceiling = [training.data.accuracy_ceiling] if training.data.accuracy_ceiling is not None else []
    if sweep is None:
        return ceiling
    return ceiling + [c for m in sweep.members for c in (m.val_accuracy, m.test_accuracy) if c is not None]


def _sweep(record: RunRecord, sweep_members: list[Member] | None) -> SweepTable | None:
    sweep = record.sweep
    if sweep is None or not sweep.to_dict():
        return None
    members = sweep_members if sweep_members is not None else sweep.members
    names = sorted({k for m in members for k in m.parameters or {}} | set(sweep.parameters))
    rows = []
    for m in members:
        this = m.run_id == record.run_id
        selected = bool(m.selected) or (this and bool(sweep.selected))
        rows.append(SweepMember(run_id=m.run_id, parameters=dict(m.parameters or {}), status=m.status,
                                val_accuracy=_val_claim(m), val_loss=m.val_loss,
                                test_accuracy=config_accuracy(m.run_id, m.test_accuracy, _member_method(m, record),
                                                              own_test(record) if this else None),
                                fit_s=m.fit_s, epochs_run=m.epochs_run, selected=selected, this_run=this,
                                fit_cost=m.fit_cost,
                                test_accuracy_interval=_member_interval(m, record)))
    return SweepTable(sweep_id=sweep.sweep_id, parameter_names=names, selection_rule=sweep.selection_rule, members=rows,
                 cost=sweep_cost(record, members))


# Efficiency keys the Speeds table leaves out: shown elsewhere (parameters, file size; `shared`
# as words by `_speed_basis`), or the older spelling of a figure the record also holds under its 1.1 name.
_SHOWN_ELSEWHERE = ("model_file_bytes", "total_params", "trainable_params", "shared")


def images_per_epoch(record: RunRecord) -> tuple[int | None, int | None]:
    """(training images one epoch used, training images in the split). Recorded since 1.2
    (`training.images_per_epoch`); derived as floor(n / batch) x batch when the record says the last
    partial batch was dropped (`drop_remainder`); (None, n) when the record does not say."""
    training = record.training
    train = record.data.splits.get("train")
    n = train.n if train is not None else None
    if training is None:
        return None, n
    if isinstance(training.images_per_epoch, int):
        return training.images_per_epoch, n
    batch = training.batch_size
    if training.drop_remainder and n and batch:
        return (n // batch) * batch if n >= batch else n, n
    return None, n


def _speed_basis(record: RunRecord) -> dict:
    """The Speeds rows that say what the figures stand on: images per epoch, and what is shared."""
    rows = {}
    if record.training is not None and record.efficiency_fact("train_images_per_s").measured:
        used, n = images_per_epoch(record)
        dropped = record.training.drop_remainder
        if used is not None:
            rows["images_per_epoch"] = f"{used:,} of {n:,}" + (
                " (the last partial batch of each epoch is dropped)" if dropped and n and used < n else "")
        else:
            rows["images_per_epoch"] = (f"not recorded (the training speed counts all {n:,} training images of each "
                                        "epoch; the fit may have used fewer, as it can drop the last partial batch)"
                                        if n else "not recorded")
    shared = record.shared_efficiency()
    if shared:
        rows["shared"] = "; ".join(f"{QUANTITIES.get(k, (k,))[0]}: {shared_words(v)}" for k, v in shared.items())
    return rows


def shown_efficiency(efficiency: Efficiency | None) -> dict:
    """The efficiency entries for the Speeds table, sorted, without duplicates."""
    if efficiency is None:
        return {}
    shown = {k: v for k, v in efficiency.to_dict().items() if k not in _SHOWN_ELSEWHERE}
    latency = efficiency.latency_ms_batch1
    if latency and (not isinstance(latency, Latency) or latency.to_dict()):
        shown.pop("latency_ms_per_image", None)
    batch32 = efficiency.throughput_images_per_s_batch32
    if batch32 is not None and efficiency.predict_images_per_s == batch32:
        shown.pop("predict_images_per_s")
    if efficiency.measured_on_run is None:
        shown.pop("measured_on_run", None)
    return dict(sorted(shown.items()))


COVERAGE = (
    CoverageItem("hf.training_data", "hf", "Training Details / Training Data", "The data the model was trained on",
                 where="Training Details / Training Data", measured=("training_data",)),
    CoverageItem("hf.preprocessing", "hf", "Training Details / Preprocessing", "How inputs were prepared",
                 where="Training Details / Training Procedure", measured=("preprocessing",)),
    CoverageItem("hf.hyperparameters", "hf", "Training Details / Training Hyperparameters",
                 "The training regime and its settings",
                 where="Training Details / Training Procedure", measured=("hyperparameters",)),
    CoverageItem("hf.speeds", "hf", "Training Details / Speeds, Sizes, Times", "Throughput, duration, model size",
                 where="Training Details / Speeds, Sizes, Times", measured=("speeds",)),
    CoverageItem("aiv.2d.data", "annex_iv", "2(d)",
                 "The training data: what it is, where it came from, its scope and main characteristics",
                 where="Training Details / Training Data", measured=("training_data",), human=("data.description",)),
    CoverageItem("aiv.2d.selection", "annex_iv", "2(d)", "How the data was obtained and selected",
                 where="Training Details / Training Data", human=("data.collection",)),
    CoverageItem("aiv.2d.labelling", "annex_iv", "2(d)", "How the data was labelled",
                 where="Training Details / Training Data", human=("data.collection",)),
    CoverageItem("aiv.2d.cleaning", "annex_iv", "2(d)", "How the data was cleaned (duplicates, broken files, outliers)",
                 where="Training Details / Training Data", measured=("data_cleaning",)),
    CoverageItem("aiv.3.input", "annex_iv", "3", "Specifications of the input data",
                 where="Training Details / Preprocessing", measured=("preprocessing",)),
)

SECTION = SectionSpec(
    "training", order=80, build=lambda x: training_details(x.record, x.sweep_members, x.run_path), attr="training", part=TrainingDetails,
    claims=lambda c: sweep_claims(c.training),
    headings=(Heading("Training Details", (), lambda c: bool(c.training.data.source)),),
    probes={
        "training_data": lambda c: bool(c.training.data.splits or c.training.data.n_files
                                        or c.training.data.content_hash),
        "preprocessing": lambda c: bool(c.training.preprocessing),
        "hyperparameters": lambda c: bool(c.training.trained_here and c.training.hyperparameters),
        "speeds": lambda c: bool(any(v is not None for v in c.training.timings.values())
                                 or any(v is not None for v in c.training.efficiency.values())
                                 or c.training.file_bytes),
        "data_cleaning": lambda c: c.training.data.duplicates is not None,
    },
    coverage=COVERAGE)
