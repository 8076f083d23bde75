"""Training Details: data and splits, hyperparameters, history, sweep table."""

from __future__ import annotations

from ..intervals import method_label
from ..model import Duplicates, Sweep, SweepMember, SplitInfo, TrainingData, TrainingDetails
from .common import metric_from


def _split(name: str, summary: dict, source: str | None = None) -> SplitInfo:
    return SplitInfo(name=name, n=int(summary.get("n", 0)), class_counts=dict(summary.get("class_counts", {})),
                     source=source if source is not None else summary.get("source"))


def _data(record: dict) -> TrainingData:
    data = record["data"]
    dup = data.get("duplicates")
    duplicates = None
    if dup:
        pairs = list(dup.get("near_pairs") or [])
        duplicates = Duplicates(exact_groups=int(dup.get("exact_groups") or 0),
                                exact_files=int(dup.get("exact_files") or 0), near_pairs=pairs,
                                near_threshold=dup.get("near_threshold"), hash=dup.get("hash"),
                                cross_split_pairs=sum(1 for p in pairs if p.get("cross_split")))
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
        efficiency=dict(sorted((record.get("efficiency") or {}).items())),
        total_params=model.get("total_params"), trainable_params=model.get("trainable_params"),
        file_bytes=model.get("file_bytes"), file_sha256=model.get("file_sha256"),
        command_line=list(record["command_line"]), sweep=_sweep(record, sweep_members),
    )


def _member_interval(member: dict, test) -> str | None:
    """How a member's test-accuracy interval was computed, in words (rows before 1.1: percentile bootstrap)."""
    if not isinstance(test, dict) or test.get("ci_low") is None:
        return None
    return method_label(member.get("test_accuracy_interval", "percentile_bootstrap"))


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
                                test_accuracy_interval=_member_interval(m, test)))
    return Sweep(sweep_id=sweep["sweep_id"], parameter_names=names, selection_rule=sweep["selection_rule"], members=rows)
