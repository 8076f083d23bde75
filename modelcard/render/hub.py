"""The Hugging Face Hub's formats for a card's results: which Hub dataset they are on, and the
`.eval_results/*.yaml` files of huggingface_hub 2.x.

A Hub result needs a Hub dataset id, and none is ever guessed: it is card.yaml's `data.hub_id`, or
the Hub id of a `tfds:NAME` source when the Hub hosts that data set under a known id
(`TFDS_HUB_IDS`); otherwise there is none, and `build` says why on one line
(`HubDataset.why_none`). The Hub's own spec: https://huggingface.co/docs/hub/eval-results and
https://github.com/huggingface/hub-docs/blob/main/eval_results.yaml.

Layout (docs/hub.md): `build` writes `<slug>.eval_results/<name>.yaml` beside `<slug>.md`. Uploaded
as a model repo, `<slug>.md` is the repo's `README.md` and `<slug>.eval_results/` its
`.eval_results/` folder. Each file is a YAML list of entries, one per evaluation set of the run's
own data: `dataset.id` and `dataset.task_id`, `value` (the set's accuracy claim, full precision),
and `notes`, the one free-text field, with the set, its size and the interval with its method
(the format has no field for an interval, a sample size or a method).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from ..card.formatting import num
from ..card.info import CardInfo
from ..card.intervals import method_label
from ..card.model import Card

EVAL_RESULTS_SUFFIX = ".eval_results"
#: The task of a data set that defines none (the Hub names a data set's only config and task `default`).
DEFAULT_TASK_ID = "default"
#: tfds names whose data the Hub hosts under a known id (the canonical repos, moved to their owners in 2024).
#: A tfds name not listed has no Hub id here: set `data.hub_id` in card.yaml if you know one.
TFDS_HUB_IDS = {"beans": "AI-Lab-Makerere/beans", "cifar10": "uoft-cs/cifar10", "cifar100": "uoft-cs/cifar100",
                "fashion_mnist": "zalando-datasets/fashion_mnist", "food101": "ethz/food101", "mnist": "ylecun/mnist"}
#: The score an entry reports: the format has one value per data set and task, and a classification task's is accuracy.
HUB_SCORE = "accuracy"


@dataclass(frozen=True)
class HubDataset:
    """The Hub dataset a card's results are on, or why there is none."""

    id: str | None                 # e.g. "AI-Lab-Makerere/beans"; None: no known Hub id
    task_id: str = DEFAULT_TASK_ID  # e.g. "default"
    why_none: str | None = None    # e.g. "the data (demo) has no known Hub dataset id; set `data.hub_id` ..."


def hub_dataset(card: Card, info: CardInfo | None) -> HubDataset:
    """`data.hub_id` from card.yaml, else the Hub id of a known `tfds:NAME` source, else none (and why)."""
    data = info.data if info is not None else None
    task = (data.hub_task_id if data is not None else None) or DEFAULT_TASK_ID
    if data is not None and data.hub_id:
        return HubDataset(data.hub_id, task)
    source = card.training.data.source
    if source.startswith("tfds:") and source.removeprefix("tfds:") in TFDS_HUB_IDS:
        return HubDataset(TFDS_HUB_IDS[source.removeprefix("tfds:")], task)
    return HubDataset(None, why_none=f"the data ({source}) has no known Hub dataset id; set `data.hub_id` in "
                                     "card.yaml to the Hub id of this data to write them (docs/hub.md)")


def own_sets(card: Card) -> list:
    """The evaluation sets of the run's own data (its test split, or the predictions `record` read):
    not an extra `--eval-set` folder (`data.eval_sets`), whose Hub id is unknown."""
    extra = {s.name for s in card.training.data.eval_sets}
    return [ev for ev in card.evaluation.sets if ev.name not in extra]


def set_words(ev) -> str:
    """How an entry names its set, e.g. "the test set of this run (test split, 32 images)"."""
    return f"the {ev.name} set of this run ({ev.source or ev.name}, {ev.n_samples} images)"


def entry_notes(ev, claim) -> str:
    """e.g. "accuracy on the test set of this run (test split, 32 images; not necessarily the Hub dataset's own
    split); 95% CI 0.799 to 0.983 (Wilson score interval)"."""
    words = (f"{HUB_SCORE} on {set_words(ev).removesuffix(')')}; not necessarily the Hub dataset's own split)")
    if claim.interval is None:
        return words + f"; no interval ({claim.no_interval or claim.reason or 'none recorded'})"
    level = round((claim.interval.level or 0.95) * 100)
    return words + (f"; {level}% CI {num(claim.ci_low)} to {num(claim.ci_high)} "
                    f"({method_label(claim.method)})")


def eval_result_entries(card: Card, hub: HubDataset) -> list[dict]:
    """The `.eval_results` entries of the card (the dicts `parse_eval_result_entries` reads)."""
    if hub.id is None:
        return []
    out = []
    for ev in own_sets(card):
        claim = ev.metrics.get(HUB_SCORE)
        if claim is None or claim.value is None:
            continue
        out.append({"dataset": {"id": hub.id, "task_id": hub.task_id}, "value": claim.value,
                    "notes": entry_notes(ev, claim)})
    return out


def eval_results_files(card: Card, hub: HubDataset) -> dict[str, str]:
    """{relative path: YAML text}: `<slug>.eval_results/<dataset name>.yaml`, or nothing without a Hub id or a score."""
    entries = eval_result_entries(card, hub)
    if not entries:
        return {}
    name = hub.id.split("/")[-1]
    text = yaml.safe_dump(entries, sort_keys=True, allow_unicode=True, width=1000, default_flow_style=False)
    return {f"{card.slug}{EVAL_RESULTS_SUFFIX}/{name}.yaml": text}


def no_results_line(card: Card, hub: HubDataset) -> str | None:
    """The one stderr line saying why `build` wrote no `.eval_results` (None when it wrote some)."""
    if hub.id is None:
        return f"no Hub eval results and no model-index written: {hub.why_none}"
    if not eval_result_entries(card, hub):
        return (f"no Hub eval results written for {hub.id}: no evaluation set of the run's own data has an "
                f"{HUB_SCORE}")
    return None
