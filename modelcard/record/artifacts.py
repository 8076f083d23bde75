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
    run_dir = Path(run_dir)
    record[CHECKSUMS_KEY] = {rel: sha256_hex(run_dir / rel) for rel in artifact_paths(record)
                             if (run_dir / rel).is_file()}


def artifact_problems(run_dir: Path, record: dict) -> list[str]:
    """One line per artifact that is missing from `run_dir` or differs from its recorded sha256,
    e.g. "predictions/test.npz is missing from the run folder ...". Empty when all is well."""
    run_dir = Path(run_dir)
    recorded: dict = dict(record.get(CHECKSUMS_KEY) or {})
    model_rel = (record.get("artifacts") or {}).get("model")
    model_sha = (record.get("model") or {}).get("file_sha256")
    if model_rel and model_sha and model_rel not in recorded:
        recorded[model_rel] = model_sha
    problems = []
    for rel in sorted(set(artifact_paths(record)) | set(recorded)):
        path = run_dir / rel
        if not path.is_file():
            if rel != model_rel:
                problems.append(f"run file {rel} is missing from the run folder: the numbers computed from it "
                                "can no longer be re-derived; restore it or re-create the run")
        elif rel in recorded and sha256_hex(path) != recorded[rel]:
            problems.append(f"run file {rel} has changed since the run wrote it (its sha256 differs from the one "
                            "in run.json): this card may not describe it; restore it or re-create the run")
    return problems
