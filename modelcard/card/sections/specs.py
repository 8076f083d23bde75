"""Technical Specifications: architecture, objective, hardware, packages and provenance."""

from __future__ import annotations

from .. import formatting as fmt
from ..model import TechnicalSpecs
from .model_details import BACKBONES


#: How each training mode is named: the architecture line's words and the front matter's `training_type`.
MODE_WORDS = {"head": "frozen backbone, only the head trained", "finetune": "backbone fine-tuned"}


def training_type(record: dict) -> str:
    """What training this run did, from its recorded mode and starting weights, e.g.
    "transfer learning (frozen pretrained backbone, only the head trained)" for mode `head`."""
    mode = (record["training"] or {}).get("mode")
    pretrained = bool(((record["model"] or {}).get("weights") or {}).get("pretrained"))
    if record["training"] is None:
        return "none (no training in this run: evaluation only)"
    if mode == "head":
        return ("transfer learning (frozen pretrained backbone, only the head trained)" if pretrained
                else "training from random weights (frozen random backbone, only the head trained)")
    if mode == "finetune":
        return ("fine-tuning (pretrained backbone's top blocks and the head trained)" if pretrained
                else "training from random weights (backbone's top blocks and the head trained)")
    return f"{mode or 'not recorded'} (training mode as recorded)"


def technical_specs(record: dict) -> TechnicalSpecs:
    model = record["model"]
    classes = record["data"]["class_names"]
    architecture = None
    if model:
        head = model.get("head") or {}
        mode = (record["training"] or {}).get("mode")
        frozen = MODE_WORDS.get(mode, "")
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
                          packages=dict(sorted(prov.get("packages", {}).items())), provenance=provenance,
                          training_type=training_type(record))
