"""`modelcard train`: load data, train one configuration or a sweep, evaluate, record.

Order of work, and why:
1. Config, backbone spec, sweep grid and data are checked before any run folder exists, so a
   user mistake leaves nothing behind in `runs/`.
2. Every configuration's run folder is opened at once (`open_run`, status `running`), so
   Ctrl-C or a crash anywhere marks all of them `interrupted`/`failed` with what was done.
3. Head mode extracts backbone features once per split (cached on disk) and fits only a small
   head per configuration; finetune mode trains each configuration end to end.
4. The selection rule picks one member: it alone gets the full `model.keras`; the others keep
   their head weights. Every member then records the whole sweep table.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from modelcard.errors import UserError
from modelcard.record import RunWriter, open_run
from modelcard.record.sweep_table import member_row

from . import sweep as sweeps
from .backbones import BackboneSpec, build_backbone, check_weights_available, count_params
from .collectors import EmissionsCollector, collect_hardware, emissions_phase, guarded
from .config import TrainConfig
from .data import Dataset, load_eval_set, parse_eval_set_option, resolve_source
from .data.sources import DEFAULT_SEED, default_cache_dir
from .data_card import DataCardCollector
from .evaluation import record_evaluation, slice_attributes
from .examples import record_examples
from .features import FeatureKey, cache_root, extract, samples_digest, weights_id
from .worker_steps import cluster_emissions, cluster_hardware, for_this_worker, shared_split_features
from .finetune import fit_end_to_end
from .fit import FitResult, epoch_usage, fit_head
from .full_model import build_extractor, build_full_model, preprocessing_text, save_model_atomic
from .metadata import Metadata, load_metadata, unmatched_warning
from .progress import about, detail, log, log_timing_model
from .robustness import run_robustness
from .run_sections import data_section, model_section, training_section, write_history
from .seeds import record_seeds_and_cv

EXTRACT_BATCH = 32  # fixed, so cached features do not depend on the training batch size
MODEL_FILE = "model.keras"
HEAD_WEIGHTS_FILE = "head.weights.h5"
RANDOM_WEIGHTS_WARNING = ("no pretrained weights were used (--weights none): the backbone is random, "
                          "so these results say nothing about a real model")


@dataclass
class LoadedData:
    """The training data and the extra evaluation sets, loaded and checked."""

    dataset: Dataset
    eval_sets: dict[str, Dataset]
    data_cache: Path
    metadata: Metadata | None = None  # `--metadata` CSV, checked before any run folder exists

    def evaluation_sets(self) -> dict[str, tuple[Dataset, str, str]]:
        """{record set name: (dataset, split, source text)}: `test` first, then the extras."""
        sets = {"test": (self.dataset, "test", "test split")}
        for name, ds in sorted(self.eval_sets.items()):
            sets[name] = (ds, "eval", f"eval set {ds.root}")
        return sets

    def inputs(self, dataset: Dataset, split: str) -> tuple[list[str], np.ndarray]:
        paths, labels = dataset.tf_inputs(split, self.data_cache)
        return paths, np.asarray(labels, dtype=np.int64)


@dataclass
class Member:
    """One configuration of the run (a sweep has several; a plain run has one)."""

    index: int
    parameters: dict
    config: TrainConfig
    writer: RunWriter
    result: FitResult | None = None
    head: object = None
    extractor: object = None
    timings: dict = field(default_factory=dict)
    train_ips: float | None = None
    spec: BackboneSpec | None = None  # its backbone, width, input size, weights (a sweep may vary them)
    inference: dict | None = None  # energy per 1,000 predictions of its saved model (model_cost)
    label: str = ""  # "[3/8] optimizer=sgd batch_size=32" in a sweep, "" alone: names its progress lines

    def metric(self, name: str) -> float | None:
        return None if self.result is None else self.result.best.get(name)


def load_data(config: TrainConfig) -> LoadedData:
    """Resolve `--data` and every `--eval-set` (UserError before anything is written)."""
    metadata = load_metadata(config.metadata) if config.metadata else None
    data_cache = default_cache_dir()
    dataset = resolve_source(config.data, seed=DEFAULT_SEED, cache_dir=data_cache, near_duplicates=config.near_duplicates)
    for split in ("train", "val", "test"):
        if not dataset.splits.get(split):
            raise UserError(f"the {split} split of --data {config.data} is empty; add images (a few per class at least)")
    eval_sets = {name: load_eval_set(name, Path(directory), dataset.class_names)
                 for name, directory in sorted(config.eval_sets.items())}
    return LoadedData(dataset, eval_sets, data_cache, metadata)


def base_name(config: TrainConfig, dataset: Dataset) -> str:
    if config.name:
        return config.name
    source = Path(dataset.source).name if dataset.source not in ("demo",) else "demo"
    return f"{source.replace(':', '-') or 'data'}-{config.backbone}"


SHORT = {"batch_size": "bs", "learning_rate": "lr", "dropout": "dropout", "epochs": "ep", "patience": "pat",
         "seed": "seed", "momentum": "mom", "finetune_blocks": "ftb", "input_size": "px"}


def member_name(base: str, parameters: dict) -> str:
    """`demo-mobilenetv2-adam-bs32`: distinct per member, so cards do not overwrite each other."""
    parts = [str(v) if k in ("optimizer", "backbone") else f"{SHORT.get(k, k)}{v}" for k, v in parameters.items()]
    return "-".join([base, *parts])


def train(config: TrainConfig, runs_dir: Path, command_line: list[str]) -> list[Path]:
    """Run `modelcard train` for `config`; returns the run folders (selected one first)."""
    rule = sweeps.SelectionRule.parse(config.select)
    spec = BackboneSpec(config.backbone, config.alpha, config.input_size, config.weights)
    for name, directory in config.eval_sets.items():
        parse_eval_set_option(f"{name}={directory}")
    grid = sweeps.expand(config)
    member_cfgs = [sweeps.member_config(config, parameters) for parameters in grid]
    specs = [BackboneSpec(c.backbone, c.alpha, c.input_size, c.weights) for c in member_cfgs]  # checked up front
    for unique in dict.fromkeys(specs):
        check_weights_available(unique)
    with for_this_worker(config.strategy, runs_dir) as (runs_dir, keep):  # multiworker: only the chief keeps runs
        with EmissionsCollector(config.country_iso_code) as emissions:  # one tracker, a phase per stage
            with emissions_phase("data_scan"):
                data = load_data(config)
            paths = _train_sweep(config, runs_dir, command_line, rule, spec, grid, member_cfgs, specs, data, emissions)
        return paths if keep else []


def _train_sweep(config: TrainConfig, runs_dir: Path, command_line: list[str], rule, spec: BackboneSpec,
                 grid: list[dict], member_cfgs: list[TrainConfig], specs: list[BackboneSpec], data: LoadedData,
                 emissions: EmissionsCollector) -> list[Path]:
    """Open a run per configuration, train them all, pick one, record (inside `emissions`)."""
    from .distribute import describe, make_strategy

    strategy = make_strategy(config.strategy)
    distribution = describe(config.strategy, strategy)
    hardware_warnings: list[str] = []
    hardware = cluster_hardware(guarded("hardware", collect_hardware, warnings=hardware_warnings))
    sweep_id = sweeps.new_sweep_id() if len(grid) > 1 else None
    base = base_name(config, data.dataset)
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        members = []
        for index, (parameters, member_cfg) in enumerate(zip(grid, member_cfgs)):
            name = member_name(base, parameters) if sweep_id else base
            writer = stack.enter_context(open_run(runs_dir, name, "train", command_line=command_line,
                                                  config=member_cfg.to_dict()))
            writer.record["data"] = data_section(data.dataset, data.eval_sets)
            writer.record["hardware"] = hardware
            writer.record["warnings"].extend(hardware_warnings + data.dataset.warnings)  # dataset: split balance
            if spec.weights == "none":
                writer.record["warnings"].append(RANDOM_WEIGHTS_WARNING)
            if unmatched := unmatched_warning(data.metadata, [data.dataset, *data.eval_sets.values()]):
                writer.record["warnings"].append(unmatched)
            if sweep_id:
                writer.record["sweep"] = {"sweep_id": sweep_id, "index": index, "parameters": parameters,
                                          "selected": None, "selection_rule": str(rule), "members": []}
            writer.save()
            members.append(Member(index, parameters, member_cfg, writer, spec=specs[index]))
        for member in members:
            member.label = sweeps.member_label(member, len(members))
        detail(f"runs: {', '.join(m.writer.run_id for m in members)}")
        chosen = _train_by_backbone(config, data, members, distribution, rule)  # fits enter the strategy's scope
        emissions.stop()
        _record_emissions(members, emissions)
        _record_sweep(members, chosen, rule, sweep_id)
        log(sweeps.selection_line(rule, members, chosen, time.perf_counter() - started))
    return [chosen.writer.path] + [m.writer.path for m in members if m is not chosen]


def data_card_collector(dataset: Dataset, config: TrainConfig) -> DataCardCollector:
    """The data card of the training data (composition and cleanvision collected here, once)."""
    collector = DataCardCollector(dataset.splits, dataset.class_names, dataset.summary()["duplicates"],
                                  created_by="train", label_issues=config.label_issues != "none", seed=config.seed)
    collector.collect()
    return collector


def _train_by_backbone(config: TrainConfig, data: LoadedData, members: list[Member], distribution: dict,
                       rule: sweeps.SelectionRule) -> Member:
    """Members with the same backbone spec share one engine (one feature extraction in head mode);
    a sweep over backbones or input sizes gets one engine per spec, and each spec's best member
    keeps its full model (so every backbone's latency and size are measured). Returns the chosen one."""
    groups: dict[BackboneSpec, list[Member]] = {}
    for member in members:
        groups.setdefault(member.spec, []).append(member)
    engine_class = HeadEngine if config.mode == "head" else FinetuneEngine
    with emissions_phase("data_card"):
        data_card = data_card_collector(data.dataset, config)
    engines = {}
    for spec, group in groups.items():
        engine = engines[spec] = engine_class(config, spec, data)
        if not config.cv:  # with --cv its out-of-fold predictions give the train-side label issues
            with emissions_phase("data_card", subject="label_issues"):  # K-fold heads on this spec's features
                data_card.measure_train(engine.train_features, engine.features_note)
        for member in group:
            with about(member.label):
                engine.train_member(member, distribution)
                data_card.write(member.writer)
        engine.finish(group, group[sweeps.choose_member(rule, group)])
    chosen = members[sweeps.choose_member(rule, members)]
    record_seeds_and_cv(engines[chosen.spec], chosen, members, data_card)  # --seeds, --cv on the chosen one
    return chosen


def _record_emissions(members: list[Member], emissions) -> None:
    """The whole sweep's emissions, phase by phase, in every member; its inference cost in the
    members that measured one. Without phases (task API failed) the old whole-sweep warning."""
    from modelcard.record.phase_costs import shared_cost

    from .model_cost import inference_section

    cluster_warnings: list[str] = []
    result = cluster_emissions(emissions.result(), cluster_warnings)  # a cluster: every worker's energy
    shared = None if result is None else shared_cost({"emissions": result})
    for member in members:
        member.writer.record["emissions"] = None if result is None else {
            **result, "inference": inference_section(member.inference, result), "shared_cost": shared,
            "scope": "sweep" if len(members) > 1 else "run"}
        if emissions.warning:
            member.writer.record["warnings"].append(emissions.warning)
        member.writer.record["warnings"].extend(cluster_warnings)
        if result is not None and not result.get("phases") and len(members) > 1:
            member.writer.record["warnings"].append(
                f"emissions cover the whole sweep of {len(members)} configurations (shared data loading and feature extraction included)")


def _record_sweep(members: list[Member], chosen: Member, rule, sweep_id: str | None) -> None:
    table = [member_row(m.writer.record, m.parameters, status="complete", selected=m is chosen) for m in members]
    for member in members:
        if sweep_id:
            member.writer.record["sweep"].update(selected=member is chosen, members=table, **sweeps.selection_facts(rule, table))
        sweeps.mark_shared(member.writer.record, len(members))
        member.writer.save()


class HeadEngine:
    """Head mode: a frozen backbone, features extracted once per split, a head fit per member."""

    features_note = None

    def __init__(self, config: TrainConfig, spec: BackboneSpec, data: LoadedData):
        import keras

        self.config, self.spec, self.data = config, spec, data
        keras.utils.set_random_seed(config.seed)  # a random backbone (--weights none) follows the seed
        backbone, info = build_backbone(spec)
        backbone.trainable = False
        self.weights = info.to_dict()
        self.extractor = build_extractor(backbone, spec.name, spec.input_size)
        self.preprocessing = preprocessing_text(spec.name, spec.input_size)
        wid = weights_id(info.sha256, info.source, config.seed)
        root = cache_root(config.cache_dir) if config.feature_cache else None
        start = time.perf_counter()
        self.features: dict[tuple[str, str], np.ndarray] = {}
        self.from_cache = True
        n_extracted = 0
        sets = [("train", data.dataset, "train"), ("val", data.dataset, "val")]
        sets += [(name, ds, split) for name, (ds, split, _) in data.evaluation_sets().items()]
        for set_name, ds, split in sets:
            paths, _ = data.inputs(ds, split)
            key = FeatureKey(ds.content_hash, split, samples_digest([s.sha256 for s in ds.splits[split]]),
                             spec.name, spec.alpha, wid, spec.input_size, self.preprocessing)
            with emissions_phase("feature_extraction", subject=set_name):
                feats, cached = shared_split_features(key, self.extractor, paths, spec.input_size, EXTRACT_BATCH,
                                                      f"extracting {set_name}", root)  # each worker its share
            if not cached:
                log(f"features for split {set_name!r}: extracted {len(paths)} images")
                n_extracted += len(paths)
            self.from_cache &= cached
            self.features[(set_name, split)] = feats
        self.extract_s = time.perf_counter() - start
        self.extract_ips = n_extracted / self.extract_s if n_extracted and self.extract_s > 0 else None
        self.total_params = count_params(self.extractor)[0]
        self.attributes: dict[str, dict] = {}

    def train_features(self) -> np.ndarray:
        """The training split's cached backbone features (for the data card's K-fold heads)."""
        return self.features[("train", "train")]

    def _xy(self, set_name: str, split: str, ds: Dataset):
        return self.features[(set_name, split)], np.asarray([s.label for s in ds.splits[split]], dtype=np.int64)

    def fit_head(self, cfg: TrainConfig):
        """(head, FitResult): a head fitted on the cached train features with `cfg`, early-stopped on val."""
        ds = self.data.dataset
        return fit_head(*self._xy("train", "train", ds), *self._xy("val", "val", ds), len(ds.class_names), cfg)

    def seed_probs(self, cfg: TrainConfig) -> np.ndarray:
        """Test-split probabilities of a head retrained with `cfg` (`--seeds`)."""
        return self.fit_head(cfg)[0].predict(self.features[("test", "test")], batch_size=256, verbose=0)

    def train_member(self, member: Member, distribution: dict) -> None:
        cfg, ds = member.config, self.data.dataset
        with emissions_phase("fit", run_id=member.writer.run_id):
            head, result = self.fit_head(cfg)
        member.result, member.head = result, head
        record = member.writer.record
        member.timings = {"feature_extraction_s": self.extract_s, "fit_s": result.fit_s}
        record["training"] = training_section(cfg, result, member.timings, distribution,
                                              features_from_cache=self.from_cache, **epoch_usage(len(ds.splits["train"]), cfg.batch_size))
        write_history(member.writer, result.history)
        head_params = count_params(head)
        record["model"] = model_section(self.spec, self.weights, dropout=cfg.dropout, n_classes=len(ds.class_names),
                                        preprocessing=self.preprocessing, total_params=self.total_params + head_params[0],
                                        trainable_params=head_params[1], file_info=None)
        member.writer.save()
        start = time.perf_counter()
        for set_name, (eval_ds, split, source) in self.data.evaluation_sets().items():
            with emissions_phase("evaluation", subject=set_name, run_id=member.writer.run_id):
                x = self.features[(set_name, split)]
                probs = head.predict(x, batch_size=256, verbose=0)
                record_evaluation(member.writer, set_name, eval_ds.splits[split], probs, ds.class_names, source,
                                  attributes=self._attributes(set_name, eval_ds, split))
        member.timings["evaluation_s"] = time.perf_counter() - start
        record["training"]["timings"] = training_section(cfg, result, member.timings, distribution)["timings"]
        from .weights.keras_io import save_weights_atomic

        save_weights_atomic(head, member.writer.path / HEAD_WEIGHTS_FILE)
        record["artifacts"]["head_weights"] = HEAD_WEIGHTS_FILE
        member.writer.save()
        n_train = record["training"]["images_per_epoch"] * result.epochs_run  # the images the fit used
        member.train_ips = n_train / result.fit_s if result.fit_s > 0 else None

    def _attributes(self, set_name: str, ds: Dataset, split: str):
        """Slice attributes of a set, read from the files once for all members."""
        if set_name not in self.attributes:
            self.attributes[set_name] = slice_attributes(ds.splits[split], self.data.metadata)
        return self.attributes[set_name]

    def finish(self, members: list[Member], chosen: Member) -> None:
        """Save the chosen member's full model and record efficiency for every member."""
        full = build_full_model(self.extractor, chosen.head, self.spec.input_size, name=chosen.writer.record["name"])
        with about(chosen.label):
            finish_chosen(chosen, full, self.spec, self.data)
        shared = {k: v for k, v in chosen.writer.record["efficiency"].items() if k != "trainable_params"}
        paths, labels = self.data.inputs(self.data.dataset, "test")
        with emissions_phase("robustness", subject="test"):  # one corrupted set serves every member's head
            results = run_robustness(self.config.robustness, model=self.extractor.predict_on_batch,
                                     heads=[m.head.predict_on_batch for m in members], paths=paths, y_true=labels,
                                     class_names=self.data.dataset.class_names, input_size=self.spec.input_size,
                                     seed=self.config.seed, batch_size=EXTRACT_BATCH)
        for member, result in zip(members, results):
            result.apply(member.writer.record)
        for member in members:
            model = full if member is chosen else build_full_model(self.extractor, member.head, self.spec.input_size)
            with emissions_phase("examples", run_id=member.writer.run_id), about(member.label):
                record_examples(member.writer, self.data.dataset.splits["test"], model, seed=member.config.seed)
            if member is chosen:
                extra = chosen.writer.record["efficiency"]
            else:  # same backbone and head shape: the selected member's model stands for it
                extra = {**shared, "measured_on_run": chosen.writer.run_id, "model_file_bytes": None,
                         "trainable_params": (member.writer.record.get("model") or {}).get("trainable_params")}
            member.writer.record["efficiency"] = efficiency(member, self.extract_ips, extra, self.spec)
            member.writer.save()


class FinetuneEngine:
    """Finetune mode: each member unfreezes the top blocks and trains on augmented images."""

    features_note = "finetune mode: the heads use the frozen backbone's features from before fine-tuning"

    def train_features(self) -> np.ndarray:
        """Features of the frozen backbone before fine-tuning (extracted and cached as head mode does)."""
        return HeadEngine(self.config, self.spec, self.data).train_features()

    def __init__(self, config: TrainConfig, spec: BackboneSpec, data: LoadedData):
        self.config, self.spec, self.data = config, spec, data
        self.preprocessing = preprocessing_text(spec.name, spec.input_size)

    def seed_probs(self, cfg: TrainConfig) -> np.ndarray:
        """Test-split probabilities of the model fine-tuned again with `cfg` (`--seeds`)."""
        paths, _ = self.data.inputs(self.data.dataset, "test")
        model = fit_end_to_end(self.spec, self.data, cfg)[0]
        return extract(model, paths, self.spec.input_size, EXTRACT_BATCH, "predicting test")

    def train_member(self, member: Member, distribution: dict) -> None:
        cfg, ds, size = member.config, self.data.dataset, self.spec.input_size
        n_train = len(ds.splits["train"])
        with emissions_phase("fit", run_id=member.writer.run_id):
            model, head, extractor, result, blocks, info = fit_end_to_end(self.spec, self.data, cfg)
        member.result, member.head, member.extractor = result, head, extractor
        member.timings = {"fit_s": result.fit_s}
        record = member.writer.record
        record["training"] = training_section(cfg, result, member.timings, distribution, unfrozen_blocks=blocks,
                                              **epoch_usage(n_train, cfg.batch_size, drop_remainder=False))
        write_history(member.writer, result.history)
        total, trainable = count_params(model)
        record["model"] = model_section(self.spec, info.to_dict(), dropout=cfg.dropout, n_classes=len(ds.class_names),
                                        preprocessing=self.preprocessing, total_params=total,
                                        trainable_params=trainable, file_info=None)
        record["warnings"].append(f"fine-tuned: the top {len(blocks)} backbone blocks were trained "
                                  f"({', '.join(blocks)}), BatchNorm layers kept frozen; training used "
                                  "random flips, rotations and zooms")
        if info.source == "none" and RANDOM_WEIGHTS_WARNING not in record["warnings"]:
            record["warnings"].append(RANDOM_WEIGHTS_WARNING)
        member.writer.save()
        start = time.perf_counter()
        for set_name, (eval_ds, split, source) in self.data.evaluation_sets().items():
            with emissions_phase("evaluation", subject=set_name, run_id=member.writer.run_id):
                paths, _ = self.data.inputs(eval_ds, split)
                probs = extract(model, paths, size, EXTRACT_BATCH, f"predicting {set_name}")
                record_evaluation(member.writer, set_name, eval_ds.splits[split], probs, ds.class_names, source,
                                  metadata=self.data.metadata)
        member.timings["evaluation_s"] = time.perf_counter() - start
        record["training"]["timings"] = training_section(cfg, result, member.timings, distribution)["timings"]
        test_paths, test_y = self.data.inputs(ds, "test")
        with emissions_phase("robustness", subject="test", run_id=member.writer.run_id):
            run_robustness(cfg.robustness, model=model.predict_on_batch, paths=test_paths, y_true=test_y,
                           class_names=ds.class_names, input_size=size, seed=cfg.seed,
                           batch_size=EXTRACT_BATCH)[0].apply(record)
        member.train_ips = n_train * result.epochs_run / result.fit_s if result.fit_s > 0 else None
        # Every fine-tuned member has its own backbone weights, so each keeps its full model.
        full = build_full_model(extractor, head, size, name=record["name"])
        finish_chosen(member, full, self.spec, self.data)
        with emissions_phase("examples", run_id=member.writer.run_id):
            record_examples(member.writer, ds.splits["test"], full, seed=cfg.seed)
        member.writer.save()

    def finish(self, members: list[Member], chosen: Member) -> None:
        for member in members:
            member.writer.record["efficiency"] = efficiency(member, None, member.writer.record["efficiency"], self.spec)
            member.writer.save()


def finish_chosen(member: Member, full, spec: BackboneSpec, data: LoadedData) -> None:
    """Save `model.keras`, record its size and hash, time it and measure its inference cost on
    real test images (skipped, and said so, when the collectors are off)."""
    from .collectors import collectors_enabled
    from .model_cost import graph_predict, measure_inference_cost, measure_model, test_batch

    record = member.writer.record
    file_info = save_model_atomic(full, member.writer.path / MODEL_FILE)
    record["artifacts"]["model"] = MODEL_FILE
    total, trainable = count_params(full)
    record["model"].update({**file_info, "total_params": total, "trainable_params": trainable})
    record["efficiency"] = {"model_file_bytes": file_info["file_bytes"], "total_params": total,
                            "trainable_params": trainable}
    if collectors_enabled():
        log_timing_model(member.config.inference_predictions)
        paths, _ = data.inputs(data.dataset, "test")
        batch = test_batch(paths, spec.input_size)
        warnings, predict = record["warnings"], graph_predict(full)
        record["efficiency"] = guarded("efficiency (latency, throughput, size)", measure_model, full, batch,
                                       model_file_bytes=file_info["file_bytes"], run_id=member.writer.run_id,
                                       predict=predict, warnings=warnings) or record["efficiency"]
        member.inference = guarded("inference cost", measure_inference_cost, predict, batch,
                                   member.config.inference_predictions, run_id=member.writer.run_id, warnings=warnings)
    member.writer.save()


def efficiency(member: Member, extract_ips: float | None, measured: dict | None, spec: BackboneSpec) -> dict:
    """The record's `efficiency` for a member: `measured` holds the full model's figures (in
    head mode the selected member's, shared by every member: same backbone, same head shape)."""
    from .collectors import efficiency_section, peak_rss_mb

    return efficiency_section(train_images_per_s=member.train_ips, extract_images_per_s=extract_ips,
                              peak_rss_mb=peak_rss_mb(), batch_size=member.config.batch_size,
                              input_size=spec.input_size, **(measured or {}))
