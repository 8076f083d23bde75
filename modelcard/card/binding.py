"""Which `card.yaml` applies to a run, so human text cannot land on the wrong model.

A `card.yaml` describes the runs whose name equals its `model_name` or matches an entry of its
`runs:` list (names, run ids or glob patterns such as `demo-mobilenetv2-*`). The implicit
`./card.yaml` is applied only to runs it describes; for any other run it is left out (said on
stderr) and every human section is a named gap. A file passed explicitly with `--card-info` is
always applied, but when it does not describe the run the card carries a visible warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..record.model import RunRecord
from .info import CARD_INFO_FILE, CardInfo, describes_run, load_card_info


@dataclass
class BoundInfo:
    """The human text for one run and what to tell the reader about where it came from."""

    info: CardInfo                                          # e.g. CardInfo(model_name="Stamp Classifier", ...)
    card_warnings: list[str] = field(default_factory=list)  # on the card, e.g. ["card.yaml passed with --card-info describes ..."]
    notices: list[str] = field(default_factory=list)        # stderr only, e.g. ["./card.yaml not applied: ..."]
    path: Path | None = None                                # the file applied, e.g. Path("card.yaml"); None if none


def _describes(info: CardInfo) -> str:
    parts = [f"model_name `{info.model_name}`"] if info.model_name else []
    if info.runs:
        parts.append("runs " + ", ".join(f"`{p}`" for p in info.runs))
    return " and ".join(parts) if parts else "no run (it has neither `model_name` nor `runs:`)"


def bind_card_info(explicit: Path | None, record: RunRecord | Mapping[str, Any], cwd: Path | None = None) -> BoundInfo:
    """The `CardInfo` to use for `record`: `explicit` (--card-info) or `./card.yaml` when it exists.
    `record` is the typed run record (a validated record dict is typed first, for callers that hold one)."""
    typed = RunRecord.of(record)
    name, run_id = typed.name, typed.run_id
    if explicit is not None:
        info = load_card_info(Path(explicit))
        if describes_run(info, name, run_id):
            return BoundInfo(info, path=Path(explicit))
        return BoundInfo(info, path=Path(explicit), card_warnings=[
            f"the card.yaml passed with --card-info describes {_describes(info)}, not this run `{name}`; "
            "its human text was applied anyway: check that it is about this model, then add the run's name "
            "to its `runs:` list"])
    default = (Path(cwd) if cwd is not None else Path()) / CARD_INFO_FILE
    if not default.is_file():
        return BoundInfo(CardInfo())
    info = load_card_info(default)
    if describes_run(info, name, run_id):
        return BoundInfo(info, path=default)
    return BoundInfo(CardInfo(), notices=[
        f"./{CARD_INFO_FILE} not applied: it describes {_describes(info)}, not run `{name}` ({run_id}); "
        f"every human section is left as a gap. Add `{name}` to its `runs:` list, or pass --card-info FILE"])
