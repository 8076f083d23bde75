"""`check --attest FILE`: the check's result as an in-toto Statement v1 (test-result predicate).

Subjects: the run's model file and every card file `build` wrote for it in --cards, by sha256, named
as in a signed bundle (`run/model.keras`, `cards/<file>`) so `sign --attest` and `verify` find them.
The predicate (modelcard/evidence/check_predicate.py) states each gate with its value, the metric's
interval, the bound and the outcome, and the policy by its sha256.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..errors import UserError


def gate_evidence(built, record) -> list:
    """Each gate of the policy with the interval and point estimate of the metric it reads."""
    from ..check.gate_names import NotMeasured, read
    from ..evidence.check_predicate import GateEvidence

    def part(gate, name):
        try:
            return read(dataclasses.replace(gate.metric, part=name), record)
        except NotMeasured:
            return None

    out = []
    for gate, result in zip(built.policy.gates if built.policy else [], built.gates):
        interval = None
        point = result.value
        if gate.metric.row.interval:
            low, high, point = part(gate, "ci_low"), part(gate, "ci_high"), part(gate, "value")
            interval = (low, high) if low is not None and high is not None else None
        out.append(GateEvidence(gate=result.gate, metric=result.metric, quantity=result.quantity, op=result.op,
                                bound=result.bound, value=result.value, interval=interval, point=point,
                                passed=result.passed, reason=result.reason))
    return out


def subjects(run, cards_dir: Path | None, slug: str) -> list[dict]:
    """The model file (hashed; the recorded sha256 when the file is not stored beside the record) and the card files."""
    from ..evidence import statement as st
    from ..evidence.layout import CARDS, RUN, card_files
    from ..record.artifacts import sha256_hex

    out = []
    model = run.model.artifacts.model if run.model.artifacts is not None else None
    if model and (run.path / model).is_file():
        out.append(st.subject(f"{RUN}/{model}", sha256_hex(run.path / model)))
    elif model and run.model.model is not None and run.model.model.file_sha256:
        out.append(st.subject(f"{RUN}/{model}", run.model.model.file_sha256,
                              note="sha256 as recorded: the file is not stored beside the record"))
    if cards_dir is not None and (Path(cards_dir) / f"{slug}.meta.json").is_file():
        out += [st.subject(f"{CARDS}/{rel}", sha256_hex(path))
                for rel, path in card_files(cards_dir, slug, run.run_id).items()]
    if not out:
        raise UserError(f"--attest: run {run.run_id} has no model file and no card in {cards_dir}; build the card "
                        "there first (`modelcard build --out DIR`), the statement needs a subject")
    return out


def write_check_statement(built, report, run, cards_dir: Path | None, path: Path) -> Path:
    """Write the statement of this check to `path` (validated with the in-toto library first)."""
    from ..evidence import statement as st
    from ..evidence.check_predicate import CheckOutcome, test_result_predicate

    inputs = built.inputs()
    outcome = CheckOutcome(
        passed=report.passed, run_id=run.run_id, gates=gate_evidence(built, run.model),
        policy_file=report.policy_file, policy_sha256=report.policy_sha256,
        card_info=(str(built.info_path), inputs["card_info_sha256"]) if built.info_path else None,
        completeness_failed=[i.item for i in report.completeness if not i.passed],
        completeness_total=len(report.completeness),
        consistency_failed=[v.line() for v in report.consistency])
    document = st.statement(subjects(run, cards_dir, built.card.slug), st.TEST_RESULT, test_result_predicate(outcome))
    return st.write(document, path)
