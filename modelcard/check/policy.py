"""`policy.yaml`: a top-level `gates:` list of `METRIC OP NUMBER` strings, read strictly.

Everything wrong with the file (YAML syntax, an unknown key, a gate that is not
`METRIC OP NUMBER`, an operator other than >=, <=, >, <, a metric name not in the gate-name
table) is a `UserError`: one line naming the file, the gate and close matches; exit code 2.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import operator
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError, read_user_yaml
from ..record.model import RunRecord
from .gate_names import ResolvedName, close_matches, resolve

OPERATORS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
POLICY_KEYS = ("gates",)
_GATE = re.compile(r"^(?P<metric>[^<>=!≥≤]*?)\s*(?P<op>[<>=!≥≤]+)\s*(?P<number>.*?)\s*$")


@dataclass(frozen=True)
class Gate:
    """One gate, e.g. `accuracy.ci_low >= 0.80`."""

    text: str               # as written, e.g. "accuracy.ci_low >= 0.80"
    metric: ResolvedName    # the name matched to its gate-name table row
    op: str                 # ">=" | "<=" | ">" | "<"
    bound: float            # e.g. 0.8

    def holds(self, value: float) -> bool:
        return OPERATORS[self.op](value, self.bound)


@dataclass(frozen=True)
class Policy:
    """A policy file and its gates."""

    path: Path          # e.g. Path("policy.yaml")
    sha256: str         # of the file's bytes, e.g. "9f2c..."; shown on the card
    gates: list[Gate]


def load_policy(path: Path, record: dict | RunRecord | None = None) -> Policy:
    """Read and check a policy file; `record` (optional) makes the close-match hints name run values."""
    path = Path(path)
    text, raw = read_user_yaml(path, f"policy file {path} does not exist; pass an existing --policy file "
                                     "(format: docs/policy.md)", "format: docs/policy.md")
    if not isinstance(raw, dict):
        raise UserError(f"{path}: the top level must be a mapping with a `gates:` list, got "
                        f"{type(raw).__name__}; see docs/policy.md")
    unknown = [str(k) for k in raw if k not in POLICY_KEYS]
    if unknown:
        hint = difflib.get_close_matches(unknown[0], POLICY_KEYS, n=1)
        raise UserError(f"{path}: unknown key `{unknown[0]}`" + (f" (did you mean `{hint[0]}`?)" if hint else "")
                        + f"; known keys: {', '.join(POLICY_KEYS)}")
    gates = raw.get("gates")
    if not isinstance(gates, list) or not gates:
        raise UserError(f"{path}: `gates:` must be a non-empty list of `METRIC OP NUMBER` strings, e.g. "
                        "`- accuracy.ci_low >= 0.80`")
    parsed = [parse_gate(item, where=f"{path}: gate {i}", record=record) for i, item in enumerate(gates, 1)]
    return Policy(path=path, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), gates=parsed)


def parse_gate(item, where: str = "gate", record: dict | RunRecord | None = None) -> Gate:
    """`"accuracy.ci_low >= 0.80"` -> Gate; any mistake is a one-line UserError."""
    if not isinstance(item, str):
        raise UserError(f"{where}: {item!r} is not a string of the form `METRIC OP NUMBER` "
                        "(e.g. `- accuracy.ci_low >= 0.80`)")
    m = _GATE.match(item.strip())
    if not m or not m.group("metric"):
        raise UserError(f"{where} `{item}` is not of the form `METRIC OP NUMBER` (e.g. `accuracy.ci_low >= 0.80`)")
    op = m.group("op")
    if op not in OPERATORS:
        raise UserError(f"{where} `{item}`: bad operator `{op}`; use one of {', '.join(OPERATORS)}")
    number = m.group("number")
    try:
        bound = float(number)
    except ValueError:
        raise UserError(f"{where} `{item}`: `{number}` is not a number") from None
    if not math.isfinite(bound):
        raise UserError(f"{where} `{item}`: the bound must be a finite number, got `{number}`")
    name = m.group("metric").strip()
    resolved = resolve(name)
    if resolved is None:
        hints = close_matches(name, record)
        similar = f"close matches: {', '.join(hints)}" if hints else "no close match"
        raise UserError(f"{where} `{item}`: unknown metric `{name}`; {similar} (every name: docs/policy.md)")
    return Gate(text=f"{name} {op} {number}", metric=resolved, op=op, bound=bound)
