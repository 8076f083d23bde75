"""Model Details: what the model is, its backbone and weights, and the front matter's base model."""

from __future__ import annotations

from ...record.model import RunRecord
from ..info import CardInfo
from ..parts import ModelDetails, StartingWeights
from ..section_spec import CoverageItem, Gap, Heading, SectionSpec

BACKBONES = {"mobilenetv2": "MobileNetV2", "resnet50v2": "ResNet50V2", "efficientnetb0": "EfficientNetB0",
             "densenet121": "DenseNet121"}
# Hub ids of the exact weights Keras downloads for `weights="imagenet"` (Google's checkpoints).
HUB_BASE_MODELS = {("mobilenetv2", 1.0, 224): "google/mobilenet_v2_1.0_224"}


def base_model(record: RunRecord, info: CardInfo) -> str | None:
    """The Hub id of the exact starting weights (front matter `base_model`), card.yaml's first."""
    if info.base_model:
        return info.base_model
    model = record.model
    if not model or not model.weights.pretrained or model.weights.source != "imagenet":
        return None
    return HUB_BASE_MODELS.get((model.backbone, model.alpha or 1.0, 224))


def model_details(record: RunRecord, info: CardInfo, name: str) -> ModelDetails:
    model = record.model
    classes = record.data.class_names
    weights = None
    finetuned = None
    if model:
        w = model.weights
        weights = StartingWeights(w.source, w.pretrained, w.description, w.origin, w.sha256, w.license)
        backbone = BACKBONES.get(model.backbone, model.backbone)
        if w.pretrained is None:  # `modelcard evaluate`: a finished model, trained elsewhere
            finetuned = (f"unknown: this model was trained elsewhere and modelcard was not told how "
                         f"({w.description or w.source})")
        else:
            finetuned = (f"{backbone} with ImageNet-trained weights ({w.description or w.source})"
                         if w.pretrained else f"none: No pretrained weights were used ({backbone} from random weights)")
    return ModelDetails(
        name=name, model_type=f"image classifier, {len(classes)} classes", description=info.description,
        developers=list(info.developers), shared_by=info.shared_by, license=info.license, version=info.version,
        finetuned_from=finetuned, backbone=model.backbone if model else None,
        alpha=model.alpha if model else None, input_size=model.input_size if model else None,
        weights=weights, external_model=record.created_by == "record", class_names=list(classes),
        repository=info.repository, paper=info.paper, demo=info.demo, run_id=record.run_id,
        created_by=record.created_by,
    )


COVERAGE = (
    CoverageItem("hf.description", "hf", "Model Details / Model Description",
                 "A short summary of what the model is and does",
                 where="Model Details", measured=("model_type",), human=("description",)),
    CoverageItem("hf.developed_by", "hf", "Model Details / Developed by", "Who built the model",
                 where="Model Details", human=("developers",)),
    CoverageItem("hf.shared_by", "hf", "Model Details / Shared by", "Who publishes the model", where="Model Details",
                 human=("shared_by",)),
    CoverageItem("hf.model_type", "hf", "Model Details / Model type", "What kind of model it is",
                 where="Model Details", measured=("model_type",)),
    CoverageItem("hf.license", "hf", "Model Details / License", "The licence the model is released under",
                 where="Model Details", human=("license",)),
    CoverageItem("hf.finetuned_from", "hf", "Model Details / Finetuned from model",
                 "The pretrained model it started from",
                 where="Model Details", measured=("weights",)),
    CoverageItem("hf.sources", "hf", "Model Details / Model Sources", "Where the code, paper and demo are",
                 where="Model Details / Model Sources", human=("repository", "paper", "demo")),
    CoverageItem("aiv.1a.provider", "annex_iv", "1(a)", "Who provides the system", where="Model Details",
                 human=("developers", "shared_by")),
    CoverageItem("aiv.1a.version", "annex_iv", "1(a)", "Its version, and how it relates to earlier versions",
                 where="Model Details", human=("version",)),
    CoverageItem("aiv.2a", "annex_iv", "2(a)",
                 "How it was developed, including pretrained parts from third parties and how they were used",
                 where="Model Details / Finetuned from; Training Details", measured=("weights", "hyperparameters")),
    CoverageItem("aiv.2b.choices", "annex_iv", "2(b)",
                 "Key design choices with their rationale and assumptions, including about the people it is meant for",
                 where="Model Details / Model Description; Uses", human=("description",)),
    CoverageItem("aiv.2b.classes", "annex_iv", "2(b)", "The main classification choices",
                 where="Model Details (classes)", measured=("classes",)),
)

SECTION = SectionSpec(
    "model_details", order=40, build=lambda x: model_details(x.record, x.info, x.name), attr="details", part=ModelDetails,
    headings=(Heading("Model Details", ("description", "developers", "shared_by", "license", "version", "repository",
                                        "paper", "demo"), lambda c: bool(c.details.model_type)),),
    probes={"model_type": lambda c: bool(c.details.model_type and c.details.class_names),
            "classes": lambda c: bool(c.details.class_names),
            "weights": lambda c: c.details.weights is not None},
    coverage=COVERAGE,
    gaps={"developers": Gap("Model Details / Developed by"), "license": Gap("Model Details / License")})
