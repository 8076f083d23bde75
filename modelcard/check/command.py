"""`modelcard check`: gates, completeness and coverage for a run (or what a Markdown card shows)."""

from __future__ import annotations

import json
from pathlib import Path

from ..consistency import check_ledger, check_outputs
from ..errors import UserError, read_user_text
from ..record import RunRef
from ..card.build import card_for_run, data_texts
from . import markdown_card
from .coverage import CoverageSummary, coverage_fraction
from .report import CheckReport


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
        if path.suffix in (".md", ".html", ".json") and path.is_file():
            files[rel] = path.read_text(encoding="utf-8")
    return files, f"the card's claims and the {len(files)} files `build` wrote in {cards_dir}"


def check_run(run: RunRef, *, card_info: Path | None = None, runs_dir: Path | None = None,
              policy: Path | None = None, with_coverage: bool = False, cards_dir: Path | None = None) -> CheckReport:
    """Check the card `build` would render for `run`: the policy's gates, completeness, the consistency of its
    claims and of the files `build` wrote for it in `cards_dir`, coverage."""
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
    return report


def coverage_summary(run: RunRef, *, card_info: Path | None = None, runs_dir: Path | None = None) -> CoverageSummary:
    """The documentation coverage of the card `build` renders for `run` (e.g. a fraction for an index page)."""
    return coverage_fraction(card_for_run(run, card_info, runs_dir).coverage)


def check_markdown(path: Path) -> CheckReport:
    """Check a rendered Markdown card: sections, gap lines and placeholders; the rest needs the run."""
    path = Path(path)
    if path.suffix.lower() != ".md":
        raise UserError(f"--card {path}: pass the Markdown card (cards/NAME.md); HTML and JSON are not parsed")
    text = read_user_text(path, f"card {path} does not exist; pass an existing cards/NAME.md (or --run)")
    return CheckReport(target=f"card {path}", card_info=None, policy_file=None, policy_sha256=None,
                       completeness=markdown_card.from_markdown(text), not_checked=list(markdown_card.NEEDS_RUN))


def run_command(args) -> int:
    """The CLI handler: print the report (text or --json); exit 0 all pass, 1 a failure (2 via UserError)."""
    from ..record import resolve_run, resolve_runs_dir
    from .report import format_text

    if args.card:
        if args.policy or args.coverage:
            flag = "--policy" if args.policy else "--coverage"
            raise UserError(f"{flag} needs the run record, which a Markdown card does not hold; use --run instead "
                            "of --card")
        report = check_markdown(Path(args.card))
    else:
        runs_dir = resolve_runs_dir(args.runs_dir)
        run = resolve_run(args.run or "latest", runs_dir)
        report = check_run(run, card_info=Path(args.card_info) if args.card_info else None, runs_dir=runs_dir,
                           policy=Path(args.policy) if args.policy else None, with_coverage=args.coverage,
                           cards_dir=Path(args.cards))
    if args.json:
        print(json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(format_text(report), end="")
    return 0 if report.passed else 1
