"""Assemble a `Card` from a run record (facts) and `CardInfo` (human text).

Pure: no files are written and nothing is rendered. Every human field that is absent becomes
an entry of `Card.gaps` (key -> section), which the templates show as a visible line and the
CLI lists, instead of any placeholder text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import formatting as fmt
from .info import CardInfo
from .model import (
    Card, Closing, Duplicates, EnvironmentalImpact, EvalSet, Evaluation, Examination, GetStarted, Metric,
    ModelDetails, PerClass, Risks, ShiftGap, Slice, SliceGroup, SplitInfo, Stated, Sweep, SweepMember,
    TechnicalSpecs, TrainingData, TrainingDetails, Uses, Weights,
)

BACKBONES = {"mobilenetv2": "MobileNetV2", "resnet50v2": "ResNet50V2", "efficientnetb0": "EfficientNetB0",
             "densenet121": "DenseNet121"}
# Hub ids of the exact weights Keras downloads for `weights="imagenet"` (Google's checkpoints).
HUB_BASE_MODELS = {("mobilenetv2", 1.0, 224): "google/mobilenet_v2_1.0_224"}
METRIC_ORDER = ("accuracy", "balanced_accuracy", "top5_accuracy", "f1_macro", "precision_macro", "recall_macro",
                "f1_weighted", "precision_weighted", "recall_weighted", "log_loss", "ece")
SMALL_TEST_SET = 100
HIGH_ECE = 0.1
IMBALANCE_RATIO = 3.0

# Human keys in card order, with the section each belongs to (used in gap lines).
GAP_SECTIONS = {
    "developers": "Model Details / Developed by",
    "license": "Model Details / License",
    "uses.direct": "Uses / Direct use",
    "uses.downstream": "Uses / Downstream use",
    "uses.out_of_scope": "Uses / Out-of-scope use",
    "bias_risks_limitations": "Bias, Risks and Limitations",
    "recommendations": "Bias, Risks and Limitations / Recommendations",
    "environment.hardware_type": "Environmental Impact / Hardware type",
    "environment.cloud_provider": "Environmental Impact / Cloud provider",
    "environment.cloud_region": "Environmental Impact / Compute region",
    "citation.bibtex": "Citation",
    "glossary": "Glossary",
    "more_information": "More Information",
    "card_authors": "Model Card Authors",
    "contact": "Model Card Contact",
}


def gap_line(key: str) -> str:
    """The one line reported for a missing human key, e.g. "Uses / Direct use: add `uses.direct` to card.yaml"."""
    return f"{GAP_SECTIONS[key]}: add `{key}` to card.yaml"


def slugify(name: str) -> str:
    """A filesystem-safe, lower-case file stem, e.g. "Stamps (v2)" -> "stamps-v2"."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")
    return slug[:80] or "model"


def _metric(obj: dict | None) -> Metric:
    obj = obj or {}
    return Metric(obj.get("value"), obj.get("ci_low"), obj.get("ci_high"))


def assemble_card(record: dict, info: CardInfo, *, run_path: Path, sweep_members: list[dict] | None = None) -> Card:
    """The whole card; `sweep_members` overrides the record's own member table when given."""
    model = record["model"]
    name = info.model_name or record["name"]
    warnings = _warnings(record)
    details = _details(record, info, name)
    training = _training(record, sweep_members)
    evaluation = _evaluation(record)
    environment = _environment(record, info)
    closing = Closing(bibtex=info.citation.bibtex, apa=info.citation.apa, glossary=dict(info.glossary),
                      more_information=info.more_information, authors=list(info.card_authors), contact=info.contact)
    present = {
        "developers": bool(info.developers), "license": bool(info.license),
        "uses.direct": bool(info.uses.direct), "uses.downstream": bool(info.uses.downstream),
        "uses.out_of_scope": bool(info.uses.out_of_scope),
        "bias_risks_limitations": bool(info.bias_risks_limitations), "recommendations": bool(info.recommendations),
        "environment.hardware_type": environment.hardware_type.value is not None,
        "environment.cloud_provider": environment.cloud_provider.value is not None,
        "environment.cloud_region": environment.cloud_region.value is not None,
        "citation.bibtex": bool(info.citation.bibtex or info.citation.apa),
        "glossary": bool(info.glossary), "more_information": bool(info.more_information),
        "card_authors": bool(info.card_authors), "contact": bool(info.contact),
    }
    gaps = {key: GAP_SECTIONS[key] for key in GAP_SECTIONS if not present[key]}
    tags = ["image-classification", "keras", "modelcard"]
    if model:
        tags.append(model["backbone"])
    tags += [t for t in info.tags if t not in tags]
    return Card(
        slug=slugify(name), warnings=warnings, gaps=gaps, details=details,
        uses=Uses(info.uses.direct, info.uses.downstream, info.uses.out_of_scope),
        risks=Risks(info.bias_risks_limitations, _measured_risks(record, training, evaluation), info.recommendations),
        get_started=_get_started(record, run_path), training=training, evaluation=evaluation,
        examination=Examination(info.model_examination), environment=environment, specs=_specs(record),
        closing=closing, tags=tags, datasets=list(info.datasets), base_model=_base_model(record, info),
        status=record["status"],
    )


def _warnings(record: dict) -> list[str]:
    found = []
    if record["status"] != "complete":
        error = record.get("error") or {}
        why = f": {error.get('type')}: {error.get('message')}" if error else ""
        found.append(f"run {record['run_id']} is not complete (status: {record['status']}{why}); "
                     "its numbers may be partial")
    model = record["model"]
    if model and not model["weights"]["pretrained"]:
        found.append("No pretrained weights were used: the backbone started from random weights")
    if record["created_by"] == "record":
        found.append("Predictions came from an external model (`modelcard record`): model-only sections "
                     "describe nothing trained here")
    if record["provenance"].get("git_dirty"):
        found.append("the code had uncommitted changes when the run was made (git_dirty)")
    for text in record["warnings"]:
        if not any(text.lower() in w.lower() for w in found):
            found.append(text)
    return found


def _base_model(record: dict, info: CardInfo) -> str | None:
    if info.base_model:
        return info.base_model
    model = record["model"]
    if not model or not model["weights"]["pretrained"] or model["weights"]["source"] != "imagenet":
        return None
    return HUB_BASE_MODELS.get((model["backbone"], model.get("alpha") or 1.0, 224))


def _details(record: dict, info: CardInfo, name: str) -> ModelDetails:
    model = record["model"]
    classes = record["data"]["class_names"]
    weights = None
    finetuned = None
    if model:
        w = model["weights"]
        weights = Weights(w["source"], w["pretrained"], w.get("description"), w.get("origin"), w.get("sha256"),
                          w.get("license"))
        backbone = BACKBONES.get(model["backbone"], model["backbone"])
        finetuned = (f"{backbone} with ImageNet-trained weights ({w.get('description') or w['source']})"
                     if w["pretrained"] else f"none: No pretrained weights were used ({backbone} from random weights)")
    return ModelDetails(
        name=name, model_type=f"image classifier, {len(classes)} classes", description=info.description,
        developers=list(info.developers), shared_by=info.shared_by, license=info.license, version=info.version,
        finetuned_from=finetuned, backbone=model["backbone"] if model else None,
        alpha=model.get("alpha") if model else None, input_size=model.get("input_size") if model else None,
        weights=weights, external_model=record["created_by"] == "record", class_names=list(classes),
        repository=info.repository, paper=info.paper, demo=info.demo, run_id=record["run_id"],
        created_by=record["created_by"],
    )


def _model_path(record: dict, run_path: Path) -> str | None:
    """The model file as `<runs folder>/<run_id>/model.keras`: the layout, not this machine's absolute path."""
    rel = record["artifacts"].get("model")
    if not rel:
        return None
    base = run_path if not run_path.is_absolute() else Path(run_path.parent.name) / run_path.name
    return (base / rel).as_posix()


def _no_model_note(record: dict) -> str:
    """Why there is no model file to load, in the words that fit how the run was made."""
    sweep = record["sweep"]
    if record["created_by"] == "train" and sweep and not sweep.get("selected"):
        chosen = [m["run_id"] for m in sweep["members"] if m.get("selected")]
        where = f" Build the card of the selected run {chosen[0]} to get one." if chosen else ""
        return ("There is no model file to load: this sweep configuration was not selected, so only its "
                "head weights were kept." + where)
    if record["created_by"] == "record":
        return ("There is no model file to load: this card documents predictions made by an "
                "external model (`modelcard record`), so use that model's own instructions.")
    return "There is no model file to load: this run did not save one."


def _get_started(record: dict, run_path: Path) -> GetStarted:
    path = _model_path(record, run_path)
    model = record["model"]
    if not path or not model:
        return GetStarted(code=None, model_path=None, note=_no_model_note(record))
    size = model.get("input_size") or 224
    classes = record["data"]["class_names"]
    class_list = "[\n" + "".join(f"    {_py_string(c)},\n" for c in classes) + "]"
    code = (
        "import keras\n"
        "import numpy as np\n"
        "from PIL import Image\n\n"
        f"model = keras.saving.load_model({_py_string(path)})\n"
        f"CLASS_NAMES = {class_list}  # output order of the model\n\n"
        "image = Image.open(\"my_image.png\").convert(\"RGBA\")\n"
        "background = Image.new(\"RGBA\", image.size, \"white\")  # transparent parts on white, as in training\n"
        f"image = Image.alpha_composite(background, image).convert(\"RGB\").resize(({size}, {size}))\n"
        "batch = np.asarray(image, dtype=\"float32\")[None]  # raw 0-255 RGB, shape (1, "
        f"{size}, {size}, 3)\n"
        "probabilities = model.predict(batch)[0]\n"
        "best = int(np.argmax(probabilities))\n"
        "print(CLASS_NAMES[best], float(probabilities[best]))\n"
    )
    note = (f"The saved model includes its own preprocessing: give it raw 0-255 RGB images resized to "
            f"{size}x{size} pixels. Outputs are softmax probabilities over {len(classes)} classes in the order of "
            "`CLASS_NAMES`. The path is relative to the folder the run was made in.")
    if not (run_path / record["artifacts"]["model"]).is_file():
        sha = model.get("file_sha256")
        note += (" The model file is not stored beside this record (it was left out when the record was "
                 "copied)" + (f"; the file this run saved has sha256 {sha}." if sha else "."))
    return GetStarted(code=code, model_path=path, note=note)


def _py_string(text: str) -> str:
    """A Python string literal (repr is valid Python for any str, quotes and backslashes included)."""
    return repr(text)


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


def _training(record: dict, sweep_members: list[dict] | None) -> TrainingDetails:
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
                                test_accuracy=_metric(test) if isinstance(test, dict) else None,
                                fit_s=m.get("fit_s"), epochs_run=m.get("epochs_run"), selected=selected, this_run=this))
    return Sweep(sweep_id=sweep["sweep_id"], parameter_names=names, selection_rule=sweep["selection_rule"], members=rows)


def _eval_set(name: str, ev: dict) -> EvalSet:
    metrics = {k: _metric(ev["metrics"][k]) for k in METRIC_ORDER if k in ev["metrics"]}
    metrics.update({k: _metric(v) for k, v in sorted(ev["metrics"].items()) if k not in metrics})
    per_class = [PerClass(p["class_name"], int(p["support"]), _metric(p["precision"]), _metric(p["recall"]),
                          _metric(p["f1"])) for p in ev["per_class"]]
    slices = [Slice(column=s["column"], min_group_size=s.get("min_group_size"),
                    groups=[SliceGroup(str(g["group"]), int(g["count"]), bool(g.get("unreliable")),
                                       _metric(g.get("accuracy")), _metric(g.get("f1_macro"))) for g in s["groups"]],
                    difference=s["difference"], difference_ci=s.get("difference_ci"), ratio=s["ratio"],
                    worst_group=s["worst_group"]) for s in ev["slices"]]
    return EvalSet(name=name, source=ev.get("source"), n_samples=ev["n_samples"], n_classes=ev["n_classes"],
                   bootstrap=dict(ev["bootstrap"]), metrics=metrics, per_class=per_class,
                   confusion_labels=list(ev["confusion_matrix"]["labels"]),
                   confusion_counts=[list(r) for r in ev["confusion_matrix"]["counts"]],
                   top_confusions=list(ev["top_confusions"]), calibration=dict(ev["calibration"]), slices=slices)


def _evaluation(record: dict) -> Evaluation:
    names = sorted(record["evaluations"], key=lambda n: (n != "test", n))
    sets = [_eval_set(n, record["evaluations"][n]) for n in names]
    gaps = []
    if len(sets) > 1:
        ref = sets[0]
        for other in sets[1:]:
            for key in ("accuracy", "f1_macro"):
                a, b = ref.metrics.get(key), other.metrics.get(key)
                if a is None or b is None:
                    continue
                diff = None if a.value is None or b.value is None else b.value - a.value
                gaps.append(ShiftGap(key, ref.name, other.name, a.value, b.value, diff))
    factors = ["class (per-class scores)"]
    factors += sorted({f"{s.column} (slice attribute)" for e in sets for s in e.slices})
    if len(sets) > 1:
        factors.append("evaluation set (distribution shift between sets)")
    return Evaluation(sets=sets, shift_gaps=gaps, factors=factors)


def _measured_risks(record: dict, training: TrainingDetails, evaluation: Evaluation) -> list[str]:
    """Limitations the numbers themselves show; these never replace the human text."""
    found = []
    for ev in evaluation.sets:
        acc = ev.metrics.get("accuracy")
        if ev.n_samples < SMALL_TEST_SET and acc is not None:
            found.append(f"The {ev.name} set has only {ev.n_samples} images, so its scores are uncertain "
                         f"(accuracy 95% CI {fmt.ci(acc)}).")
        ece = ev.metrics.get("ece")
        if ece is not None and ece.value is not None and ece.value > HIGH_ECE:
            found.append(f"Confidence scores are poorly calibrated on {ev.name} (ECE {fmt.num(ece.value)}): do not "
                         "read them as probabilities.")
        for s in ev.slices:
            worst = s.worst_group.get("accuracy") if isinstance(s.worst_group, dict) else s.worst_group
            diff = s.difference.get("accuracy") if isinstance(s.difference, dict) else None
            interval = (s.difference_ci or {}).get("accuracy")
            spread = fmt.num(diff) + (f" (95% CI {fmt.ci(interval)})" if interval and interval.get("ci_low") is not None else "")
            found.append(f"On {ev.name}, accuracy differs by {spread} across `{s.column}` groups; "
                         f"the worst group is {worst!s}.")
            small = [g.group for g in s.groups if g.unreliable]
            if small:
                found.append(f"Groups of `{s.column}` with fewer than {s.min_group_size} images are too small to "
                             f"judge: {', '.join(small)}.")
    for gap in evaluation.shift_gaps:
        if gap.metric == "accuracy" and gap.difference is not None:
            found.append(f"Accuracy on {gap.other} is {fmt.num(gap.other_value)} against {fmt.num(gap.reference_value)} "
                         f"on {gap.reference} (difference {gap.difference:+.3f}): expect lower scores on data unlike "
                         "the training data.")
    dup = training.data.duplicates
    if dup and dup.cross_split_pairs:
        found.append(f"{dup.cross_split_pairs} near-duplicate image pair(s) sit on both sides of a split, which can "
                     "inflate test scores.")
    train = next((s for s in training.data.splits if s.name == "train"), None)
    if train and train.class_counts:
        counts = [c for c in train.class_counts.values()]
        if min(counts) > 0 and max(counts) / min(counts) >= IMBALANCE_RATIO:
            found.append(f"Classes are imbalanced in training ({min(counts)} to {max(counts)} images per class).")
    if training.data.skipped_files:
        found.append(f"{len(training.data.skipped_files)} unreadable file(s) were skipped (listed under Training Data).")
    return found


def _environment(record: dict, info: CardInfo) -> EnvironmentalImpact:
    em = record.get("emissions") or {}
    hw = record.get("hardware") or {}
    declared = info.environment
    how_em = "measured by codecarbon" if em.get("measured") else "estimated by codecarbon, see below"
    if hw.get("cpu_model"):
        parts = [f"{hw['cpu_model']} ({hw.get('cpu_count') or '?'} cores)"]
        if hw.get("gpu_models"):
            parts.append(", ".join(hw["gpu_models"]))
        hardware = Stated(", ".join(parts), "measured by the hardware collector")
    else:
        hardware = _declared(declared.hardware_type)
    if em.get("duration_s") is not None:
        hours = Stated(f"{em['duration_s'] / 3600:.3f} h ({fmt.seconds(em['duration_s'])})", "measured by codecarbon")
    elif (record["training"] or {}).get("timings", {}) and (record["training"]["timings"] or {}).get("total_s"):
        total = record["training"]["timings"]["total_s"]
        hours = Stated(f"{total / 3600:.3f} h ({fmt.seconds(total)})", "measured from the run timings")
    else:
        hours = Stated(None, "not recorded")
    provider = Stated(em["cloud_provider"], "detected by codecarbon") if em.get("cloud_provider") else \
        _declared(declared.cloud_provider)
    if em.get("cloud_region"):
        region = Stated(em["cloud_region"], "detected by codecarbon")
    elif declared.cloud_region:
        region = _declared(declared.cloud_region)
    elif em.get("country_iso_code") or em.get("region"):
        where = ", ".join(str(v) for v in (em.get("region"), em.get("country_iso_code")) if v)
        region = Stated(where, "country given to codecarbon for the grid carbon intensity")
    else:
        region = Stated(None, "not recorded")
    if em.get("emissions_kg") is not None:
        carbon = Stated(f"{fmt.sig(em['emissions_kg'] * 1000)} g CO2eq ({fmt.sig(em['emissions_kg'])} kg)", how_em)
    else:
        carbon = Stated(None, "not recorded")
    return EnvironmentalImpact(hardware_type=hardware, hours_used=hours, cloud_provider=provider, cloud_region=region,
                               carbon_emitted=carbon, emissions=dict(sorted(em.items())) if em else None,
                               measured=em.get("measured") if em else None, method=em.get("method") if em else None)


def _declared(value: str | None) -> Stated:
    return Stated(value, "declared in card.yaml: assumed, not measured") if value else Stated(None, "not recorded")


def _specs(record: dict) -> TechnicalSpecs:
    model = record["model"]
    classes = record["data"]["class_names"]
    architecture = None
    if model:
        head = model.get("head") or {}
        mode = (record["training"] or {}).get("mode")
        frozen = {"head": "frozen backbone, only the head trained", "finetune": "backbone fine-tuned"}.get(mode, "")
        bits = [f"{BACKBONES.get(model['backbone'], model['backbone'])}"
                + (f" (alpha {fmt.plain(model.get('alpha'))})" if model.get("alpha") is not None else "")
                + (f", {model['input_size']}x{model['input_size']} RGB input" if model.get("input_size") else "")]
        if head.get("dropout") is not None:
            bits.append(f"dropout {fmt.plain(head['dropout'])}")
        bits.append(f"dense softmax over {len(classes)} classes")
        architecture = "; ".join(bits) + (f" ({frozen})" if frozen else "")
    prov = record["provenance"]
    provenance = {k: prov.get(k) for k in ("git_commit", "git_dirty", "started_at", "ended_at", "python", "platform",
                                             "modelcard_version")}
    objective = ("cross-entropy loss on softmax outputs: single-label multi-class image classification"
                 if record["training"] else "single-label multi-class image classification (not trained in this run)")
    return TechnicalSpecs(architecture=architecture, objective=objective,
                          hardware=dict(sorted((record.get("hardware") or {}).items())),
                          packages=dict(sorted(prov.get("packages", {}).items())), provenance=provenance)
