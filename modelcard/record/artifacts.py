"""The run's files, checked: each artifact's sha256 is recorded when the run is finished, and a
card build reports any artifact that is missing or no longer the file the run wrote.

`run.json` holds the numbers; `predictions/<set>.npz` and `history.csv` are what they were
computed from. When one of them is deleted or edited, the card's numbers can no longer be
re-derived, so the card says so (visibly, naming the file) and `check` fails.

- `artifacts_sha256` (run record 1.1, optional): `{relative path: hex sha256}` of every file
  named in `artifacts` that existed when the run finished (written by `open_run`, which both
  training and `modelcard record` use).
- Records without it (1.0, or written before it existed): a missing file is still reported; a
  changed one cannot be detected, and nothing is claimed about it.
- The model file is big and often left out when a run is copied (the example run has none);
  its absence is explained under "How to Get Started", not reported here. When it is present,
  it is checked against `artifacts_sha256`, or else against `model.file_sha256`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

CHECKSUMS_KEY = "artifacts_sha256"


def sha256_hex(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks so large files do not sit in memory."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def artifact_paths(record: dict) -> list[str]:
    """Every relative path named in `artifacts` (nested mappings such as `predictions` included), sorted."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(record.get("artifacts") or {})
    return sorted(found)


def record_checksums(run_dir: Path, record: dict) -> None:
    """Set `record["artifacts_sha256"]` for every listed artifact that exists in `run_dir`."""
    record[CHECKSUMS_KEY] = artifact_checksums(run_dir, record)


def artifact_checksums(run_dir: Path, record: dict) -> dict[str, str]:
    """{relative path: sha256} of every listed artifact that exists in `run_dir`; an artifact that
    is a folder (e.g. `examples`) contributes each file inside it."""
    run_dir = Path(run_dir)
    sums = {}
    for rel in artifact_paths(record):
        path = run_dir / rel
        if path.is_file():
            sums[rel] = sha256_hex(path)
        elif path.is_dir():
            for inner in sorted(p for p in path.rglob("*") if p.is_file()):
                sums[inner.relative_to(run_dir).as_posix()] = sha256_hex(inner)
    return sums


@dataclass
class ArtifactCheck:
    """What the checksum check covered: which run files were verified, which could not be, and
    which are recorded but not stored beside the record."""

    verified: list[str] = field(default_factory=list)   # e.g. ["history.csv", "predictions/test.npz"]: present, sha256 matches
    unverified: list[str] = field(default_factory=list)  # e.g. ["history.csv"]: present, no sha256 recorded (older records)
    absent: dict[str, str | None] = field(default_factory=dict)  # e.g. {"model.keras": "1c4b9e..."}: recorded, not stored here
    problems: list[str] = field(default_factory=list)   # e.g. ["run file predictions/test.npz is missing ..."]

    def summary(self) -> str:
        """One line for the Checks table, e.g. "70 run files present and matching their recorded
        sha256; recorded but not stored beside the record, so not checked: model.keras (sha256 1c4b...)"."""
        if self.problems:
            return "; ".join(self.problems)
        parts = []
        if self.verified:
            parts.append(f"{len(self.verified)} run file(s) present and matching their recorded sha256")
        if self.unverified:
            parts.append(f"{len(self.unverified)} present with no sha256 recorded (only their presence was checked)")
        if not parts:
            parts.append("no run files to check")
        if self.absent:
            parts.append("recorded but not stored beside the record, so not checked: "
                         + ", ".join(f"{rel} (sha256 {sha})" if sha else rel for rel, sha in sorted(self.absent.items())))
        return "; ".join(parts)


def check_artifacts(run_dir: Path, record: dict) -> ArtifactCheck:
    """Every artifact of the record against `run_dir`: verified, present without a checksum,
    absent-by-design (the model file) or a problem (missing or changed)."""
    run_dir = Path(run_dir)
    recorded: dict = dict(record.get(CHECKSUMS_KEY) or {})
    model_rel = (record.get("artifacts") or {}).get("model")
    model_sha = (record.get("model") or {}).get("file_sha256")
    if model_rel and model_sha and model_rel not in recorded:
        recorded[model_rel] = model_sha
    check = ArtifactCheck()
    for rel in sorted(set(artifact_paths(record)) | set(recorded)):
        path = run_dir / rel
        if not (path.is_file() or path.is_dir()):
            if rel == model_rel:
                check.absent[rel] = recorded.get(rel)
            else:
                check.problems.append(f"run file {rel} is missing from the run folder: the numbers computed from it "
                                      "can no longer be re-derived; restore it or re-create the run")
        elif path.is_dir():
            continue  # a folder artifact: its files are listed in `recorded` one by one
        elif rel not in recorded:
            check.unverified.append(rel)
        elif sha256_hex(path) != recorded[rel]:
            check.problems.append(f"run file {rel} has changed since the run wrote it (its sha256 differs from the one "
                                  "in run.json): this card may not describe it; restore it or re-create the run")
        else:
            check.verified.append(rel)
    return check


def artifact_problems(run_dir: Path, record: dict) -> list[str]:
    """One line per artifact that is missing from `run_dir` or differs from its recorded sha256,
    e.g. "predictions/test.npz is missing from the run folder ...". Empty when all is well."""
    return check_artifacts(run_dir, record).problems
