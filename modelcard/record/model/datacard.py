"""The `data_card` and `label_issues` sections: data-quality facts measured while the run read its data."""

from __future__ import annotations

from dataclasses import dataclass

from ..typed import Section
from .metric import Metric


@dataclass(frozen=True, kw_only=True)
class Composition(Section):
    edges: dict[str, list[float]]  # histogram bin edges, e.g. {"aspect": [0.0, 0.5, 0.75, ...], "long_side": [0, 64, ...]}
    splits: dict[str, dict]  # split -> sizes, modes, formats, e.g. {"test": {"formats": {"PNG": 32}, ...}}


@dataclass(frozen=True, kw_only=True)
class Quality(Section):
    tool: str  # e.g. "cleanvision 0.3.7"
    issue_types: list[str]  # e.g. ["dark", "light", "blurry", ...]
    counts: dict[str, dict[str, int]]  # split -> issue -> images flagged, e.g. {"train": {"grayscale": 5}}
    examples: dict[str, list[dict]]  # issue -> [{path, score, split}], e.g. {"odd_size": [{"path": "a.png", ...}]}
    n_checked: int | None = None  # images decoded and checked, e.g. 231
    duplicates: dict | None = None  # cleanvision's duplicates against the leakage guard, e.g. {"agree": False, ...}


@dataclass(frozen=True, kw_only=True)
class DataCardMeasurements(Section):
    collected_by: str  # "train", "evaluate" or "record", e.g. "train"
    errors: list[str]  # what could not be measured, e.g. []
    unreadable: list[dict] | None = None  # [{path, reason}], e.g. []
    exact_duplicates: list[list[str]] | None = None  # groups of identical files, e.g. []
    composition: Composition | None = None  # sizes, aspects and formats per split
    quality: Quality | None = None  # cleanvision's image-quality flags
    thumbnails: dict[str, str] | None = None  # image -> run-relative thumbnail, e.g. {"a.png": "data_card/07a1.png"}


@dataclass(frozen=True, kw_only=True)
class LabelIssues(Section):
    measured: bool  # e.g. True
    n: int  # images checked, e.g. 162
    count: int | None  # suspect labels, e.g. 10
    rate: Metric  # count / n, e.g. {"value": 0.0617, "ci_low": 0.034, "ci_high": 0.11}
    method: str  # e.g. "cleanlab find_label_issues on the 5-fold cross-validated ..."
    reason: str | None = None  # why not measured, e.g. "fewer than 2 images per class"
    k_folds: int | None = None  # e.g. 5
    k_note: str | None = None  # e.g. None
    per_class: dict[str, int] | None = None  # suspects per given class, e.g. {"fruit": 4}
    suspects: list[dict] | None = None  # [{path, given, suggested, confidence, score}]
    sensitivity: dict | None = None  # accuracy without the suspects, e.g. {"accuracy": 0.9375, ...}
    moves_accuracy: bool | None = None  # removing suspects moves accuracy past its interval, e.g. False
    rate_interval: str | None = None  # e.g. "Wilson score interval"
