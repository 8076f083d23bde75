"""The Markdown card's YAML front matter, in the shape huggingface_hub's `ModelCardData` reads.

Built as a dict and dumped with `yaml.safe_dump(sort_keys=True)`: never string templating, so
no value can break the YAML. Evaluation results go into `model-index` with full-precision
values; each metric's interval is stated in its `name` and kept in `args` with its method
(`ci_method`, e.g. "Wilson score interval"; bootstrap methods add `n_resamples` and `seed`).
"""

from __future__ import annotations

import yaml

from ..card.intervals import method_label
from ..card.model import Card

HF_METRICS = {"accuracy": "accuracy", "balanced_accuracy": "accuracy", "top5_accuracy": "accuracy",
              "f1_macro": "f1", "precision_macro": "precision", "recall_macro": "recall"}
PRETTY = {"accuracy": "accuracy", "balanced_accuracy": "balanced accuracy", "top5_accuracy": "top-5 accuracy",
          "f1_macro": "macro F1", "precision_macro": "macro precision", "recall_macro": "macro recall"}


def front_matter(card: Card) -> dict:
    """The metadata dict: licence, library, tags, datasets, metrics, base model, model-index, CO2."""
    meta: dict = {"library_name": "keras", "pipeline_tag": "image-classification", "tags": list(card.tags)}
    if card.details.license:
        meta["license"] = card.details.license.lower()
    if card.datasets:
        meta["datasets"] = list(card.datasets)
    if card.base_model:
        meta["base_model"] = card.base_model
    meta["metrics"] = sorted({HF_METRICS[k] for ev in card.evaluation.sets for k in ev.metrics if k in HF_METRICS})
    results = [_result(card, ev) for ev in card.evaluation.sets]
    if results:
        meta["model-index"] = [{"name": card.details.name, "results": results}]
    co2 = _co2(card)
    if co2:
        meta["co2_eq_emissions"] = co2
    return meta


def _result(card: Card, ev) -> dict:
    dataset_type = card.datasets[0] if card.datasets else card.training.data.source
    description = card.training.data.description or card.training.data.source
    metrics = []
    for key, pretty in PRETTY.items():
        metric = ev.metrics.get(key)
        if metric is None or metric.value is None:
            continue
        entry = {"type": HF_METRICS[key], "value": metric.value, "verified": False,
                 "name": f"{ev.name} {pretty}"}
        if metric.interval is not None:
            b = ev.bootstrap
            entry["name"] += f" (95% CI {metric.ci_low:.3f}-{metric.ci_high:.3f})"
            entry["args"] = {"ci_low": metric.ci_low, "ci_high": metric.ci_high, "confidence": metric.interval.level,
                             "ci_method": method_label(metric.method)}
            if (metric.method or "").endswith("bootstrap"):
                entry["args"].update({"n_resamples": b.n_resamples, "seed": b.seed})
        metrics.append(entry)
    return {"task": {"type": "image-classification", "name": "Image Classification"},
            "dataset": {"type": dataset_type, "name": f"{description} ({ev.name})", "split": ev.name},
            "metrics": metrics}


def _co2(card: Card) -> dict | None:
    em, figures = card.environment.emissions, card.environment.figures
    if not em or figures is None:
        return None
    claim = figures.training.co2 if figures.training is not None else figures.run.co2
    how = "measured" if em.measured else "estimated"
    co2 = {"emissions": claim.value, "source": f"{em.tool or 'codecarbon'} ({how}: {em.method}); scope: {claim.scope}"}
    if card.training.trained_here:  # not for `evaluate`/`record`: how that model was trained is unknown
        co2["training_type"] = card.specs.training_type
    location = card.environment.cloud_region.value
    if location:
        co2["geographical_location"] = location
    if card.environment.hardware_type.value:
        co2["hardware_used"] = card.environment.hardware_type.value
    return co2


def dump_front_matter(card: Card) -> str:
    """`---\\n<yaml>---\\n`, stable across runs (sorted keys, fixed width)."""
    text = yaml.safe_dump(front_matter(card), sort_keys=True, allow_unicode=True, width=1000, default_flow_style=False)
    return f"---\n{text}---\n"
