"""in-toto Statement v1: built as JSON, validated with the in-toto attestation library, written.

Validation (`validate`) parses the JSON into the library's `Statement` protobuf (unknown fields
refused), runs its `validate()` (type, subjects with digests, predicate type and object), and for the
two predicates modelcard writes parses the predicate into its own protobuf too: the test-result
predicate (`check --attest`) and SLSA provenance v1 (`train`).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..atomic import write_text
from ..errors import UserError

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
TEST_RESULT = "https://in-toto.io/attestation/test-result/v0.1"
SLSA_PROVENANCE = "https://slsa.dev/provenance/v1"


def subject(name: str, sha256: str, **annotations) -> dict:
    """A ResourceDescriptor naming a bundle file by its sha256, e.g. subject("run/model.keras", "7ae2...")."""
    out = {"name": name, "digest": {"sha256": sha256}}
    if annotations:
        out["annotations"] = annotations
    return out


def statement(subjects: list[dict], predicate_type: str, predicate: dict) -> dict:
    """The statement as JSON (keys as the in-toto spec spells them); `validate` it before writing."""
    return {"_type": STATEMENT_TYPE, "subject": subjects, "predicateType": predicate_type, "predicate": predicate}


def _predicate_message(predicate_type: str):
    """The library's protobuf class for a predicate type modelcard writes; None for any other."""
    if predicate_type == TEST_RESULT:
        from in_toto_attestation.predicates.test_result.v0 import test_result_pb2

        return test_result_pb2.TestResult
    if predicate_type == SLSA_PROVENANCE:
        from in_toto_attestation.predicates.provenance.v1 import provenance_pb2

        return provenance_pb2.Provenance
    return None


def validate(document: dict) -> None:
    """Raise ValueError unless `document` is a valid in-toto Statement v1 (and, for the test-result and SLSA
    provenance predicates, a valid predicate of that type), as the in-toto attestation library judges it."""
    from google.protobuf import json_format
    from in_toto_attestation.v1 import statement_pb2
    from in_toto_attestation.v1.statement import Statement

    try:
        pb = json_format.ParseDict(document, statement_pb2.Statement())
    except json_format.ParseError as exc:
        raise ValueError(f"not an in-toto Statement v1: {exc}") from None
    Statement.copy_from_pb(pb).validate()
    if document.get("_type") != STATEMENT_TYPE:
        raise ValueError(f"_type is {document.get('_type')!r}, not {STATEMENT_TYPE}")
    message = _predicate_message(pb.predicate_type)
    if message is not None:
        try:
            json_format.ParseDict(document["predicate"], message())
        except json_format.ParseError as exc:
            raise ValueError(f"not a valid {pb.predicate_type} predicate: {exc}") from None


def write(document: dict, path: Path) -> Path:
    """Validate, then write the statement as indented JSON (atomically)."""
    validate(document)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc}; pass a writable path") from None
    return path


def read(path: Path) -> dict:
    """A statement file as JSON; ValueError when it is not JSON or not an object."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"not readable as JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    return document
