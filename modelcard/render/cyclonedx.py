"""Export a card as a CycloneDX 1.6 ML-BOM (`<name>.cdx.json`), built from the typed Card.

The BOM holds one `machine-learning-model` component whose `modelCard` (CycloneDX's model
card is derived from the Model Card Toolkit schema) carries the model parameters, every
metric with its confidence interval, the considerations (uses, limitations, fairness
assessments from the slices, energy for training and per 1,000 predictions), plus a `data`
component for the data set (with its content hash) and, when the model started from
pretrained weights, a component for them with their sha-256.

Why the JSON is built here and not with cyclonedx-python-lib's model: its ML model-card
classes are not released yet (11.12.0). The suite validates every BOM with that library's
strict JSON validator (tests/test_cyclonedx.py), which rejects unknown fields. Nothing here
imports it, so `build` stays light. Same card, byte-identical BOM: the serial number is a
UUID derived from the run id and the model's hash, the timestamp is the run's end.
"""

from __future__ import annotations

import json
import re
import uuid

from ..card.model import Card
from ..claims import Claim
from ..card.sections.emission_claims import MEASUREMENT_SCOPE
from ..card.sections.risk_rules import GROUP_RULES
from .mct import model_input_format, model_output_format
from ..record.model import Provenance
from ..record.typed import as_section

CYCLONEDX_SPEC = "1.6"
CDX_SUFFIX = ".cdx.json"
_NAMESPACE = uuid.UUID("6f0b1b1e-4a8e-5c61-9d0e-7b3c2f1a9e10")  # modelcard's namespace for BOM serial numbers
_SHA256 = re.compile(r"^(?:sha256:)?([0-9a-f]{64})$")


def _hash(text: str | None) -> list[dict]:
    match = _SHA256.match(text or "")
    return [{"alg": "SHA-256", "content": match.group(1)}] if match else []


def _prop(name: str, value) -> dict:
    return {"name": f"modelcard:{name}", "value": str(value)}


def _metric(c: Claim) -> dict:
    entry = {"type": c.quantity, "value": str(c.value), "slice": c.slice}
    if c.interval is not None:
        entry["confidenceInterval"] = {"lowerBound": str(c.ci_low), "upperBound": str(c.ci_high)}
    return entry


def performance_metrics(card: Card) -> list[dict]:
    """Every score the card states with a value (`Ledger.performance`), with its interval. (CycloneDX's
    confidence interval has no field for its method; the card and MCT JSON name it.)"""
    return [_metric(c) for c in card.claims.performance()]


def _fairness(card: Card) -> list[dict]:
    """One assessment per measured risk that names a group of inputs (`risk_rules.GROUP_RULES`): the
    risk's own group and sentence, so the BOM lists exactly the card's risks."""
    return [{"groupAtRisk": r.subject, "harms": r.text} for r in card.risks.measured
            if r.rule in GROUP_RULES and r.subject]


def _energy(activity: str, kwh: float | None, kg: float | None, estimated: bool, method: str | None,
            country: str | None, scope: str) -> dict | None:
    if kwh is None:
        return None
    entry: dict = {
        "activity": activity,
        "energyProviders": [{"organization": {"name": f"electricity grid of {country or 'an unrecorded country'} "
                                                      "(codecarbon's average carbon intensity)"},
                             "energySource": "unknown", "energyProvided": {"value": kwh, "unit": "kWh"}}],
        "activityEnergyCost": {"value": kwh, "unit": "kWh"},
        "properties": [_prop("scope", scope), _prop("estimated", "true" if estimated else "false")]
                      + ([_prop("method", method)] if method else []),
    }
    if kg is not None:
        entry["co2CostEquivalent"] = {"value": kg / 1000.0, "unit": "tCO2eq"}
    return entry


def energy_consumptions(card: Card) -> list[dict]:
    """Training (every phase but the measurements of the saved model) and those measurements, each with its
    scope (their sum is the whole command), or the whole command alone without phases; then inference per
    1,000 predictions."""
    env = card.environment
    emissions, costs, figures = env.emissions, env.costs, env.figures
    if figures is None:
        return []
    estimated = bool(costs.estimated) if costs else env.measured is False
    country = emissions.country_iso_code if emissions else None
    activity = "training" if card.training.trained_here else "validation"
    scoped = ([(activity, figures.training), ("other", figures.measurements)] if figures.training is not None
              else [(activity, figures.run)])
    out = [_energy(name, s.energy.value, None if s.co2.value is None else s.co2.value / 1000.0, estimated, env.method,
                   country, s.scope) for name, s in scoped]
    for row in (costs.inference if costs else []):
        out.append(_energy("inference", row.kwh_per_1000, row.kg_per_1000, estimated, env.method, country,
                           f"1,000 predictions at batch {row.batch_size} (timed over {row.n_predictions}): a rate, "
                           f"measured during {MEASUREMENT_SCOPE} (the `other` activity)"))
    return [e for e in out if e]


def _considerations(card: Card) -> dict:
    uses = [t for t in (card.uses.direct, card.uses.downstream) if t]
    limits = [t for t in [card.risks.text, *(r.text for r in card.risks.measured), *card.warnings,
                          *card.artifact_problems] if t]
    out: dict = {}
    if uses:
        out["useCases"] = uses
    if limits:
        out["technicalLimitations"] = limits
    if card.risks.recommendations:
        out["performanceTradeoffs"] = [card.risks.recommendations]
    if card.uses.out_of_scope:
        out["ethicalConsiderations"] = [{"name": card.uses.out_of_scope,
                                         "mitigationStrategy": "Out of scope: do not use the model for this."}]
    fairness = _fairness(card)
    if fairness:
        out["fairnessAssessments"] = fairness
    energy = energy_consumptions(card)
    if energy:
        out["environmentalConsiderations"] = {"energyConsumptions": energy}
    return out


def _data_component(card: Card) -> dict:
    data = card.training.data
    splits = ", ".join(f"{s.name} {s.n}" for s in data.splits + data.eval_sets)
    component = {"type": "data", "bom-ref": "data", "name": data.description or data.source,
                 "description": f"images per split: {splits}; source {data.source}",
                 "data": [{"type": "dataset", "name": data.source,
                           "description": f"{data.n_files or sum(s.n for s in data.splits)} images in "
                                          f"{len(data.class_names)} classes ({', '.join(data.class_names)})"}]}
    if hashes := _hash(data.content_hash):
        component["hashes"] = hashes
    if data.license:
        component["licenses"] = [{"license": {"name": data.license}}]
    return component


def _weights_component(card: Card) -> dict | None:
    w = card.details.weights
    if w is None or not w.pretrained or not _hash(w.sha256):
        return None
    component = {"type": "machine-learning-model", "bom-ref": "base-weights",
                 "name": w.description or f"{card.details.backbone} starting weights",
                 "description": w.origin or w.source, "hashes": _hash(w.sha256)}
    if w.license:
        component["licenses"] = [{"license": {"name": w.license}}]
    return component


def cyclonedx_document(card: Card) -> dict:
    """The BOM as a dict (see the module docstring)."""
    d, specs = card.details, card.specs
    provenance = as_section(Provenance, specs.provenance or {})
    params: dict = {"approach": {"type": "supervised"}, "task": "image classification",
                    "architectureFamily": "convolutional neural network",
                    "datasets": [{"ref": "data"}],
                    "outputs": [{"format": model_output_format(d)}]}
    if specs.architecture:
        params["modelArchitecture"] = specs.architecture
    if d.input_size:
        params["inputs"] = [{"format": model_input_format(d)}]
    model_card: dict = {"modelParameters": params,
                        "quantitativeAnalysis": {"performanceMetrics": performance_metrics(card)}}
    if considerations := _considerations(card):
        model_card["considerations"] = considerations
    model: dict = {"type": "machine-learning-model", "bom-ref": "model", "name": d.name,
                   "description": " ".join(card.summary.sentences) if card.summary else d.model_type,
                   "modelCard": model_card,
                   "properties": [_prop("run_id", d.run_id), _prop("created_by", d.created_by)]
                   + [_prop("decision", t) for t in (card.decision.printed() if card.decision else [])]}
    if d.version:
        model["version"] = d.version
    if hashes := _hash(card.training.file_sha256):
        model["hashes"] = hashes
    if d.license:
        model["licenses"] = [{"license": {"name": d.license}}]
    components = [model, _data_component(card)]
    weights = _weights_component(card)
    if weights:
        components.append(weights)
        model["pedigree"] = {"ancestors": [{"type": weights["type"], "name": weights["name"],
                                            "hashes": weights["hashes"]}]}
    seed = f"{d.run_id}:{card.training.file_sha256 or ''}:{card.training.data.content_hash or ''}"
    metadata: dict = {"tools": {"components": [{"type": "application", "name": "modelcard",
                                                "version": str(provenance.modelcard_version or "unknown")}]}}
    if ended := provenance.ended_at:
        metadata["timestamp"] = ended
    return {"bomFormat": "CycloneDX", "specVersion": CYCLONEDX_SPEC,
            "serialNumber": f"urn:uuid:{uuid.uuid5(_NAMESPACE, seed)}", "version": 1,
            "metadata": metadata, "components": components,
            "dependencies": [{"ref": "model", "dependsOn": [c["bom-ref"] for c in components[1:]]}]}


def dump_cyclonedx(doc: dict) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
