"""The Markdown card's YAML front matter, in the shape huggingface_hub's `ModelCardData` reads.

Built as a dict and dumped with `yaml.safe_dump(sort_keys=True)`: never string templating, so
no value can break the YAML. By the Hub's model card spec (hub-docs `modelcard.md`, read by
`huggingface_hub.repocard_data`):

- `model-index` holds each score of the run's own evaluation sets, full precision, with the metric
  id it is (`accuracy`, `balanced_accuracy`, `top_k_accuracy`, `f1`, `precision`, `recall`) and in
  `args` only what the metric's `compute()` is given (`average: macro`, `k: 5`). Its `dataset.type`
  is required and must be a Hub dataset id: without a known one (`hub.py`) there is no
  `model-index`. It has no field for an interval, so intervals, sizes and methods are in the card's
  body and in the `.eval_results` notes (`hub.py`). `verified` is the Hub's to set, so it is left out.
- `co2_eq_emissions` is the training's CO2 in grams (the card's training-scoped claim), `source` the
  tool ("codecarbon"), `training_type` the Hub's "fine-tuning" (from pretrained weights) or
  "pre-training" (from random weights). A run with no training-scoped figure states none.
"""

from __future__ import annotations

import yaml

from ..card.model import Card
from .hub import HubDataset, own_sets

#: The card's score key -> (Hub/evaluate metric id, the `compute()` arguments it was given, pretty name).
HUB_METRICS = {"accuracy": ("accuracy", None, "accuracy"),
               "balanced_accuracy": ("balanced_accuracy", None, "balanced accuracy"),
               "top5_accuracy": ("top_k_accuracy", {"k": 5}, "top-5 accuracy"),
               "f1_macro": ("f1", {"average": "macro"}, "macro F1"),
               "precision_macro": ("precision", {"average": "macro"}, "macro precision"),
               "recall_macro": ("recall", {"average": "macro"}, "macro recall")}


def front_matter(card: Card, hub: HubDataset | None = None) -> dict:
    """The metadata dict: licence, library, tags, datasets, metrics, base model, model-index, CO2."""
    meta: dict = {"library_name": "keras", "pipeline_tag": "image-classification", "tags": list(card.tags)}
    if card.details.license:
        meta["license"] = card.details.license.lower()
    datasets = list(card.datasets)
    if hub is not None and hub.id and card.training.trained_here and hub.id not in datasets:
        datasets.append(hub.id)  # the run's own data, trained on here
    if datasets:
        meta["datasets"] = datasets
    if card.base_model:
        meta["base_model"] = card.base_model
    meta["metrics"] = sorted({HUB_METRICS[k][0] for ev in card.evaluation.sets for k in ev.metrics if k in HUB_METRICS})
    results = [_result(card, ev, hub.id) for ev in own_sets(card)] if hub is not None and hub.id else []
    results = [r for r in results if r["metrics"]]
    if results:
        meta["model-index"] = [{"name": card.details.name, "results": results}]
    co2 = _co2(card)
    if co2:
        meta["co2_eq_emissions"] = co2
    return meta


def _result(card: Card, ev, dataset_id: str) -> dict:
    """One set's scores on the Hub dataset `dataset_id`; no `split`: the set is this run's own split of the data,
    not necessarily the split `load_dataset()` names."""
    description = card.training.data.description or card.training.data.source
    metrics = []
    for key, (hub_type, args, pretty) in HUB_METRICS.items():
        claim = ev.metrics.get(key)
        if claim is None or claim.value is None:
            continue
        entry = {"type": hub_type, "value": claim.value, "name": f"{ev.name} {pretty}"}
        if args:
            entry["args"] = dict(args)
        metrics.append(entry)
    return {"task": {"type": "image-classification", "name": "Image Classification"},
            "dataset": {"type": dataset_id, "name": f"{description} ({ev.name} set of this run)"},
            "metrics": metrics}


def hub_training_type(card: Card) -> str | None:
    """The Hub's `training_type`: "fine-tuning" from pretrained weights, "pre-training" from random ones,
    None when unknown (or no training in this run)."""
    weights = card.details.weights
    if not card.training.trained_here or weights is None or weights.pretrained is None:
        return None
    return "fine-tuning" if weights.pretrained else "pre-training"


def _co2(card: Card) -> dict | None:
    em, figures = card.environment.emissions, card.environment.figures
    if not em or figures is None or figures.training is None or not card.training.trained_here:
        return None  # the Hub's figure is training's: a run without one states none
    co2 = {"emissions": figures.training.co2.value, "source": (em.tool or "codecarbon").split()[0]}
    training_type = hub_training_type(card)
    if training_type:
        co2["training_type"] = training_type
    location = card.environment.cloud_region.value
    if location:
        co2["geographical_location"] = location
    if card.environment.hardware_type.value:
        co2["hardware_used"] = card.environment.hardware_type.value
    return co2


def dump_front_matter(card: Card, hub: HubDataset | None = None) -> str:
    """`---\\n<yaml>---\\n`, stable across runs (sorted keys, fixed width)."""
    text = yaml.safe_dump(front_matter(card, hub), sort_keys=True, allow_unicode=True, width=1000,
                          default_flow_style=False)
    return f"---\n{text}---\n"
