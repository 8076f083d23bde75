"""The warnings shown at the top of the card (header partial)."""

from __future__ import annotations

from ...record.model import RunRecord
from ..section_spec import SectionSpec

RANDOM_WEIGHTS = ("No pretrained weights were used: the backbone started from random weights, so these results "
                  "say nothing about a pretrained model")
TRAINED_ELSEWHERE = ("this model was trained elsewhere: its training data, settings and emissions are not in this "
                     "record")
#: How training worded these facts itself before the card did (records before this release hold the
#: sentence); the card words the fact once and drops the recorded restatement.
RESTATED = ("no pretrained weights were used", "this model was trained elsewhere", "fine-tuned: the top",
            "emissions: the energy of")


def card_warnings(record: RunRecord) -> list[str]:
    """The run's own warnings and those its facts imply (not complete, random weights, trained
    elsewhere, external predictions, uncommitted code), each once. Training records facts; the
    card words them here."""
    found = []
    if record.status != "complete":
        error = record.error
        why = f": {error.type}: {error.message}" if error else ""
        found.append(f"run {record.run_id} is not complete (status: {record.status}{why}); "
                     "its numbers may be partial")
    if record.model and record.model.weights.pretrained is False:  # None: trained elsewhere, unknown
        found.append(RANDOM_WEIGHTS)
    if record.created_by == "evaluate":
        found.append(TRAINED_ELSEWHERE)
    if finetuned := finetune_sentence(record):
        found.append(finetuned)
    if unmeasured := unmeasured_workers_sentence(record):
        found.append(unmeasured)
    if record.created_by == "record":
        found.append("Predictions came from an external model (`modelcard record`): model-only sections "
                     "describe nothing trained here")
    if record.provenance.git_dirty:
        found.append("the code had uncommitted changes when the run was made (git_dirty)")
    for text in record.warnings:
        if not _restates(text, found) and not any(text.lower() in w.lower() for w in found):
            found.append(text)
    return found


def finetune_sentence(record: RunRecord) -> str | None:
    """What fine-tuning trained and how, from `training` (records that state the augmentation), e.g.
    "fine-tuned: the top 1 backbone blocks were trained (block_16), BatchNorm layers kept frozen;
    training used random horizontal flips, ..."; None otherwise."""
    training = record.training
    if training is None or training.mode != "finetune" or not training.unfrozen_blocks or not training.augmentation:
        return None
    blocks = training.unfrozen_blocks
    return (f"fine-tuned: the top {len(blocks)} backbone blocks were trained ({', '.join(blocks)})"
            + (", BatchNorm layers kept frozen" if training.batchnorm_frozen else "")
            + f"; training used {training.augmentation}")


def unmeasured_workers_sentence(record: RunRecord) -> str | None:
    """A cluster run whose other workers' energy did not reach the chief (`emissions.cluster`), e.g.
    "emissions: the energy of 1 of the 2 workers was not measured; the carbon figure sums the others"."""
    cluster = record.emissions.cluster if record.emissions else None
    if cluster is None or cluster.workers_measured >= cluster.workers:
        return None
    return (f"emissions: the energy of {cluster.workers - cluster.workers_measured} of the {cluster.workers} workers "
            "was not measured; the carbon figure sums the others")


def _restates(text: str, found: list[str]) -> bool:
    """A recorded sentence that restates a fact the card already words (one of RESTATED)."""
    low = text.lower()
    return any(low.startswith(p) and any(w.lower().startswith(p) for w in found) for p in RESTATED)


SECTION = SectionSpec("header", order=10, build=lambda x: card_warnings(x.record), attr="warnings", part=list[str])
