"""Export a card as Model Card Toolkit JSON (schema v0.0.2), validated against MCT's own schema.

model-card-toolkit cannot be imported here (it needs TFMA and an old protobuf), so its schema
file is located through `importlib.util.find_spec` without importing the package.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import json
from pathlib import Path

from ..card.intervals import method_label
from ..claims import Claim
from ..card.model import Card, ModelDetails
from .figures import Figure

MCT_SCHEMA_VERSION = "0.0.2"


def mct_schema_path() -> Path | None:
    """Path of MCT's `model_card.schema.json` in the installed wheel, or None when not installed."""
    spec = importlib.util.find_spec("model_card_toolkit")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "schema" / f"v{MCT_SCHEMA_VERSION}" / "model_card.schema.json"
    return path if path.is_file() else None


def load_mct_schema(path: Path) -> dict:
    """MCT's schema with its one upstream typo repaired: `"#definitions/graphic"` lacks the `/`
    of a JSON pointer, which modern jsonschema refuses to resolve."""
    text = path.read_text(encoding="utf-8").replace('"#definitions/', '"#/definitions/')
    return json.loads(text)


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema

    path = mct_schema_path()
    if path is None:
        return None
    return jsonschema.Draft7Validator(load_mct_schema(path))


def _s(value) -> str:
    return "" if value is None else str(value)


def _description(items: list[str]) -> list[dict]:
    return [{"description": text} for text in items if text]


def model_input_format(d: ModelDetails) -> str:
    """What the model takes, e.g. "raw 0-255 RGB image, 160x160 pixels" (MCT and CycloneDX say the same)."""
    return f"raw 0-255 RGB image, {d.input_size}x{d.input_size} pixels"


def model_output_format(d: ModelDetails) -> str:
    """What the model returns, e.g. "softmax probabilities over 2 classes: cat, dog"."""
    return f"softmax probabilities over {len(d.class_names)} classes: {', '.join(d.class_names)}"


def _performance_metric(c: Claim) -> dict:
    """One `performance_metric` from a claim; its `confidence_interval` also names the interval's `method`
    (the v0.0.2 schema allows extra keys there; MCT's own fields are the two bounds)."""
    entry = {"type": c.quantity, "value": _s(c.value), "slice": c.slice}
    if c.interval is not None:
        entry["confidence_interval"] = {"lower_bound": _s(c.ci_low), "upper_bound": _s(c.ci_high),
                                        "method": method_label(c.method)}
    return entry


def mct_document(card: Card, figures: list[Figure]) -> dict:
    """The MCT v0.0.2 dict; values are strings, as the schema requires."""
    d = card.details
    overview = " ".join(card.summary.sentences) if card.summary else f"{d.name}: {d.model_type}."
    details: dict = {"name": d.name, "overview": overview,
                     "documentation": " ".join(x for x in (d.description, card.get_started.note) if x)}
    owners = [{"name": who} for who in d.developers]
    if owners and card.closing.contact:
        owners[0]["contact"] = card.closing.contact
    if owners:
        details["owners"] = owners
    if d.version:
        details["version"] = {"name": d.version}
    if d.license:
        details["licenses"] = [{"identifier": d.license}]
    refs = [u for u in (d.repository, d.paper, d.demo) if u and "://" in u]
    if refs:
        details["references"] = [{"reference": u} for u in refs]
    citations = [{"style": s, "citation": c} for s, c in (("BibTeX", card.closing.bibtex), ("APA", card.closing.apa)) if c]
    if citations:
        details["citations"] = citations
    if card.get_started.model_path:
        details["path"] = card.get_started.model_path
    data = card.training.data
    datasets = [{"name": f"{data.source} ({s.name})",
                 "description": f"{s.n} images, {s.name} split; {data.description or data.source}; "
                                f"licence {data.license or 'not recorded'}; content hash {data.content_hash or 'not recorded'}"}
                for s in data.splits + data.eval_sets]
    if card.data_card is not None:
        for entry, split in zip(datasets, data.splits + data.eval_sets):
            entry["description"] += f"; data card {card.slug}.data.html: {card.data_card.split_headline(split.name)}"
    params: dict = {"data": datasets}
    if card.specs.architecture:
        params["model_architecture"] = card.specs.architecture
    if d.input_size:
        params["input_format"] = model_input_format(d)
    params["output_format"] = model_output_format(d)
    metrics = [_performance_metric(c) for c in card.claims.performance()]
    quantitative: dict = {"performance_metrics": metrics}
    graphics = [{"name": f.title, "image": base64.b64encode(f.png).decode("ascii")} for f in figures if f.png]
    if graphics:
        quantitative["graphics"] = {"description": "Figures of the card (PNG).", "collection": graphics}
    considerations = {
        "use_cases": _description([card.uses.direct, card.uses.downstream]),
        "limitations": _description([card.risks.text] + [f"Warning: {w}" for w in card.warnings + card.artifact_problems]
                                    + [r.text for r in card.risks.measured]
                                    + [f"Decision: {t}" for t in (card.decision.printed() if card.decision else [])]),
        "users": _description([card.decision.intended_users if card.decision else None]),
        "tradeoffs": _description([card.risks.recommendations]),
        "ethical_considerations": [{"name": card.uses.out_of_scope, "mitigation_strategy": "Out of scope: do not use the model for this."}]
        if card.uses.out_of_scope else [],
    }
    considerations = {k: v for k, v in considerations.items() if v}
    doc = {"schema_version": MCT_SCHEMA_VERSION, "model_details": details, "model_parameters": params,
           "quantitative_analysis": quantitative}
    if considerations:
        doc["considerations"] = considerations
    return doc


def validate_mct(doc: dict) -> None:
    """Check `doc` against MCT's schema when model-card-toolkit is installed (skipped otherwise)."""
    validator = _validator()
    if validator is None:
        return
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top level)"
        raise RuntimeError(f"bug: the MCT JSON does not match the Model Card Toolkit schema at {where}: {errors[0].message}")


def dump_mct(doc: dict) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
