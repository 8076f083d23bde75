"""The Glossary's own entries: every interval method a claim on the card uses, and every term of art the
card prints, each defined once here (card.yaml's glossary adds the reader's own terms).

Methods come from the card's claims (`Ledger`), so a method is defined exactly when some number on the
card carries it. Terms come from `TERMS`: one row per term, with the probe that says whether this card
prints it (the same facts that make the sentence using it appear).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .intervals import METHOD_DEFINITIONS, method_label, resamples_words


@dataclass(frozen=True)
class Term:
    """One term of art: its name, its meaning in plain words, and whether a card prints it."""

    term: str                       # e.g. "recipe"
    meaning: str                    # e.g. "The settings a model is trained with ..."
    used: Callable[[object], bool]  # (card) -> does the card print it?


def _robustness(card) -> bool:
    return bool(card.evaluation.robustness and card.evaluation.robustness.measured)


def _cv(card) -> bool:
    return bool(card.evaluation.seeds_cv and card.evaluation.seeds_cv.cv)


TERMS = (
    Term("recipe", "The settings and data a model is trained with (backbone, head, optimizer, learning rate, "
         "epochs, train+val images), as opposed to one trained model: cross-validation retrains the recipe on other "
         "folds, so its estimate is about models made this way, not about the shipped one.", _cv),
    Term("Nadeau-Bengio corrected t interval", "A t interval over the K fold scores whose variance is inflated by "
         "1/K + (images tested per fold) / (images trained on per fold), because the folds' training sets overlap "
         "(Nadeau & Bengio 2003).", _cv),
    Term("ImageNet-C severity", "How strong a corruption is, on the 1 to 5 scale of ImageNet-C (Hendrycks & "
         "Dietterich 2019): 1 is barely visible, 5 severe; the parameters of each corruption are in the robustness "
         "method note.", _robustness),
    Term("relative robustness", "The mean accuracy over every corruption and severity divided by the clean "
         "accuracy on the same images: 1 means corruptions cost nothing.", _robustness),
    Term("pHash", "Perceptual hash: a 64-bit fingerprint of an image's coarse structure (its low frequencies). "
         "Near-identical images, resized or recompressed, get hashes that differ in few bits, so pairs within a few "
         "bits are near-duplicate candidates.",
         lambda c: bool(c.training.data.duplicates and c.training.data.duplicates.hash)),
    Term("self-confidence", "cleanlab's label-quality score of an image: the probability the model gives to the "
         "image's given label. A low score marks a label disagreement to review, not a proven label error.",
         lambda c: bool(c.data_card and c.data_card.label_issues)),
    Term("p95", "The 95th percentile: 95% of the timed runs took at most this long.",
         lambda c: "latency_ms_batch1" in (c.training.efficiency or {})),
    Term("weighted average", "The mean over classes, each class weighted by its number of images.",
         lambda c: any("f1_weighted" in ev.metrics for ev in c.evaluation.sets)),
    Term("CO2eq", "CO2-equivalent: greenhouse gases counted as the mass of CO2 with the same warming effect; "
         "codecarbon estimates it as energy used times the grid's carbon intensity.",
         lambda c: c.environment.emissions is not None),
    Term("MB", "Megabyte: 1,000,000 bytes, the card's one unit for sizes (files, weights and memory).",
         lambda c: c.training.file_bytes is not None or bool(c.training.efficiency)),
    Term("Grad-CAM", "Gradient-weighted class activation mapping (Selvaraju et al. 2017): a coarse map of where a "
         "convolutional layer's features raised the predicted class's score.",
         lambda c: bool(c.examination.grid and c.examination.grid.gradcam_sentence)),
)


def method_entries(card) -> dict[str, str]:
    """One entry per interval method a claim on the card uses, named as the tables name it."""
    first = card.evaluation.sets[0].bootstrap if card.evaluation.sets else None
    entries = {}
    for claim in card.claims:
        method = claim.method
        definition = METHOD_DEFINITIONS.get(method) if method else None
        if definition and method_label(method) not in entries:
            entries[method_label(method)] = definition.format(resamples=resamples_words(first, method))
    return dict(sorted(entries.items(), key=lambda kv: kv[0].lower()))


def term_entries(card) -> dict[str, str]:
    """The terms of art this card prints."""
    return {t.term: t.meaning for t in TERMS if t.used(card)}
