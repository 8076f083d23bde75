"""`card.yaml`: what only humans know about a model, read strictly.

Facts come from the run record; intent, licence, risks and contacts cannot be measured, so a
person writes them here. Every key is checked (unknown keys are named, types enforced) so a
typo such as `usage:` fails loudly instead of silently dropping a section from the card.
Key reference with examples: docs/card-yaml.md.
"""

from __future__ import annotations

import datetime
import fnmatch
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


from ..errors import UserError, read_user_yaml

CARD_INFO_FILE = "card.yaml"


@dataclass
class Uses:
    """Who should use the model for what, and what it must not be used for."""

    direct: str | None = None        # e.g. "Sorting clip-art stamps into 8 categories."
    downstream: str | None = None    # e.g. "A starting point for fine-tuning on other clip-art."
    out_of_scope: str | None = None  # e.g. "Any decision about people; photos of real scenes."


@dataclass
class Citation:
    """How to cite the model, in one or both usual styles."""

    bibtex: str | None = None  # e.g. "@misc{demo2026, title={...}}"
    apa: str | None = None     # e.g. "Doe, J. (2026). Demo stamp classifier."


@dataclass
class Environment:
    """Where training ran, when the collectors could not know it (stated as declared)."""

    cloud_provider: str | None = None  # e.g. "none (on-premises workstation)"
    cloud_region: str | None = None    # e.g. "europe-west1"
    hardware_type: str | None = None   # e.g. "2-core AMD EPYC virtual machine"


@dataclass(frozen=True)
class LabelReview:
    """A person's verdict on one image cleanlab flagged as a label disagreement (card.yaml `data.label_review`)."""

    file: str                 # the image's path as the data card lists it, e.g. "food/fruit/banana.png"
    outcome: str              # "confirmed" (the label is wrong) or "rejected" (the label is right)
    reviewer: str             # who looked, e.g. "Jane Doe"
    date: str                 # when, e.g. "2026-12-07"
    note: str | None = None   # e.g. "a plantain, labelled fruit: fine"


REVIEW_OUTCOMES = ("confirmed", "rejected")


@dataclass
class DataInfo:
    """What a person knows about the data that no run can measure (shown on the data card)."""

    license: str | None = None       # e.g. "CC-BY-4.0" (overrides nothing: shown beside the recorded licence)
    description: str | None = None   # e.g. "Clip-art stamps drawn and photographed by Tux Paint contributors."
    collection: str | None = None    # e.g. "Photos cut out by volunteers, 2002-2022; no scraping."
    consent: str | None = None       # e.g. "No people are shown; no consent was needed."
    known_biases: str | None = None  # e.g. "Mostly European and North American objects."
    label_review: list[LabelReview] = field(default_factory=list)  # reviewed label disagreements
    hub_id: str | None = None        # e.g. "AI-Lab-Makerere/beans": this data on the Hugging Face Hub (model-index, .eval_results)
    hub_task_id: str | None = None   # e.g. "default": the task of `hub_id` the results are for (its eval.yaml's task id)


@dataclass
class CardInfo:
    """Everything a person declares about the model; every field is optional.

    Missing fields become visible gaps on the card ("Not provided: add `uses.direct` ...").
    """

    model_name: str | None = None           # e.g. "tuxpaint-stamps-mobilenetv2"
    runs: list[str] = field(default_factory=list)  # e.g. ["demo-mobilenetv2", "demo-mobilenetv2-*"] (names or globs)
    description: str | None = None          # e.g. "Classifies Tux Paint stamps into 8 categories."
    developers: list[str] = field(default_factory=list)    # e.g. ["Jane Doe (Example Lab)"]
    shared_by: str | None = None            # e.g. "Example Lab"
    license: str | None = None              # e.g. "Apache-2.0" (SPDX identifier)
    version: str | None = None              # e.g. "1.0"
    repository: str | None = None           # e.g. "https://example.org/git/stamps"
    paper: str | None = None                # e.g. "https://arxiv.org/abs/1801.04381"
    demo: str | None = None                 # e.g. "https://example.org/demo"
    base_model: str | None = None           # e.g. "google/mobilenet_v2_1.0_224" (Hub id)
    uses: Uses = field(default_factory=Uses)
    bias_risks_limitations: str | None = None  # e.g. "Trained on clip-art only; ..."
    recommendations: str | None = None         # e.g. "Check a sample of predictions by hand."
    model_examination: str | None = None       # e.g. "Errors concentrate on fruit vs vegetables."
    citation: Citation = field(default_factory=Citation)
    glossary: dict[str, str] = field(default_factory=dict)  # e.g. {"ECE": "expected calibration error"}
    more_information: str | None = None     # e.g. "Built with modelcard."
    card_authors: list[str] = field(default_factory=list)   # e.g. ["Jane Doe"]
    contact: str | None = None              # e.g. "jane@example.org"
    tags: list[str] = field(default_factory=list)           # e.g. ["clip-art"]
    datasets: list[str] = field(default_factory=list)       # e.g. ["user/tuxpaint-stamps"] (Hub ids)
    environment: Environment = field(default_factory=Environment)
    data: DataInfo = field(default_factory=DataInfo)
    accuracy_bar: float | None = None       # e.g. 0.9: the accuracy the model must reach (the Decision says if it does)
    # e.g. 0.7 (every class) or {"vegetables": 0.8}: the recall each class must reach
    class_recall_bar: float | dict[str, float] | None = None
    group_accuracy_bar: float | None = None  # e.g. 0.85: the accuracy every group of every slice attribute must reach
    approved_by: str | None = None          # who signed the model off for its intended use, e.g. "Jane Doe"
    approval_date: str | None = None        # when, e.g. "2026-12-07" (quoted in YAML)
    intended_users: str | None = None       # e.g. "Teachers sorting classroom clip-art"


_NESTED = {"uses": Uses, "citation": Citation, "environment": Environment, "data": DataInfo}
_LISTS = {"runs", "developers", "card_authors", "tags", "datasets"}
_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")


def known_keys() -> list[str]:
    """Every accepted key, dotted for nested ones (e.g. `uses.direct`); used by docs and errors."""
    keys = []
    for f in fields(CardInfo):
        if f.name in _NESTED:
            keys += [f"{f.name}.{g.name}" for g in fields(_NESTED[f.name])]
        else:
            keys.append(f.name)
    return keys


def load_card_info(path: Path | None) -> CardInfo:
    """Read and check `card.yaml`; `None` gives an empty `CardInfo` (every human section a gap)."""
    if path is None:
        return CardInfo()
    path = Path(path)
    text, raw = read_user_yaml(path, f"card info file {path} does not exist; pass an existing --card-info file",
                               "see docs/card-yaml.md")
    if raw is None:
        return CardInfo()
    return parse_card_info(raw, where=str(path))


def parse_card_info(raw: Any, where: str = CARD_INFO_FILE) -> CardInfo:
    """Turn a parsed YAML mapping into `CardInfo`, naming any unknown key or wrong type."""
    top = _mapping(raw, where, "")
    _reject_unknown(top, [f.name for f in fields(CardInfo)], where, "")
    values: dict[str, Any] = {}
    for f in fields(CardInfo):
        if f.name not in top or top[f.name] is None:
            continue
        value = top[f.name]
        if f.name in _NESTED:
            cls = _NESTED[f.name]
            sub = _mapping(value, where, f.name + ".")
            _reject_unknown(sub, [g.name for g in fields(cls)], where, f.name + ".")
            values[f.name] = cls(**{k: _label_review(v, where) if (f.name, k) == ("data", "label_review")
                                    else _text(v, where, f"{f.name}.{k}") for k, v in sub.items() if v is not None})
        elif f.name in _LISTS:
            values[f.name] = _text_list(value, where, f.name)
        elif f.name == "glossary":
            terms = _mapping(value, where, "glossary.")
            values[f.name] = {_text(k, where, f"glossary term {k}"): _text(v, where, f"glossary.{k}")
                              for k, v in sorted(terms.items(), key=lambda kv: str(kv[0]))}
        elif f.name in ("accuracy_bar", "group_accuracy_bar"):
            values[f.name] = _fraction(value, where, f.name)
        elif f.name == "class_recall_bar":
            values[f.name] = ({str(k): _fraction(v, where, f"class_recall_bar.{k}")
                               for k, v in _mapping(value, where, "class_recall_bar.").items()}
                              if isinstance(value, dict) else _fraction(value, where, f.name))
        elif f.name == "approval_date" and isinstance(value, datetime.date):
            values[f.name] = value.isoformat()  # an unquoted YAML date is fine here: it is one
        else:
            values[f.name] = _text(value, where, f.name)
    info = CardInfo(**values)
    if info.base_model is not None and not _HUB_ID.match(info.base_model):
        raise UserError(f"{where}: `base_model` must be a Hugging Face Hub id like `google/mobilenet_v2_1.0_224`, "
                        f"got {info.base_model!r}")
    if info.data.hub_id is not None and not _HUB_ID.match(info.data.hub_id):
        raise UserError(f"{where}: `data.hub_id` must be a Hugging Face Hub dataset id like `user/name`, "
                        f"got {info.data.hub_id!r}")
    for dataset in info.datasets:
        if not _HUB_ID.match(dataset):
            raise UserError(f"{where}: `datasets` entries must be Hub ids like `user/name`, got {dataset!r}")
    return info


def _mapping(value: Any, where: str, prefix: str) -> dict:
    if not isinstance(value, dict):
        what = f"`{prefix.rstrip('.')}`" if prefix else "the top level"
        raise UserError(f"{where}: {what} must be a mapping of keys to values, got {type(value).__name__}; "
                        "see docs/card-yaml.md")
    return value


def _reject_unknown(mapping: dict, allowed: list[str], where: str, prefix: str) -> None:
    unknown = sorted(str(k) for k in mapping if k not in allowed)
    if unknown:
        names = ", ".join(f"`{prefix}{k}`" for k in unknown)
        raise UserError(f"{where}: unknown key(s) {names}; known keys: {', '.join(prefix + a for a in allowed)} "
                        "(see docs/card-yaml.md)")


def _text(value: Any, where: str, key: str) -> str:
    """Only YAML strings are text. A number, boolean or date would be changed by YAML before we
    see it (`version: 1.10` reads as 1.1, `on` as True), so it is an error: quote it."""
    if isinstance(value, (bool, int, float, datetime.date)):
        raise UserError(f"{where}: `{key}` must be text, but YAML reads it unquoted as the {_yaml_type(value)} "
                        f"{value!r}, which may not be what you wrote; quote it (put it in \"double quotes\") so it stays exactly as written")
    if not isinstance(value, str):
        raise UserError(f"{where}: `{key}` must be text, got {type(value).__name__}; see docs/card-yaml.md")
    text = value.strip()
    if not text:
        raise UserError(f"{where}: `{key}` is empty; remove the key or write its value")
    return text


def _label_review(value: Any, where: str) -> list[LabelReview]:
    """`data.label_review`: a list of {file, outcome, reviewer, date, note?} mappings."""
    if not isinstance(value, list):
        raise UserError(f"{where}: `data.label_review` must be a list of reviews (file, outcome, reviewer, date); "
                        "see docs/card-yaml.md")
    reviews = []
    allowed = [f.name for f in fields(LabelReview)]
    for i, item in enumerate(value):
        key = f"data.label_review[{i}]"
        entry = _mapping(item, where, key + ".")
        _reject_unknown(entry, allowed, where, key + ".")
        missing = [k for k in ("file", "outcome", "reviewer", "date") if entry.get(k) is None]
        if missing:
            raise UserError(f"{where}: `{key}` lacks {', '.join(f'`{k}`' for k in missing)}; a review names the file, "
                            "its outcome (confirmed or rejected), the reviewer and the date")
        date = entry["date"].isoformat() if isinstance(entry["date"], datetime.date) else _text(entry["date"], where,
                                                                                               f"{key}.date")
        outcome = _text(entry["outcome"], where, f"{key}.outcome")
        if outcome not in REVIEW_OUTCOMES:
            raise UserError(f"{where}: `{key}.outcome` must be confirmed (the label is wrong) or rejected (the label "
                            f"is right), got {outcome!r}")
        reviews.append(LabelReview(file=_text(entry["file"], where, f"{key}.file"), outcome=outcome,
                                   reviewer=_text(entry["reviewer"], where, f"{key}.reviewer"), date=date,
                                   note=_text(entry["note"], where, f"{key}.note") if entry.get("note") else None))
    return reviews


def _yaml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "date"


def _fraction(value: Any, where: str, key: str) -> float:
    """A share between 0 and 1 written as a YAML number, e.g. `accuracy_bar: 0.9`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise UserError(f"{where}: `{key}` must be a number between 0 and 1 (e.g. 0.9 for 90%), got {value!r}")
    return float(value)


def describes_run(info: CardInfo, name: str, run_id: str) -> bool:
    """Whether `card.yaml` is about this run: `model_name` equals the run's name, or an entry of
    `runs:` (a name, run id or glob pattern such as `demo-mobilenetv2-*`) matches its name or id."""
    if info.model_name is not None and info.model_name == name:
        return True
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(run_id, p) for p in info.runs)


def _text_list(value: Any, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise UserError(f"{where}: `{key}` must be a list of text, got {type(value).__name__}; see docs/card-yaml.md")
    return [_text(v, where, f"{key}[{i}]") for i, v in enumerate(value)]


def human_value(info: CardInfo, key: str) -> Any:
    """A card.yaml value by dotted key (`uses.direct`); None when unset or unknown to this version."""
    value: Any = info
    for part in key.split("."):
        value = getattr(value, part, None)
    return value or None
