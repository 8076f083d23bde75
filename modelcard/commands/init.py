"""`modelcard init`: write a commented card.yaml skeleton of every human-written key.

Each key gets a one-line explanation and an example; its value is the marker
`TODO(modelcard init)`, which `modelcard check` fails on until a person replaces it (or deletes
the key, which the card then names as not provided). With `--run`, `model_name` and `runs:`
are filled from that run. An existing file is never overwritten without `--force`.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import atomic
from ..check.placeholders import SKELETON_MARKER
from ..errors import UserError
from .options import add_runs_dir

if TYPE_CHECKING:
    from ..record import RunRef


@dataclass(frozen=True)
class SkeletonKey:
    """One key of the skeleton."""

    key: str          # dotted, e.g. "uses.direct"
    # "text" | "list" | "mapping" | "number" | "hub_id" | "hub_ids" | "hub_task" | "signoff" | "reviews" (all but the first
    # three are written commented out: a marker is no number, id, sign-off or review)
    kind: str
    explanation: str  # one line, e.g. "What the model is for, used as it is."
    example: str      # e.g. "Sorting clip-art stamps by category."


#: Every human-written key, in the order the card uses them (docs/card-yaml.md describes each).
KEYS = (
    SkeletonKey("model_name", "text", "Name on the card and in the file names (default: the run's name).",
                "Stamp Classifier"),
    SkeletonKey("runs", "list", "Which runs this file describes: run names or glob patterns.",
                "[demo-mobilenetv2-*]"),
    SkeletonKey("description", "text", "What the model does, in one or two sentences.",
                "Sorts Tux Paint clip-art stamps into 8 categories."),
    SkeletonKey("developers", "list", "Who built the model (people or organisations).", "[Jane Doe, Example Lab]"),
    SkeletonKey("shared_by", "text", "Who publishes the model, if not the developers.", "Example Lab"),
    SkeletonKey("license", "text", "The model's licence, as an SPDX identifier.", "Apache-2.0"),
    SkeletonKey("version", "text", "The model's version, and what it replaces.", "1.1 (replaces 1.0: more training data)"),
    SkeletonKey("repository", "text", "Where the code lives (URL).", "https://example.org/git/stamps"),
    SkeletonKey("paper", "text", "A paper or report about the model (URL).", "https://arxiv.org/abs/1801.04381"),
    SkeletonKey("demo", "text", "A place to try the model (URL).", "https://example.org/demo"),
    SkeletonKey("base_model", "hub_id", "The Hugging Face Hub id of the starting model, if it has one.",
                "google/mobilenet_v2_1.0_224"),
    SkeletonKey("uses.direct", "text", "What the model is for, used as it is, and by whom.",
                "Sorting clip-art stamps by category in a teaching app."),
    SkeletonKey("uses.downstream", "text", "What it can be fine-tuned for or built into.",
                "A starting point for fine-tuning on other clip-art."),
    SkeletonKey("uses.out_of_scope", "text", "Uses it must not be put to, or will not work for.",
                "Photos of real scenes; any decision about people."),
    SkeletonKey("bias_risks_limitations", "text", "Known limitations, biases and risks, in plain words.",
                "Trained on clip-art only; real photos were never seen."),
    SkeletonKey("recommendations", "text", "What users should do about those risks.",
                "Check a sample of predictions by hand before use."),
    SkeletonKey("accuracy_bar", "number", "The accuracy the model must reach, from 0 to 1: the Decision says "
                "whether it is met, not met or not established.", "0.9"),
    SkeletonKey("class_recall_bar", "number", "The recall every class must reach, from 0 to 1, or a mapping "
                "class -> recall: the Decision gives each class's verdict.", "0.7"),
    SkeletonKey("group_accuracy_bar", "number", "The accuracy every group of every slice attribute must reach, "
                "from 0 to 1: the Decision gives each group's verdict.", "0.85"),
    SkeletonKey("intended_users", "text", "Who the model is for: the Decision shows it beside the sign-off.",
                "Teachers sorting classroom clip-art."),
    SkeletonKey("approved_by", "signoff", "Who signed the model off for its intended use, after reading the "
                "Decision.", "Jane Doe"),
    SkeletonKey("approval_date", "signoff", "When it was signed off (YYYY-MM-DD).", '"2026-12-07"'),
    SkeletonKey("model_examination", "text", "What you learned by looking at the model's errors or internals.",
                "Errors concentrate on fruit vs vegetables."),
    SkeletonKey("data.description", "text", "What the training data is.",
                "Tux Paint stamps: photo cut-outs and cartoons, 8 categories."),
    SkeletonKey("data.license", "text", "The training data's licence.", "GPL-2.0-or-later"),
    SkeletonKey("data.collection", "text", "How the data was collected, selected and labelled.",
                "All stamps of the Debian package; labels are its folder names."),
    SkeletonKey("data.consent", "text", "Consent of the people in the data, or why none was needed.",
                "No people are depicted; no personal data."),
    SkeletonKey("data.known_biases", "text", "What the data over- or under-represents.",
                "Few artists; mostly objects on a plain background."),
    SkeletonKey("data.label_review", "reviews", "Your verdict on each label disagreement the data card lists: "
                "confirmed (the label is wrong) or rejected (it is right), with reviewer and date.",
                '[{file: food/fruit/banana.png, outcome: rejected, reviewer: Jane Doe, date: "2026-12-07", '
                'note: a banana}]'),
    SkeletonKey("data.hub_id", "hub_id", "The Hugging Face Hub id of this data set, if the Hub hosts it: the front "
                "matter's model-index and the .eval_results files need one (none is guessed).", "AI-Lab-Makerere/beans"),
    SkeletonKey("data.hub_task_id", "hub_task", "The task of that data set the results are for, as its eval.yaml "
                "names it (default: default).", "default"),
    SkeletonKey("citation.bibtex", "text", "How to cite the model, as BibTeX.", '"@misc{stamps2026, title={Stamp Classifier}}"'),
    SkeletonKey("citation.apa", "text", "How to cite the model, in APA style.", "Doe, J. (2026). Stamp Classifier."),
    SkeletonKey("glossary", "mapping", "Terms a reader may not know, with their meaning.",
                "{ECE: expected calibration error}"),
    SkeletonKey("more_information", "text", "Anything else a reader should know.", "Built with modelcard."),
    SkeletonKey("card_authors", "list", "Who wrote this card.", "[Jane Doe]"),
    SkeletonKey("contact", "text", "Whom to contact about the model.", "jane@example.org"),
    SkeletonKey("tags", "list", "Extra Hub tags.", "[clip-art, education]"),
    SkeletonKey("datasets", "hub_ids", "Hugging Face Hub ids of the training data sets, if they have them.",
                "[user/tuxpaint-stamps]"),
    SkeletonKey("environment.cloud_provider", "text",
                "The cloud provider, when codecarbon could not detect it (stated as declared).", "none (on-premises)"),
    SkeletonKey("environment.cloud_region", "text", "The compute region, when not detected (stated as declared).",
                "europe-west1"),
    SkeletonKey("environment.hardware_type", "text",
                "The hardware, used only when the run recorded none (stated as declared).", "2-core AMD EPYC VM"),
)

HEADER = f"""\
# card.yaml: what only people know about this model. `modelcard build` writes every number from
# the run record; the text here is yours. Replace every {SKELETON_MARKER} value with real text, or
# delete the key (the card then names that section as not provided): `modelcard check` fails while
# a marker is left. Text may use Markdown. Key reference: docs/card-yaml.md
"""


def _scalar(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _value(entry: SkeletonKey, run: RunRef | None) -> tuple[str | None, str]:
    """(YAML value, or None to write the key commented out; why it is commented)."""
    marker = _scalar(SKELETON_MARKER)
    if entry.key == "model_name":
        return (_scalar(run.model.name), "") if run else (None, "optional: uncomment to override the run's name")
    if entry.key == "runs":
        return (f"[{_scalar(run.model.name)}]", "") if run else (f"[{marker}]", "")
    if entry.kind in ("hub_id", "hub_ids"):
        return None, "optional: uncomment with a real Hub id (a marker is not a valid id)"
    if entry.kind == "hub_task":
        return None, "optional: uncomment with the task id of the data set's eval.yaml (a marker is no task id)"
    if entry.kind == "number":
        return None, "optional: uncomment with a number (a marker is not a number)"
    if entry.kind == "signoff":
        return None, "uncomment when the model is signed off; until then the Decision names it as not provided"
    if entry.kind == "reviews":
        return None, "optional: uncomment after reviewing the suspects in the data card's table"
    if entry.kind == "list":
        return f"[{marker}]", ""
    if entry.kind == "mapping":
        return f"{{{marker}: {marker}}}", ""
    return marker, ""


def skeleton(run: RunRef | None = None) -> str:
    """The skeleton text; keys this modelcard's card.yaml reader does not know are written commented out."""
    from ..card import known_keys

    accepted = set(known_keys())
    lines = [HEADER.rstrip("\n")]
    parent = None
    for entry in KEYS:
        head, _, leaf = entry.key.rpartition(".")
        indent = "  " if head else ""
        value, why = _value(entry, run)
        known = entry.key in accepted
        if not known:
            value, why = value or _scalar(entry.example), "not read by this modelcard version yet"
        comment = "# " if value is None or not known else ""
        if head and head != parent:
            lines += ["", f"{'# ' if not known else ''}{head}:"]
        elif not head:
            lines.append("")
        parent = head or None
        lines.append(f"{indent}# {entry.explanation} Example: {entry.example}")
        if why:
            lines.append(f"{indent}# ({why})")
        lines.append(f"{indent}{comment}{leaf or entry.key}: {value if value is not None else entry.example}")
    return "\n".join(lines) + "\n"


def init_card_yaml(out: Path, *, run: RunRef | None = None, force: bool = False) -> Path:
    """Write the skeleton to `out` (atomically); an existing file needs `force`."""
    out = Path(out)
    if out.is_dir():
        raise UserError(f"{out} is a folder; pass a file name with --out (e.g. --out {out / 'card.yaml'})")
    if out.exists() and not force:
        raise UserError(f"{out} already exists; pass --force to overwrite it, or --out another file")
    atomic.ensure_writable_dir(out.parent if str(out.parent) else Path("."))
    atomic.write_text(out, skeleton(run))
    return out


def register(sub) -> None:
    """Add the `init` subcommand to the `modelcard` parser."""
    i = sub.add_parser("init", help="write a commented card.yaml skeleton to fill in",
                       description="Write a card.yaml skeleton: every human-written key with a one-line explanation "
                       "and an example. Values to replace carry the marker TODO(modelcard init), which "
                       "`modelcard check` fails on until it is replaced.")
    i.add_argument("--out", default="card.yaml", metavar="YAML", help="where to write it (default: card.yaml)")
    i.add_argument("--run", default=None, metavar="latest|RUN_ID|PATH",
                   help="pre-fill model_name and runs: from this run")
    i.add_argument("--force", action="store_true", help="overwrite an existing file")
    add_runs_dir(i)
    i.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..record import resolve_run, resolve_runs_dir

    run = resolve_run(args.run, resolve_runs_dir(args.runs_dir)) if args.run else None
    print(init_card_yaml(Path(args.out), run=run, force=args.force))
    return 0
