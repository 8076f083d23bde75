"""The one assembly of a run's card: what `build` renders and `check` inspects.

`card_for_run` binds the card.yaml to the run (`binding.py`), assembles the typed `Card`
(`assemble.py`), verifies the run's files against their recorded checksums, attaches the data
card, evaluates the policy's gates, completeness and coverage once, and builds the Checks
subsection and the scorecard from them. Pure apart from reading the run folder: nothing is
rendered or written. `modelcard.render.build` renders a `BuiltCard`; `modelcard.commands.check`
reports on one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .check.bar_gates import looser_gates
from .check.class_names import unknown_class_words
from .check.completeness import Item, from_card, human_texts
from .check.coverage import CoverageRow, coverage, coverage_fraction
from .check.gates import GateResult, evaluate_policy
from .check.placeholders import SKELETON_MARKER, drop_skeleton_markers
from .check.policy import Policy, load_policy
from .check.report import gate_value, number, pass_count
from .compare.members import comparison_sources
from .card.data_card import data_card, has_data_card
from .record import RunRef, list_runs
from .record.artifacts import check_artifacts
from .record.data_files import read_data_files
from .record.model import Member
from .record.sweep_table import member_row
from .claims import Ledger
from .card.assemble import assemble_card
from .card.glossary import method_entries, term_entries
from .card.binding import bind_card_info
from .card.info import CardInfo
from .card.model import Card
from .card.registry import REGISTRY
from .card.sections.checks import BOUND_WORDS, FAIL, PASS, CheckRow, ChecksSection, checks_claims
from .card.section_spec import SectionInputs


@dataclass
class BuiltCard:
    """A run's card with everything computed about it, once."""

    card: Card                          # the typed card, checks, data card and scorecard attached
    info: CardInfo                      # the card.yaml bound to the run, `init` skeleton markers kept
    info_path: Path | None              # the card.yaml applied, e.g. Path("card.yaml"); None if none
    completeness: list[Item]            # completeness.from_card of the card and `info`
    coverage: list[CoverageRow]         # coverage.coverage of the card and `info`
    policy: Policy | None = None        # the policy read from `policy_path` (None without one)
    policy_path: Path | None = None     # e.g. Path("policy.yaml")
    gates: list[GateResult] = field(default_factory=list)  # the policy's gates on the run record
    # Human text that names a class the model does not have, e.g. ["card.yaml `description` names `food`, ..."]
    text_warnings: list[str] = field(default_factory=list)

    def inputs(self) -> dict[str, str | None]:
        """What the card was built from besides the run: the sha256 of the card.yaml and the policy applied
        (None when none), e.g. {"card_info_sha256": "9f2c...", "policy_sha256": None}; `meta.json` records
        them so `check` can tell whether the files in --cards were built from the same inputs."""
        info = hashlib.sha256(self.info_path.read_bytes()).hexdigest() if self.info_path is not None else None
        return {"card_info_sha256": info, "policy_sha256": self.policy.sha256 if self.policy else None}


def skeleton_note(keys: list[str]) -> str:
    """The one stderr line for `init` markers left in card.yaml."""
    return (f"card.yaml still holds {SKELETON_MARKER} in {', '.join(f'`{k}`' for k in keys)}: shown as not "
            "provided; write real text there or delete the key")


def sweep_members(run: RunRef, runs_dir: Path | None) -> list[Member] | None:
    """The record's own member table; only when it is empty, the sibling runs found in `runs_dir`."""
    sweep = run.model.sweep
    if sweep is None or not sweep.to_dict() or sweep.members or runs_dir is None:
        return None
    runs, _ = list_runs(Path(runs_dir))
    members = [member_row(other.model, theirs.parameters or {}, other.model.status, theirs.selected)
               for other in runs if (theirs := other.model.sweep) is not None and theirs.sweep_id == sweep.sweep_id]
    return members or None


def checks_section(policy_file: str, policy_sha256: str, results: list[GateResult], items: list[Item],
                   rows_covered: list[CoverageRow], missing_human: list[str] = (),
                   open_bars: list[str] = ()) -> ChecksSection:
    """The Checks subsection from the policy's gate results, the completeness items and the coverage rows
    (all computed once by `card.build.card_for_run`); `missing_human`: the card.yaml keys the model card and
    the data card name as not provided, which the verdict names when it passes anyway."""
    gates = [CheckRow(f"{g.metric} ({g.quantity})", gate_value(g), f"{BOUND_WORDS[g.op]} {number(g.bound)}",
                      PASS if g.passed else FAIL, g.reason or "") for g in results]
    rows = [CheckRow(i.item, i.detail.replace("`", ""), "", PASS if i.passed else FAIL, "") for i in items]
    n_gates, n_items = sum(g.passed for g in results), sum(i.passed for i in items)
    passed = n_gates == len(results) and n_items == len(items)
    summary = (f"{pass_count(n_gates, len(results), 'policy gates')}; "
               f"{pass_count(n_items, len(items), 'completeness items')} (model card and data card)")
    missing = sorted(set(missing_human))
    verdict = f"{'All checks pass' if passed else 'Some checks fail'}: {summary}"
    if passed and open_bars:  # a pass is no approval while a stated bar is not met or not established
        verdict += (f"; but {len(open_bars)} stated bar(s) the checks do not hold are not met or not established "
                    f"(see Decision): {', '.join(open_bars)}")
    if passed and missing:
        verdict += (f"; {len(missing)} human text(s) that no check requires are not provided and are named where "
                    f"they belong: {', '.join(f'`{k}`' for k in missing)}")
    return ChecksSection(policy_file=policy_file, policy_sha256=policy_sha256, gates=gates, completeness=rows,
                         passed=passed, summary=summary, coverage=coverage_fraction(rows_covered).sentence(),
                         verdict=verdict, failed=(len(results) - n_gates) + (len(items) - n_items),
                         missing_human=missing)


def card_for_run(run: RunRef, card_info: Path | None = None, runs_dir: Path | None = None,
                 policy: Path | None = None, *, compare: Sequence[RunRef] | None = None) -> BuiltCard:
    """The card of `run` with its gates, completeness and coverage (a bad policy or card.yaml is a UserError;
    the policy is read first)."""
    loaded = load_policy(Path(policy), run.model) if policy is not None else None
    bound = bind_card_info(card_info, run.model)
    shown, marked = drop_skeleton_markers(bound.info)
    card = assemble_card(run.model, shown, run_path=Path(run.path), sweep_members=sweep_members(run, runs_dir),
                         compared=comparison_sources(run, runs_dir, list(compare or [])), policy=loaded)
    card.warnings[:0] = bound.card_warnings
    text_warnings = unknown_class_words(shown, run.model, Path(run.path)) + looser_gates(shown, loaded)
    card.artifact_check = check_artifacts(Path(run.path), run.record)
    card.artifact_problems = list(card.artifact_check.problems)
    if has_data_card(run.model):
        card.data_card = data_card(run.model, shown.data, card.slug, card.details.name,
                                   files=read_data_files(Path(run.path), run.model),
                                   conflicts=card.training.data.label_conflicts,
                                   ceiling=card.training.data.accuracy_ceiling.value
                                   if card.training.data.accuracy_ceiling is not None else None)
        stray = card.data_card.unmatched_reviews()
        if stray:
            text_warnings.append(f"card.yaml `data.label_review` reviews {len(stray)} file(s) that no split lists as a "
                                 f"label disagreement to review: {', '.join(stray[:5])}; use the paths of the data "
                                 "card's table")
    elif shown.data.label_review:
        text_warnings.append("card.yaml `data.label_review` reviews files, but this run looked for no label "
                             "disagreements; train with --label-issues or drop the reviews")
    card.build_notes = bound.notices + ([skeleton_note(marked)] if marked else []) + text_warnings
    built = BuiltCard(card=card, info=bound.info, info_path=bound.path, completeness=from_card(card, bound.info),
                      coverage=coverage(card, bound.info), text_warnings=text_warnings)
    if loaded is not None:
        built.policy, built.policy_path = loaded, Path(policy)
        built.gates = evaluate_policy(loaded, run.model, frozenset(r.file for r in shown.data.label_review))
        card.checks = checks_section(built.policy_path.name, loaded.sha256, built.gates, built.completeness,
                                     built.coverage, list(card.gaps) + (card.data_card.gaps if card.data_card else []),
                                     [v.statement.text.split(": ")[0] for v in card.decision.blocking]
                                     if card.decision else [])
    for section in REGISTRY.build_order(final=True):  # the scorecard: derived from the checks and the data card
        setattr(card, section.attr, section.build(SectionInputs(record=run.model, info=shown, run_path=Path(run.path),
                                                                parts=card)))
    card.claims = claims_of(card)
    card.closing.methods, card.closing.terms = method_entries(card), term_entries(card)  # from every claim
    return built


def data_texts(built: BuiltCard) -> tuple[str, ...]:
    """Text a card prints from the data or from people, which no repr or template can have made: class names,
    slice columns and groups, names, and every card.yaml text (the consistency check's leak scan skips them)."""
    card = built.card
    found = list(card.details.class_names) + [card.details.name, card.details.run_id]
    found += [x for ev in card.evaluation.sets for s in ev.slices for x in (s.column, *(g.group for g in s.groups))]
    found += [text for _, text in human_texts(built.info)]
    return tuple(dict.fromkeys(str(x) for x in found if x))


def claims_of(card: Card) -> Ledger:
    """Every claim and statement of the assembled card, section by section in card order (a key stated
    twice with different content is a `ClaimConflict`)."""
    ledger = Ledger()
    for section in REGISTRY.sections:
        ledger.extend(section.claims(card))
    if card.checks is not None:
        ledger.extend(checks_claims(card.checks))
    return ledger
