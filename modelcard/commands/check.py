"""`modelcard check`: gates, completeness and coverage for a run (or what a Markdown card shows)."""

from __future__ import annotations

import json
from pathlib import Path

from typing import TYPE_CHECKING

from ..errors import UserError, read_user_text
from .options import add_runs_dir

if TYPE_CHECKING:  # the card side loads only when the command runs, so `modelcard --help` stays fast
    from ..check.coverage import CoverageSummary
    from ..check.report import CheckReport
    from ..record import RunRef


def written_files(card, cards_dir: Path | None, run_id: str, inputs: dict | None = None) -> tuple[dict[str, str], str]:
    """The text files `build` wrote for this card in `cards_dir` (listed by its meta.json), and what the check
    covers in words; no files when the folder holds no card of this run."""
    claims_only = "the card's claims (no files checked"
    meta_path = Path(cards_dir) / f"{card.slug}.meta.json" if cards_dir is not None else None
    if meta_path is None or not meta_path.is_file():
        return {}, f"{claims_only}: no {card.slug}.meta.json in {cards_dir}; build with --format json to check files)"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read {meta_path}: {exc}; rebuild the card with `modelcard build`") from None
    if meta.get("run_id") != run_id:
        return {}, f"{claims_only}: {meta_path} is the card of run {meta.get('run_id')})"
    built_from = meta.get("inputs") or {}
    changed = [name for name, key in (("card.yaml", "card_info_sha256"), ("policy", "policy_sha256"))
               if inputs is not None and built_from.get(key) != inputs.get(key)]
    if changed:
        return {}, (f"{claims_only}: the files in {cards_dir} were built with another {' and '.join(changed)}; rebuild "
                    "them with the same inputs to check them)")
    files = {meta_path.name: meta_path.read_text(encoding="utf-8")}
    for rel in meta.get("files") or {}:
        path = Path(cards_dir) / rel
        if path.suffix in (".md", ".html", ".json", ".yaml") and path.is_file():
            files[rel] = path.read_text(encoding="utf-8")
    return files, f"the card's claims and the {len(files)} files `build` wrote in {cards_dir}"


def check_run(run: RunRef, *, card_info: Path | None = None, runs_dir: Path | None = None,
              policy: Path | None = None, with_coverage: bool = False, cards_dir: Path | None = None,
              attest: Path | None = None) -> CheckReport:
    """Check the card `build` would render for `run`: the policy's gates, completeness, the consistency of its
    claims and of the files `build` wrote for it in `cards_dir`, coverage; `attest`: also write the result there
    as an in-toto statement (`check_attest.py`)."""
    from ..built_card import card_for_run, data_texts
    from ..check.report import CheckReport
    from ..consistency import check_ledger, check_outputs

    built = card_for_run(run, card_info, runs_dir, policy)  # a bad policy fails first
    report = CheckReport(target=f"run {run.run_id} ({run.path})",
                         card_info=str(built.info_path) if built.info_path else "no card.yaml",
                         policy_file=str(policy) if built.policy else None,
                         policy_sha256=built.policy.sha256 if built.policy else None)
    if built.policy:
        report.gates = built.gates
    report.completeness = built.completeness
    files, report.consistency_scope = written_files(built.card, cards_dir, run.run_id, built.inputs())
    allowed, decision = data_texts(built), tuple(built.card.decision.printed()) if built.card.decision else ()
    report.consistency = (check_outputs(built.card.claims, files, allowed, decision) if files
                          else check_ledger(built.card.claims, allowed))
    report.warnings = list(built.text_warnings)
    if with_coverage:
        report.coverage = built.coverage
    if attest is not None:
        from .check_attest import write_check_statement

        write_check_statement(built, report, run, cards_dir, attest)
    return report


def coverage_summary(run: RunRef, *, card_info: Path | None = None, runs_dir: Path | None = None) -> CoverageSummary:
    """The documentation coverage of the card `build` renders for `run` (e.g. a fraction for an index page)."""
    from ..built_card import card_for_run
    from ..check.coverage import coverage_fraction

    return coverage_fraction(card_for_run(run, card_info, runs_dir).coverage)


def check_markdown(path: Path) -> CheckReport:
    """Check a rendered Markdown card: sections, gap lines and placeholders; the rest needs the run."""
    from ..check import markdown_card
    from ..check.report import CheckReport

    path = Path(path)
    if path.suffix.lower() != ".md":
        raise UserError(f"--card {path}: pass the Markdown card (cards/NAME.md); HTML and JSON are not parsed")
    text = read_user_text(path, f"card {path} does not exist; pass an existing cards/NAME.md (or --run)")
    return CheckReport(target=f"card {path}", card_info=None, policy_file=None, policy_sha256=None,
                       completeness=markdown_card.from_markdown(text), not_checked=list(markdown_card.NEEDS_RUN))


def run_command(args) -> int:
    """The CLI handler: print the report (text or --json); exit 0 all pass, 1 a failure (2 via UserError)."""
    from ..record import resolve_run, resolve_runs_dir
    from ..check.report import format_text

    if args.card:
        if args.policy or args.coverage or args.attest:
            flag = "--policy" if args.policy else "--coverage" if args.coverage else "--attest"
            raise UserError(f"{flag} needs the run record, which a Markdown card does not hold; use --run instead "
                            "of --card")
        report = check_markdown(Path(args.card))
    else:
        runs_dir = resolve_runs_dir(args.runs_dir)
        run = resolve_run(args.run or "latest", runs_dir)
        report = check_run(run, card_info=Path(args.card_info) if args.card_info else None, runs_dir=runs_dir,
                           policy=Path(args.policy) if args.policy else None, with_coverage=args.coverage,
                           cards_dir=Path(args.cards), attest=Path(args.attest) if args.attest else None)
    if args.json:
        print(json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(format_text(report), end="")
    return 0 if report.passed else 1


def register(sub) -> None:
    """Add the `check` subcommand to the `modelcard` parser."""
    c = sub.add_parser("check", help="check a card: policy gates, completeness, documentation coverage",
                       description="Check the card of a run: gates from a policy file (docs/policy.md), that every "
                       "section holds measured facts or human text, that sign-off sections are written and no "
                       "placeholder is left, that the card's claims and the files `build` wrote for the run (in --cards) "
                       "keep the consistency invariants (README, Consistency), and (--coverage) which HF-template and "
                       "EU AI Act Annex IV items the card fills. Exit 0 when all pass, 1 when a gate, completeness item "
                       "or invariant fails, 2 on a usage error.")
    target = c.add_mutually_exclusive_group()
    target.add_argument("--run", default=None, metavar="latest|RUN_ID|PATH", help="which run (default: latest)")
    target.add_argument("--card", default=None, metavar="cards/NAME.md",
                        help="check a rendered Markdown card instead (sections and placeholders only)")
    c.add_argument("--policy", default=None, metavar="YAML", help="policy file: a `gates:` list of `METRIC OP NUMBER`")
    c.add_argument("--coverage", action="store_true", help="add the documentation coverage table (HF, Annex IV)")
    c.add_argument("--cards", default="cards", metavar="DIR",
                   help="folder where `build` wrote this run's card: its files are checked against the card's claims "
                        "(default: cards/; none there for this run: the claims alone are checked)")
    c.add_argument("--json", action="store_true", help="print JSON instead of tables")
    c.add_argument("--attest", default=None, metavar="FILE",
                   help="also write the result as an in-toto Statement v1 (test-result predicate: each gate's value, "
                        "interval, bound and outcome, the policy's sha256) about the model and the card files in --cards")
    c.add_argument("--card-info", default=None, metavar="YAML",
                   help="human-written card information (default: ./card.yaml when it exists)")
    add_runs_dir(c)
    c.set_defaults(handler=run_command)
