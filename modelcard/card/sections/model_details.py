"""Model Details: what the model is, its backbone and weights, and the front matter's base model."""

from __future__ import annotations

from ..info import CardInfo
from ..model import ModelDetails, Weights

BACKBONES = {"mobilenetv2": "MobileNetV2", "resnet50v2": "ResNet50V2", "efficientnetb0": "EfficientNetB0",
             "densenet121": "DenseNet121"}
# Hub ids of the exact weights Keras downloads for `weights="imagenet"` (Google's checkpoints).
HUB_BASE_MODELS = {("mobilenetv2", 1.0, 224): "google/mobilenet_v2_1.0_224"}


def base_model(record: dict, info: CardInfo) -> str | None:
    if info.base_model:
        return info.base_model
    model = record["model"]
    if not model or not model["weights"]["pretrained"] or model["weights"]["source"] != "imagenet":
        return None
    return HUB_BASE_MODELS.get((model["backbone"], model.get("alpha") or 1.0, 224))


def model_details(record: dict, info: CardInfo, name: str) -> ModelDetails:
    model = record["model"]
    classes = record["data"]["class_names"]
    weights = None
    finetuned = None
    if model:
        w = model["weights"]
        weights = Weights(w["source"], w["pretrained"], w.get("description"), w.get("origin"), w.get("sha256"),
                          w.get("license"))
        backbone = BACKBONES.get(model["backbone"], model["backbone"])
        if w["pretrained"] is None:  # `modelcard evaluate`: a finished model, trained elsewhere
            finetuned = (f"unknown: this model was trained elsewhere and modelcard was not told how "
                         f"({w.get('description') or w['source']})")
        else:
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
