"""Training Details: data and splits, hyperparameters, history, sweep table."""

from __future__ import annotations

from ...record.intervals import metric_interval_method
from ...record.measured import shared_efficiency, shared_words
from ..formatting import QUANTITIES
from ..intervals import method_label
from ..parts import Duplicates, Sweep, SweepMember, SplitInfo, TrainingData, TrainingDetails
from ..section_spec import CoverageItem, Heading, Section
from .common import metric_from
from .costs import sweep_cost


def _split(name: str, summary: dict, source: str | None = None) -> SplitInfo:
    return SplitInfo(name=name, n=int(summary.get("n", 0)), class_counts=dict(summary.get("class_counts", {})),
                     source=source if source is not None else summary.get("source"))


def _data(record: dict) -> TrainingData:
    data = record["data"]
    dup = data.get("duplicates")
    duplicates = None
    if dup:
        pairs = list(dup.get("near_pairs") or [])
        confirmed = [p for p in pairs if p.get("confirmed", True)]  # before 1.1 every pair was grouped
        duplicates = Duplicates(exact_groups=int(dup.get("exact_groups") or 0),
                                exact_files=int(dup.get("exact_files") or 0), near_pairs=pairs,
                                near_threshold=dup.get("near_threshold"), hash=dup.get("hash"),
                                cross_split_pairs=sum(1 for p in confirmed if p.get("cross_split")),
                                confirmed=confirmed, unconfirmed=[p for p in pairs if not p.get("confirmed", True)],
                                mode=dup.get("near_mode"), confirm_method=dup.get("confirm_method"),
                                confirm_threshold=dup.get("confirm_threshold"),
                                confirm_max_difference=dup.get("confirm_max_difference"))
    order = {"train": 0, "val": 1, "validation": 1, "test": 2}
    splits = [_split(k, v) for k, v in sorted(data["splits"].items(), key=lambda kv: (order.get(kv[0], 9), kv[0]))]
    eval_sets = [_split(k, v) for k, v in sorted((data.get("eval_sets") or {}).items())]
    return TrainingData(
        source=data["source"], description=data.get("description"), license=data.get("license"),
        root=data.get("root"), content_hash=data.get("content_hash"), n_files=data.get("n_files"),
        split_method=data.get("split_method"), split_fractions=data.get("split_fractions"),
        split_seed=data.get("split_seed"), splits=splits, eval_sets=eval_sets, class_names=list(data["class_names"]),
        skipped_files=sorted(data.get("skipped_files") or [], key=lambda f: f["path"]),
        ignored_files=data.get("ignored_files"), duplicates=duplicates,
    )


def training_details(record: dict, sweep_members: list[dict] | None) -> TrainingDetails:
    training = record["training"] or {}
    model = record["model"] or {}
    hyper_keys = ("mode", "optimizer", "learning_rate", "batch_size", "epochs_requested", "epochs_run", "best_epoch",
                  "seed")
    hyper = {k: training[k] for k in hyper_keys if training.get(k) is not None}
    if model.get("head"):
        hyper.update({f"head_{k}": v for k, v in sorted(model["head"].items())})
    return TrainingDetails(
        trained_here=record["training"] is not None, data=_data(record), preprocessing=model.get("preprocessing"),
        hyperparameters=hyper, config=dict(sorted(record["config"].items())),
        history={k: list(v) for k, v in sorted((training.get("history") or {}).items())},
        timings=dict(sorted((training.get("timings") or {}).items())),
        efficiency={**shown_efficiency(record.get("efficiency") or {}), **_speed_basis(record)},
        total_params=model.get("total_params"), trainable_params=model.get("trainable_params"),
        file_bytes=model.get("file_bytes"), file_sha256=model.get("file_sha256"),
        command_line=list(record["command_line"]), sweep=_sweep(record, sweep_members),
        stopped_too_early=stopped_too_early_note(training),
    )


def stopped_too_early_note(training: dict) -> str | None:
    """The card's sentence when the record says the fit may have stopped too early (else None)."""
    if not training.get("may_have_stopped_too_early"):
        return None
    best, accuracy = training.get("best_epoch"), training.get("history", {}).get("val_accuracy") or []
    rise = (f" (from {accuracy[-2]:.3f} at epoch {len(accuracy) - 1} to {accuracy[-1]:.3f} at epoch {len(accuracy)})"
            if len(accuracy) >= 2 and None not in accuracy[-2:] else "")
    return (f"The fit may have stopped too early: the kept epoch ({best}) is the last one allowed "
            f"(`epochs` {training.get('epochs_requested')}) and validation accuracy was still rising{rise}. "
            "Training for more epochs might give a better model.")


def _member_interval(member: dict, test, record: dict) -> str | None:
    """How a member's test-accuracy interval was computed, in words: the row's own
    `test_accuracy_interval`; for this run's row, its evaluation's; rows of 1.0 records (which
    had no such field): the percentile bootstrap; otherwise not recorded."""
    if not isinstance(test, dict) or test.get("ci_low") is None:
        return None
    if member.get("test_accuracy_interval"):
        return method_label(member["test_accuracy_interval"])
    own = (record.get("evaluations") or {}).get("test")
    if member["run_id"] == record["run_id"] and own:
        return method_label(metric_interval_method(own, "accuracy"))
    return method_label("percentile_bootstrap") if record["schema_version"] == "1.0" else "method not recorded"


def _sweep(record: dict, sweep_members: list[dict] | None) -> Sweep | None:
    sweep = record.get("sweep")
    if not sweep:
        return None
    members = sweep_members if sweep_members is not None else sweep["members"]
    names = sorted({k for m in members for k in m.get("parameters", {})} | set(sweep["parameters"]))
    rows = []
    for m in members:
        this = m["run_id"] == record["run_id"]
        selected = bool(m.get("selected")) or (this and bool(sweep.get("selected")))
        test = m.get("test_accuracy")
        rows.append(SweepMember(run_id=m["run_id"], parameters=dict(m.get("parameters", {})), status=m.get("status"),
                                val_accuracy=m.get("val_accuracy"), val_loss=m.get("val_loss"),
                                test_accuracy=metric_from(test) if isinstance(test, dict) else None,
                                fit_s=m.get("fit_s"), epochs_run=m.get("epochs_run"), selected=selected, this_run=this,
                                fit_cost=m.get("fit_cost"), test_accuracy_interval=_member_interval(m, test, record)))
    return Sweep(sweep_id=sweep["sweep_id"], parameter_names=names, selection_rule=sweep["selection_rule"], members=rows,
                 cost=sweep_cost(record, members))


# Efficiency keys the Speeds table leaves out: shown elsewhere (parameters, file size; `shared`
# as words by `_speed_basis`), or the older spelling of a figure the record also holds under its 1.1 name.
_SHOWN_ELSEWHERE = ("model_file_bytes", "total_params", "trainable_params", "shared")


def images_per_epoch(record: dict) -> tuple[int | None, int | None]:
    """(training images one epoch used, training images in the split). Recorded since 1.2
    (`training.images_per_epoch`); derived as floor(n / batch) x batch when the record says the last
    partial batch was dropped (`drop_remainder`); (None, n) when the record does not say."""
    training = record["training"] or {}
    n = (record["data"]["splits"].get("train") or {}).get("n")
    if isinstance(training.get("images_per_epoch"), int):
        return training["images_per_epoch"], n
    batch = training.get("batch_size")
    if training.get("drop_remainder") and n and batch:
        return (n // batch) * batch if n >= batch else n, n
    return None, n


def _speed_basis(record: dict) -> dict:
    """The Speeds rows that say what the figures stand on: images per epoch, and what is shared."""
    rows = {}
    if record["training"] and (record.get("efficiency") or {}).get("train_images_per_s") is not None:
        used, n = images_per_epoch(record)
        dropped = (record["training"] or {}).get("drop_remainder")
        if used is not None:
            rows["images_per_epoch"] = f"{used:,} of {n:,}" + (
                " (the last partial batch of each epoch is dropped)" if dropped and n and used < n else "")
        else:
            rows["images_per_epoch"] = (f"not recorded (the training speed counts all {n:,} training images of each "
                                        "epoch; the fit may have used fewer, as it can drop the last partial batch)"
                                        if n else "not recorded")
    shared = shared_efficiency(record)
    if shared:
        rows["shared"] = "; ".join(f"{QUANTITIES.get(k, (k,))[0]}: {shared_words(v)}" for k, v in shared.items())
    return rows


def shown_efficiency(efficiency: dict) -> dict:
    """The efficiency entries for the Speeds table, sorted, without duplicates."""
    shown = {k: v for k, v in efficiency.items() if k not in _SHOWN_ELSEWHERE}
    if shown.get("latency_ms_batch1"):
        shown.pop("latency_ms_per_image", None)
    if shown.get("throughput_images_per_s_batch32") is not None and \
            shown.get("predict_images_per_s") == shown["throughput_images_per_s_batch32"]:
        shown.pop("predict_images_per_s")
    if shown.get("measured_on_run") is None:
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

SECTION = Section(
    "training", build=training_details, attr="training",
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
