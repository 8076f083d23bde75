"""The provenance statement `train` writes beside a run: SLSA provenance v1 for the model file.

Subject: the model file (`run/model.keras`) by sha256. Materials (`resolvedDependencies`): the data
(its content hash, `data.content_hash`, sha-256 over the sorted `class\\tpath\\tsha256` lines of
`data_files.csv`), the starting weights (their sha256 and origin), the code (the git commit, or the
package version when there is none) and the configuration (the effective configuration, also in
`externalParameters`, by the sha256 of its canonical JSON). Everything comes from the run record, so
the statement can be written again from a record alone.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..record import RUN_JSON, RunRecord, read_run
from . import statement as st
from ..record.artifacts import sha256_hex
from .layout import PROVENANCE, RUN

BUILD_TYPE = "https://github.com/modelcard/modelcard/blob/main/docs/run-record.md#provenance-statement"
BUILDER = "https://github.com/modelcard/modelcard#modelcard-train"


def canonical_sha256(value) -> str:
    """sha256 of a JSON value written canonically (sorted keys, no spaces), e.g. of the configuration."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _materials(record: RunRecord) -> list[dict]:
    """The data, starting weights, code and configuration, each with a digest when the record has one."""
    out = []
    data = record.data
    if data is not None and data.content_hash:
        out.append({"name": "data", "digest": {"sha256": data.content_hash.removeprefix("sha256:")},
                    "uri": f"file://{data.root}" if data.root else "",
                    "annotations": {"n_files": data.n_files, "source": data.source,
                                    "content_hash": "sha-256 over the sorted `class\\tpath\\tsha256` lines of "
                                                    "run/data_files.csv"}})
    weights = record.model.weights if record.model is not None else None
    if weights is not None and weights.sha256:
        out.append({"name": "starting-weights", "digest": {"sha256": weights.sha256},
                    "annotations": {"origin": weights.origin or "", "source": weights.source or ""}})
    prov = record.provenance
    if prov is not None and prov.git_commit:
        out.append({"name": "code", "digest": {"gitCommit": prov.git_commit},
                    "annotations": {"git_dirty": bool(prov.git_dirty),
                                    "modelcard_version": prov.modelcard_version or ""}})
    elif prov is not None and prov.modelcard_version:
        out.append({"name": "code", "uri": f"pkg:pypi/modelcard@{prov.modelcard_version}"})
    if record.config:
        out.append({"name": "configuration", "digest": {"sha256": canonical_sha256(record.config)},
                    "mediaType": "application/json"})
    return out


def provenance_statement(run_dir: Path, record: RunRecord) -> dict | None:
    """The statement for the run in `run_dir`; None when the run kept no model file (e.g. a sweep member
    that kept only its head weights)."""
    model_name = record.artifacts.model if record.artifacts is not None else None
    if not model_name or not (Path(run_dir) / model_name).is_file():
        return None
    prov = record.provenance
    predicate = {
        "buildDefinition": {"buildType": BUILD_TYPE,
                            "externalParameters": {"configuration": record.config or {},
                                                   "command_line": record.command_line or []},
                            "resolvedDependencies": _materials(record)},
        "runDetails": {"builder": {"id": BUILDER, "version": {"modelcard": (prov.modelcard_version or "")
                                                              if prov else ""}},
                       "metadata": {"invocationId": record.run_id,
                                    **({"startedOn": prov.started_at} if prov and prov.started_at else {}),
                                    **({"finishedOn": prov.ended_at} if prov and prov.ended_at else {})}},
    }
    model = st.subject(f"{RUN}/{model_name}", sha256_hex(Path(run_dir) / model_name))
    return st.statement([model], st.SLSA_PROVENANCE, predicate)


def write_provenance(run_dir: Path) -> Path | None:
    """Write `provenance.intoto.json` in the run folder of a complete run that kept its model; the path, or None."""
    run_dir = Path(run_dir)
    if not (run_dir / RUN_JSON).is_file():
        return None
    record = read_run(run_dir)
    if record.status != "complete":
        return None
    document = provenance_statement(run_dir, record)
    return st.write(document, run_dir / PROVENANCE) if document is not None else None
