"""The consistency check: every file `build` writes states each fact as the card's one claim does.

`check_outputs(ledger, outputs)` reads every written file back (`stated.py`, no renderer
imported) and returns the violations of the invariants (`invariants.INVARIANTS`); `build`
refuses to write files that break one, and `check` reports the same rows.
"""

from ..errors import InconsistentCard
from .invariants import INVARIANTS, Evidence, Invariant, Violation, violations
from .stated import read_outputs


def check_outputs(ledger, outputs: dict[str, str | bytes], allowed: tuple[str, ...] = (),
                  decision: tuple[str, ...] = ()) -> list[Violation]:
    """The violations of the card's claims by the files in `outputs` ({relative path: content}); `allowed`:
    text from the data or from people, which the leak scan ignores (`card.build.data_texts`); `decision`: the
    Decision's printed sentences (`Decision.printed`), which the machine formats must carry."""
    return violations(Evidence(ledger, read_outputs(outputs), tuple(allowed), tuple(decision)))


def check_ledger(ledger, allowed: tuple[str, ...] = ()) -> list[Violation]:
    """The violations the claims alone show (no file read): identities, sums, comparisons, checks."""
    return violations(Evidence(ledger, allowed=tuple(allowed)))


__all__ = ["InconsistentCard", "INVARIANTS", "Evidence", "Invariant", "Violation", "violations", "read_outputs", "check_outputs",
           "check_ledger"]
