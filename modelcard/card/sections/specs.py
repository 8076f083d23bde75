"""Technical Specifications: architecture, objective, hardware, packages and provenance."""

from __future__ import annotations

from .. import formatting as fmt
from ..model import TechnicalSpecs
from .model_details import BACKBONES


def technical_specs(record: dict) -> TechnicalSpecs:
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
