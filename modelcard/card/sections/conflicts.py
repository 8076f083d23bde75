"""Certain label conflicts on the card: the files the run used that are one image under several labels.

Read from the run's `data_files.csv` (path, class, split, sha256: identical files) and the record's
confirmed near-duplicate pairs (`analysis/label_conflicts.py` finds them). The test split's accuracy
ceiling they impose is a claim (a certain bound, no interval), and one measured-risk statement names
them; the data card lists every group (`datacard/model.py`).
"""

from __future__ import annotations

from pathlib import Path

from ...analysis.label_conflicts import LabelConflict, ceiling, identical_conflicts, near_conflicts
from ...claims import Claim, Statement, figure_claim
from ...claims.relations import AtMost
from ...record.data_files import read_data_files
from ...record.model import RunRecord
from .. import formatting as fmt

CEILING_WHY = ("the accuracy ceiling that identical test images under different labels impose (a certain bound: "
               "any model makes those errors)")


def label_conflicts(record: RunRecord, run_path: Path) -> list[LabelConflict]:
    """Identical files under different labels, then confirmed near-duplicate pairs under different labels."""
    files = read_data_files(Path(run_path), record)
    rows = files.rows if files is not None else ()
    found = identical_conflicts((f.path, f.class_name, f.split, f.sha256) for f in rows)
    dup = record.data.duplicates if record.data is not None else None
    pairs = [(p.a, p.b) for p in (dup.near_pairs if dup is not None else None) or [] if p.counts_as_confirmed()]
    return found + near_conflicts(pairs, {f.path: (f.class_name, f.split) for f in rows})


def ceiling_claim(conflicts: list[LabelConflict], n_test: int | None) -> Claim | None:
    """`test.accuracy_ceiling`: the highest test accuracy any model can reach; None when nothing is forced."""
    top = ceiling(conflicts, "test", n_test or 0)
    if top is None:
        return None
    return figure_claim("test.accuracy_ceiling", "test", "accuracy ceiling", top, "share", n=n_test,
                        no_interval=CEILING_WHY)


def conflict_statement(conflicts: list[LabelConflict], top: Claim | None, unit: str = "images") -> Statement | None:
    """The one sentence naming them (a measured risk; the summary says it too)."""
    if not conflicts:
        return None
    same = [c for c in conflicts if c.kind == "identical"]
    near = [c for c in conflicts if c.kind != "identical"]
    parts = []
    if same:
        parts.append(f"{len(same)} group(s) of identical {unit} carry different labels "
                     f"({'; '.join(', '.join(c.classes) for c in same[:5])}{'; ...' if len(same) > 5 else ''}; "
                     f"in {', '.join(sorted({s for c in same for s in c.splits}))})")
    if near:
        parts.append(f"{len(near)} confirmed near-duplicate pair(s) carry different labels "
                     f"({'; '.join(', '.join(c.classes) for c in near[:5])}{'; ...' if len(near) > 5 else ''})")
    text = ("Certain label conflicts, not estimates: " + "; ".join(parts) + ".")
    relation = None
    if top is not None:
        forced = sum(c.forced_in("test") for c in conflicts)
        text += (f" In test they force at least {forced} error(s) whatever the model, so no model can be right more "
                 f"than {fmt.num(top.value)} of the time there. The data card lists every file.")
        relation = AtMost("test.accuracy", top.key, 1e-12)
    else:
        text += " The data card lists every file."
    return Statement("risk.data.label_conflicts", "risk", text, relation, rule="label conflicts")


__all__ = ["label_conflicts", "ceiling_claim", "conflict_statement", "CEILING_WHY"]
