"""One claim per fact: the typed numbers and sentences every output format of a card renders.

`Claim` (claim.py) is a number with its interval, n, unit, scope and subject; `Statement`
(ledger.py) a sentence with the relation it asserts (relations.py); `Ledger` every claim and
statement of one card. The consistency check (`modelcard.consistency`) reads the ledger and
every file `build` writes, and refuses a set of files that contradict it.
"""

from .claim import UNITS, Claim, Interval
from .ledger import STATEMENT_KINDS, ClaimConflict, Ledger, Statement
from .make import figure_claim, interval_of, metric_claim

__all__ = ["UNITS", "Claim", "Interval", "STATEMENT_KINDS", "ClaimConflict", "Ledger", "Statement",
           "figure_claim", "interval_of", "metric_claim"]
