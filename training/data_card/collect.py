"""Collect the data card's facts during `train` and `evaluate`, and write them into each run.

Order: `collect()` once per command (decode, composition, cleanvision, duplicates), then
`measure_train()` once (K-fold label issues on the cached training features), then `write()`
per run folder (the test split's label issues from that run's own predictions, thumbnails,
`label_issues.csv` and the record's `data_card` and `label_issues`).

A collector that fails never breaks the run: each step is guarded, and its failure is written
into `data_card.errors` (and so named on the data card) instead.
"""

from __future__ import annotations

import hashlib
from typing import Callable, Sequence

import numpy as np

from modelcard import atomic
from modelcard.analysis import label_issues as li
from modelcard.analysis.crossval import DEFAULT_K, HEAD_METHOD, TooSmall, cross_validated_probs
from modelcard.errors import UserError
from modelcard.record import RunWriter
from modelcard.record.predictions import read_predictions
from modelcard.record.model import Duplicates, LabelIssues
from modelcard.record.typed import as_section

from ..progress import log
from .composition import composition
from .images import DecodedImages, Entry
from .quality import compare_duplicates, exact_groups_of, quality_section, run_cleanvision

THUMBS_DIR = "data_card"
CSV_FILE = li.CSV_FILE
MAX_NEAR_PAIRS_SHOWN = 12


def thumb_name(relpath: str) -> str:
    return f"{THUMBS_DIR}/{hashlib.sha256(relpath.encode('utf-8')).hexdigest()[:16]}.png"


class DataCardCollector:
    """The data card of one dataset, shared by every run (sweep member) made from it."""

    def __init__(self, splits: dict[str, Sequence], class_names: Sequence[str], duplicates: Duplicates | dict | None, *,
                 created_by: str, label_issues: bool = True, k: int = DEFAULT_K, seed: int = 0):
        self.splits = {name: list(samples) for name, samples in splits.items()}
        self.class_names = list(class_names)
        # `data.duplicates` (its JSON typed at the door, for older callers); the guard's confirmed near
        # duplicates (a 1.0-style pair without `confirmed` was grouped, so it counts)
        self.duplicates = as_section(Duplicates, duplicates or {})
        self.near_pairs = [p for p in self.duplicates.near_pairs or [] if p.counts_as_confirmed()]
        self.label_issues_on, self.k, self.seed = label_issues, k, seed
        self.section: dict = {"collected_by": created_by, "errors": []}
        self.images: DecodedImages | None = None
        self.index = {}
        self.wanted: set[str] = set()
        self.exact: list[list[str]] = []
        self._thumbs: dict[int, bytes] = {}  # shared by every run folder written
        self.train_entry: LabelIssues | None = None
        self.train_rows: list[dict] = []

    def _guard(self, step: str, fn: Callable[[], object]):
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - the data card never breaks a run
            message = f"{step} failed: {type(exc).__name__}: {str(exc).strip()[:200]}"
            self.section["errors"].append(message)
            log(f"data card: {message}")
            return None

    # -- once per command -------------------------------------------------------------
    def collect(self) -> None:
        """Composition, cleanvision and duplicates, each pass over the images streamed (no pixels kept)."""
        entries = [Entry(s.relpath, s.path, split) for split, samples in self.splits.items() for s in samples]
        self.images = self._guard("reading images", lambda: DecodedImages(entries))
        if self.images is None:
            return
        self.index = {e.relpath: i for i, e in enumerate(entries)}
        self.section["unreadable"] = [{"path": p, "reason": r} for p, r in sorted(self.images.failures.items())]
        self.section["composition"] = self._guard("composition", lambda: composition(self.images))
        self.exact = exact_groups_of([(s.relpath, s.sha256) for samples in self.splits.values() for s in samples])
        self.section["exact_duplicates"] = self.exact[:MAX_NEAR_PAIRS_SHOWN]
        self.wanted.update(group[0] for group in self.section["exact_duplicates"])
        self._guard("cleanvision", self._quality)
        pairs = self.near_pairs[:MAX_NEAR_PAIRS_SHOWN]
        self.wanted.update(f for p in pairs for f in (p.a, p.b))

    def _quality(self) -> None:
        lab, order = run_cleanvision(self.images)
        quality = quality_section(self.images, lab, order)
        quality["duplicates"] = compare_duplicates(lab, order, self.images, self.exact,
                                                   self.near_pairs,
                                                   self.duplicates.near_threshold)
        self.section["quality"] = quality
        self.wanted.update(x["path"] for rows in quality["examples"].values() for x in rows)

    def measure_train(self, features: Callable[[], np.ndarray], method_note: str | None = None) -> None:
        """K-fold label issues of the training split; `features()` gives its cached features."""
        if not self.label_issues_on or "train" not in self.splits:
            return
        samples = self.splits["train"]
        labels = np.asarray([s.label for s in samples], dtype=np.int64)
        ids = [s.relpath for s in samples]
        note = f" ({method_note})" if method_note else ""

        def run():
            try:
                cv = cross_validated_probs(features(), labels, self.class_names, k=self.k, seed=self.seed)
            except TooSmall as exc:
                method = f"cleanlab find_label_issues on K-fold cross-validated {HEAD_METHOD}{note}"
                return li.not_measured(len(labels), method, str(exc)), []
            method = f"cleanlab find_label_issues on {cv.k}-fold cross-validated {HEAD_METHOD}{note}"
            return li.measure(labels, cv.probs, self.class_names, ids, method=method, k_folds=cv.k, k_note=cv.note)

        self._keep_train(self._guard("label issues (train)", run), ids)

    def measure_train_from(self, probs: np.ndarray, method: str, k: int, k_note: str | None = None) -> None:
        """Label issues of the training split from out-of-fold `probs` made elsewhere (`train --cv`)."""
        if not self.label_issues_on or "train" not in self.splits:
            return
        samples = self.splits["train"]
        labels = np.asarray([s.label for s in samples], dtype=np.int64)
        ids = [s.relpath for s in samples]
        self._keep_train(self._guard("label issues (train)", lambda: li.measure(
            labels, probs, self.class_names, ids, method=method, k_folds=k, k_note=k_note)), ids)

    def _keep_train(self, result, ids: list[str]) -> None:
        if result is not None:
            self.train_entry, flagged = result
            self.train_rows = [li.suspect_row(f, self.class_names, ids) for f in flagged]

    # -- once per run folder ----------------------------------------------------------
    def write(self, writer: RunWriter, test_set: str = "test") -> None:
        """Fill the run's `data_card` and `label_issues`, its thumbnails and `label_issues.csv`."""
        section = dict(self.section, errors=list(self.section["errors"]))
        issues, rows = {}, {}
        if self.train_entry is not None:
            issues["train"], rows["train"] = self.train_entry, self.train_rows
        if self.label_issues_on:
            test = self._guard_into(section, "label issues (test)", lambda: self._test_issues(writer, test_set))
            if test is not None:
                issues["test"], rows["test"] = test
        wanted = set(self.wanted) | {s["path"] for entry in issues.values() for s in entry.suspects or []}
        section["thumbnails"] = self._guard_into(section, "thumbnails", lambda: self._thumbnails(writer, wanted)) or {}
        if issues:
            self._guard_into(section, "label_issues.csv", lambda: atomic.write_text(writer.path / CSV_FILE, li.csv_text(rows)))
        writer.set(data_card=section)
        if section["thumbnails"]:
            writer.add_artifact("data_card", THUMBS_DIR)
        if issues:
            writer.set(label_issues=issues)
            if (writer.path / CSV_FILE).is_file():
                writer.add_artifact("label_issues", CSV_FILE)
        try:
            writer.save()
        except UserError as exc:  # a bug in these sections must not cost the run: keep the rest
            writer.drop_section("label_issues")
            writer.drop_artifact("label_issues")
            writer.drop_artifact("data_card")
            writer.set(data_card={"collected_by": section["collected_by"],
                                  "errors": section["errors"] + [f"data card not recorded: {exc}"]})
            writer.save()

    def _guard_into(self, section: dict, step: str, fn):
        before = len(self.section["errors"])
        value = self._guard(step, fn)
        section["errors"].extend(self.section["errors"][before:])
        del self.section["errors"][before:]
        return value

    def _test_issues(self, writer: RunWriter, test_set: str):
        stored = writer.prediction_file(test_set)
        if stored is None:
            return None
        preds = read_predictions(stored)
        accuracy = writer.view().evaluations[test_set].metrics.get("accuracy")
        entry, flagged = li.from_predictions(preds.y_true, preds.y_prob, preds.class_names, preds.ids, accuracy)
        return entry, [li.suspect_row(f, preds.class_names, preds.ids) for f in flagged]

    def _thumbnails(self, writer: RunWriter, wanted: set[str]) -> dict[str, str]:
        if self.images is None:
            return {}
        out = {}
        for rel in sorted(wanted):
            i = self.index.get(rel)
            if i is None or self.images.facts[i] is None:
                continue
            name = thumb_name(rel)
            target = writer.path / name
            atomic.ensure_writable_dir(target.parent)
            if i not in self._thumbs:
                self._thumbs[i] = self.images.thumbnail_png(i)
            atomic.write_bytes(target, self._thumbs[i])
            out[rel] = name
        return out
