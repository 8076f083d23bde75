"""The data card's content, assembled from a run record and `card.yaml`'s `data:` keys.

Pure: no files are read or written here. It follows the "Datasheets for Datasets" questions a
run can answer, in order: source and licence, composition, integrity, image quality, label
issues, and what is not known (named gaps for a person to fill in card.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..card.info import DataInfo
from ..record.data_files import DataFiles
from ..record.left_out import LeftOut, left_out
from ..record.model import Composition, Data, LabelIssues, Metric, NearPair, Quality, RunRecord

ISSUE_NAMES = {"dark": "dark", "light": "light", "blurry": "blurry", "low_information": "low information",
               "odd_aspect_ratio": "odd aspect ratio", "odd_size": "odd size", "grayscale": "grayscale"}
SPLIT_ORDER = {"train": 0, "val": 1, "test": 2}
GAP_SECTIONS = {"data.license": "Data card / Source and licence", "data.collection": "Data card / Collection process",
                "data.consent": "Data card / Consent",
                "data.known_biases": "Data card / Demographic make-up and known biases"}


@dataclass
class LabelIssueSplit:
    """One split's estimated label errors, as the record holds them (`label_issues.<split>`)."""

    split: str            # e.g. "test"
    entry: LabelIssues    # e.g. measured=True, n=35, count=2, rate=Metric(0.057, 0.016, 0.186)


@dataclass
class DataCard:
    """Everything the data card shows, from the record's typed sections."""

    name: str                                   # e.g. "stamp-classifier"
    slug: str                                   # file stem: cards/<slug>.data.md
    created_by: str                             # "train", "evaluate" or "record"
    run_id: str                                 # e.g. "20260101T000000Z-abc123"
    source: Data                                # the record's `data` section
    license: str | None                         # e.g. "GPL-2.0-or-later (Debian package ...)"
    license_from: str | None                    # e.g. "the run record" or "card.yaml data.license"
    human: DataInfo = field(default_factory=DataInfo)
    splits: list[tuple[str, int, dict]] = field(default_factory=list)   # (name, n, class counts)
    composition: Composition | None = None      # `data_card.composition`
    unreadable: list[dict] = field(default_factory=list)
    exact_duplicates: list[list[str]] = field(default_factory=list)  # e.g. [["a/1.png", "b/1.png"]] (up to 12)
    quality: Quality | None = None              # `data_card.quality`
    label_issues: list[LabelIssueSplit] = field(default_factory=list)
    label_issues_skipped: bool = False          # True when the run used --label-issues none
    thumbnails: dict[str, str] = field(default_factory=dict)  # relpath -> run-relative PNG path
    errors: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)             # e.g. "data.consent"
    files: DataFiles | None = None  # the run's data_files.csv (1.3), e.g. DataFiles("data_files.csv", "41ab…", (...))

    def left_out(self) -> LeftOut | None:
        """The files the scan left out, in the model card's words (e.g. "3,495 non-image files; ...")."""
        return left_out(self.source)

    def confirmed_pairs(self) -> list[NearPair]:
        """The leakage guard's confirmed near duplicates (pairs of a 1.0 record were all grouped)."""
        pairs = self.source.duplicates.near_pairs if self.source.duplicates else []
        return [p for p in pairs or [] if (p.confirmed if p.has("confirmed") else True)]

    def gap_lines(self) -> list[str]:
        """One line per missing human key, e.g. "Data card / Consent: add `data.consent` to card.yaml"."""
        return [f"{GAP_SECTIONS[key]}: add `{key}` to card.yaml" for key in self.gaps]

    def composition_splits(self) -> list[tuple[str, dict]]:
        """The composition facts per split, in train, val, test order."""
        splits = (self.composition.splits if self.composition else None) or {}
        return [(k, splits[k]) for k in _ordered(splits)]

    def quality_splits(self) -> list[str]:
        """The splits cleanvision counted, in train, val, test order."""
        return _ordered((self.quality.counts if self.quality else None) or {})

    def split_headline(self, split: str) -> str:
        """The data card's figures for one split (for the MCT JSON's dataset entries)."""
        parts = []
        if self.quality and split in self.quality.counts:
            parts.append(f"{sum(self.quality.counts[split].values()):,} image-quality flag(s) from {self.quality.tool}")
        item = next((i for i in self.label_issues if i.split == split), None)
        if item is not None:
            parts.append(issue_text(item))
        return "; ".join(parts) or "no data-card figures for this split"

    def quality_flags(self) -> str | None:
        """The image-quality flags over all splits, e.g. "12 image-quality flag(s) from cleanvision";
        None when image quality was not checked."""
        if not self.quality:
            return None
        flagged = sum(sum(c.values()) for c in self.quality.counts.values())
        return f"{flagged:,} image-quality flag(s) from {self.quality.tool}"

    def issue_lines(self) -> list[str]:
        """The estimated label-issue rate of each split, e.g. ["estimated label issues in test: 2 (5.7%, ...)"]."""
        return [issue_text(item) for item in self.label_issues]

    def headline(self) -> str:
        """One line for the model card: image count, quality flags, estimated label-issue rates."""
        n = sum(n for _, n, _ in self.splits)
        parts = [f"{n:,} images"]
        if self.quality:
            parts.append(self.quality_flags())
        parts += self.issue_lines()
        return "; ".join(parts)


def _ordered(keys) -> list[str]:
    return sorted(keys, key=lambda k: (SPLIT_ORDER.get(k, 9), k))


def issue_text(item: LabelIssueSplit) -> str:
    rate = item.entry.rate
    if not item.entry.measured or not isinstance(rate, Metric) or rate.value is None:
        return f"label issues in {item.split}: not measured"
    return (f"estimated label issues in {item.split}: {item.entry.count} "
            f"({_pct(rate.value)}, 95% CI {_pct(rate.ci_low)} to {_pct(rate.ci_high)})")


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def has_data_card(record: dict | RunRecord) -> bool:
    """A data card is written for runs that collected its facts (train, evaluate) or label issues."""
    record = RunRecord.of(record)
    return bool(record.data_card or record.label_issues)


def data_card(record: dict | RunRecord, info: DataInfo, slug: str, name: str,
              files: DataFiles | None = None) -> DataCard:
    """Assemble the data card of `record` (see `has_data_card`); `files`: the manifest the record
    names, read from the run folder (`record.data_files.read_data_files`)."""
    record = RunRecord.of(record)
    data, section, found = record.data, record.data_card, record.label_issues or {}
    license_text, license_from = (data.license, "the run record") if data.license else (None, None)
    if info.license:
        license_text = info.license if not license_text else f"{info.license} (declared); recorded: {license_text}"
        license_from = "card.yaml `data.license`" + (" and the run record" if data.license else "")
    splits = [(k, int(data.splits[k].n or 0), dict(data.splits[k].class_counts or {})) for k in _ordered(data.splits)]
    issues = [LabelIssueSplit(k, found[k]) for k in _ordered(found)]
    present = {"data.license": bool(license_text), "data.collection": bool(info.collection),
               "data.consent": bool(info.consent), "data.known_biases": bool(info.known_biases)}
    gaps = [key for key in GAP_SECTIONS if not present[key]]
    return DataCard(
        name=name, slug=slug, created_by=record.created_by, run_id=record.run_id, source=data,
        license=license_text, license_from=license_from, human=info, splits=splits,
        composition=section.composition if section else None,
        unreadable=list((section.unreadable if section else None) or []),
        exact_duplicates=[list(g) for g in (section.exact_duplicates if section else None) or []],
        quality=section.quality if section else None, label_issues=issues,
        label_issues_skipped=(record.config or {}).get("label_issues") == "none",
        thumbnails=dict((section.thumbnails if section else None) or {}),
        errors=[f"A data-card collector failed, so part of this card is missing: {e}"
                for e in (section.errors if section else None) or []],
        gaps=gaps, files=files,
    )
