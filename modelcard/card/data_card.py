"""The data card's content, assembled from a run record and `card.yaml`'s `data:` keys.

Pure: no files are read or written here. It follows the "Datasheets for Datasets" questions a
run can answer, in order: source and licence, composition, integrity, image quality, label
issues, and what is not known (named gaps for a person to fill in card.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis.label_conflicts import LabelConflict
from .info import DataInfo
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
    # Certain label conflicts (the model card's, `card/sections/conflicts.py`) and the test accuracy they cap
    label_conflicts: list[LabelConflict] = field(default_factory=list)
    accuracy_ceiling: float | None = None                     # e.g. 0.9 (None: no error forced)
    files: DataFiles | None = None  # the run's data_files.csv (1.3), e.g. DataFiles("data_files.csv", "41ab…", (...))

    def review_of(self, path: str) -> str:
        """The review card.yaml records for one suspect, e.g. "rejected by Jane Doe, 2026-12-07: a plantain"."""
        review = next((r for r in self.human.label_review if r.file == path), None)
        if review is None:
            return "not reviewed"
        words = "confirmed label error" if review.outcome == "confirmed" else "rejected (the label is right)"
        return f"{words}, by {review.reviewer}, {review.date}" + (f": {review.note}" if review.note else "")

    def unmatched_reviews(self) -> list[str]:
        """The files card.yaml reviews that no split lists as a suspect (a typo, or a review for another run)."""
        listed = {str(s.get("path")) for i in self.label_issues for s in (i.entry.suspects or [])}
        return [r.file for r in self.human.label_review if r.file not in listed]

    def review_tally(self, split: str) -> str:
        """e.g. "2 confirmed as label errors, 3 rejected, 5 not reviewed" for one split's suspects."""
        entry = next((i.entry for i in self.label_issues if i.split == split), None)
        confirmed, rejected, left = self._review_counts(entry.suspects if entry is not None else None)
        return (f"{confirmed} confirmed as label errors, {rejected} rejected (the label is right), "
                f"{left} not reviewed (card.yaml `data.label_review`)")

    def _review_counts(self, suspects) -> tuple[int, int, int]:
        """(confirmed, rejected, not reviewed) among a split's suspects, by card.yaml's reviews."""
        outcome = {r.file: r.outcome for r in self.human.label_review}
        found = [outcome.get(str(s.get("path"))) for s in suspects or []]
        return found.count("confirmed"), found.count("rejected"), found.count(None)

    def left_out(self) -> LeftOut | None:
        """The files the scan left out, in the model card's words (e.g. "3,495 non-image files; ...")."""
        return left_out(self.source)

    def confirmed_pairs(self) -> list[NearPair]:
        """The leakage guard's confirmed near duplicates (pairs of a 1.0 record were all grouped)."""
        pairs = self.source.duplicates.near_pairs if self.source.duplicates else []
        return [p for p in pairs or [] if p.counts_as_confirmed()]

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
        """The label-disagreement rate of each split with its review, e.g. ["label disagreements to review in test:
        2 (5.7%, ...; reviewed: 1 rejected)"]."""
        return [issue_text(item) + self._reviewed(item) for item in self.label_issues]

    def _reviewed(self, item: LabelIssueSplit) -> str:
        """e.g. "; reviewed: 0 confirmed, 10 rejected" when card.yaml reviews some of the split's suspects."""
        confirmed, rejected, left = self._review_counts(item.entry.suspects)
        if not confirmed + rejected:
            return ""
        return (f"; reviewed: {confirmed} confirmed as label errors, {rejected} rejected"
                + (f", {left} not reviewed" if left else ""))

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
        return f"label disagreements in {item.split}: not looked for"
    return (f"label disagreements to review in {item.split}: {item.entry.count} "
            f"({_pct(rate.value)}, 95% CI {_pct(rate.ci_low)} to {_pct(rate.ci_high)})")


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def has_data_card(record: dict | RunRecord) -> bool:
    """A data card is written for runs that collected its facts (train, evaluate) or label issues."""
    record = RunRecord.of(record)
    return bool(record.data_card or record.label_issues)


def data_card(record: dict | RunRecord, info: DataInfo, slug: str, name: str,
              files: DataFiles | None = None, conflicts: list[LabelConflict] = (),
              ceiling: float | None = None) -> DataCard:
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
        gaps=gaps, files=files, label_conflicts=list(conflicts), accuracy_ceiling=ceiling,
    )
