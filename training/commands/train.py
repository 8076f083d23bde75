"""`modelcard train`: load data, train one configuration or a sweep, evaluate, record.

Order of work, and why:
1. Config, backbone spec, sweep grid and data are checked before any run folder exists, so a
   user mistake leaves nothing behind in `runs/`.
2. Every configuration's run folder is opened at once (`open_run`, status `running`), so
   Ctrl-C or a crash anywhere marks all of them `interrupted`/`failed` with what was done.
3. Head mode extracts backbone features once per split (cached on disk) and fits only a small
   head per configuration; finetune mode trains each configuration end to end. Either way a
   member then runs the stages `evaluate` runs too (`training/stages`: evaluation sets,
   robustness, model file, examples, data card, efficiency), each filling its own sections.
4. The selection rule picks one member: it alone gets the full `model.keras`; the others keep
   their head weights. Every member then records the whole sweep table.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from modelcard.errors import UserError
from modelcard.record import RunStart, open_run

from ..collectors import EmissionsCollector, collect_hardware, emissions_phase, guarded
from ..config import TrainConfig
from ..data import Dataset, load_eval_set, parse_eval_set_option, resolve_source
from ..data.metadata import load_metadata, unmatched_warning
from ..data.sources import DEFAULT_SEED, default_cache_dir
from ..data_card import DataCardCollector
from ..model.backbones import BackboneSpec, check_weights_available
from ..progress import about, detail, log
from ..stages import FinetuneEngine, HeadEngine, LoadedData, MemberRun
from ..stages.run_sections import data_section, write_data_files
from ..stages.worker_steps import cluster_hardware, for_this_worker
from ..variance import sweep as sweeps
from ..variance.seeds import record_seeds_and_cv
from ..variance.sweep_sections import record_emissions, record_sweep


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
        # The runs start before the tracker: the data scan and set-up below are phases of every
        # member's record, so each run's own time (provenance) must enclose them.
        start = RunStart.now()
        with EmissionsCollector(config.country_iso_code) as emissions:  # one tracker, a phase per stage
            with emissions_phase("data_scan"):
                data = load_data(config)
            paths = _train_sweep(config, runs_dir, command_line, rule, spec, grid, member_cfgs, specs, data, emissions,
                                 start)
        if keep:  # the model's provenance statement beside each finished run that kept its model (issue 27)
            from modelcard.evidence.provenance import write_provenance

            for path in paths:
                write_provenance(path)
        return paths if keep else []


def _train_sweep(config: TrainConfig, runs_dir: Path, command_line: list[str], rule, spec: BackboneSpec,
                 grid: list[dict], member_cfgs: list[TrainConfig], specs: list[BackboneSpec], data: LoadedData,
                 emissions: EmissionsCollector, start: RunStart) -> list[Path]:
    """Open a run per configuration, train them all, pick one, record (inside `emissions`; every
    run started at `start`, before the tracker)."""
    from ..distributed.strategy import describe, make_strategy

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
                                                  config=member_cfg.to_dict(), start=start))
            writer.set(data=data_section(data.dataset, data.eval_sets), hardware=hardware)
            write_data_files(writer, data.dataset)
            for line in hardware_warnings + data.dataset.warnings:  # dataset: split balance
                writer.warn(line)
            if unmatched := unmatched_warning(data.metadata, [data.dataset, *data.eval_sets.values()]):
                writer.warn(unmatched)
            if sweep_id:
                writer.set(sweep={"sweep_id": sweep_id, "index": index, "parameters": parameters,
                                  "selected": None, "selection_rule": str(rule), "members": []})
            writer.save()
            members.append(MemberRun(index, parameters, member_cfg, writer, specs[index]))
        for member in members:
            member.label = sweeps.member_label(member, len(members))
        detail(f"runs: {', '.join(m.writer.run_id for m in members)}")
        chosen = _train_by_backbone(config, data, members, distribution, rule)  # fits enter the strategy's scope
        emissions.stop()
        record_emissions(members, emissions)
        record_sweep(members, chosen, rule, sweep_id)
        log(sweeps.selection_line(rule, members, chosen, time.perf_counter() - started))
    return [chosen.writer.path] + [m.writer.path for m in members if m is not chosen]


def data_card_collector(dataset: Dataset, config: TrainConfig) -> DataCardCollector:
    """The data card of the training data (composition and cleanvision collected here, once)."""
    collector = DataCardCollector(dataset.splits, dataset.class_names, dataset.summary()["duplicates"],
                                  created_by="train", label_issues=config.label_issues != "none", seed=config.seed)
    collector.collect()
    return collector


def _train_by_backbone(config: TrainConfig, data: LoadedData, members: list[MemberRun], distribution: dict,
                       rule: sweeps.SelectionRule) -> MemberRun:
    """Members with the same backbone spec share one engine (one feature extraction in head mode);
    a sweep over backbones or input sizes gets one engine per spec, and each spec's best member
    keeps its full model (so every backbone's latency and size are measured). Returns the chosen one."""
    groups: dict[BackboneSpec, list[MemberRun]] = {}
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
                engine.train_member(member, distribution, data_card)
        engine.finish(group, group[sweeps.choose_member(rule, group)])
    chosen = members[sweeps.choose_member(rule, members)]
    record_seeds_and_cv(engines[chosen.spec], chosen, members, data_card)  # --seeds, --cv on the chosen one
    return chosen
