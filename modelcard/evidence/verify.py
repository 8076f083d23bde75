"""Verify a release bundle: the signature, every file's hash, the card's and record's hash claims, and the
in-toto statements in it. Each drift is a `claims.Problem` naming the file and the claim it breaks."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from . import statement as st
from ..record.model import RunRecord
from .claims import Problem, check_claims, short
from ..record.artifacts import sha256_hex
from .layout import RUN, SIGNATURE, bundle_files, statement_names


@dataclass(frozen=True)
class Verifier:
    """How the signature is checked: a public key, a certificate chain, or a Sigstore identity and issuer."""

    key: Path | None = None
    chain: tuple[Path, ...] = ()
    certificate: bool = False
    identity: str | None = None
    issuer: str | None = None

    def config(self):
        from model_signing import verifying

        config = verifying.Config()
        if self.identity is not None:
            return config.use_sigstore_verifier(identity=self.identity, oidc_issuer=self.issuer)
        if self.certificate:
            return config.use_certificate_verifier(certificate_chain=list(self.chain))
        return config.use_elliptic_key_verifier(public_key=self.key)

    def describe(self) -> str:
        if self.identity is not None:
            return f"Sigstore identity {self.identity} ({self.issuer})"
        return f"certificate chain {', '.join(map(str, self.chain)) or '(system roots)'}" if self.certificate \
            else f"key {self.key}"


@dataclass
class Verification:
    """What `verify_bundle` found."""

    files: int = 0
    statements: list[str] = field(default_factory=list)   # e.g. ["run/provenance.intoto.json (slsa.dev/...)"]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def signed_resources(signature: Path) -> dict[str, str]:
    """The file hashes model-signing signed, from the DSSE payload of `model.sig` (read after the signature
    itself verified: model-signing checks the signature before it compares the files)."""
    bundle = json.loads(signature.read_text(encoding="utf-8"))
    payload = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    return {r["name"]: r["digest"] for r in payload["predicate"]["resources"]}


def _file_drift(bundle: Path, files: dict[str, Path]) -> list[Problem]:
    """Every file whose sha256 is not the signed one, and every file added or removed since signing."""
    signed = signed_resources(bundle / SIGNATURE)
    problems = []
    for name in sorted(set(signed) | set(files)):
        if name not in files:
            problems.append(Problem(name, "signed in model.sig", "the file is missing from the bundle"))
        elif name not in signed:
            problems.append(Problem(name, "not signed in model.sig", "the file was added after signing"))
        elif (found := sha256_hex(files[name])) != signed[name]:
            problems.append(Problem(name, f"model.sig signed sha256 {short(signed[name])}",
                                    f"the file has {short(found)}"))
    return problems


def check_signature(bundle: Path, verifier: Verifier, files: dict[str, Path]) -> list[Problem]:
    """The signature over the bundle, with model-signing; the files that drifted when it holds."""
    try:
        verifier.config().verify(bundle, bundle / SIGNATURE)
    except ValueError as exc:
        if str(exc).startswith("Signature mismatch"):
            return _file_drift(bundle, files) or [Problem(SIGNATURE, "the signed file list", str(exc))]
        return [Problem(SIGNATURE, f"the signature does not verify with {verifier.describe()}", str(exc))]
    except Exception as exc:  # noqa: BLE001 - a malformed signature file raises whatever its parser raises
        return [Problem(SIGNATURE, "a Sigstore bundle", f"cannot be read: {type(exc).__name__}: {exc}")]
    return []


def check_statements(files: dict[str, Path]) -> tuple[list[str], list[Problem]]:
    """Each in-toto statement valid (in-toto library), and each subject's sha256 that of the bundle file it names."""
    seen, problems = [], []
    for name in statement_names(files):
        try:
            document = st.read(files[name])
            st.validate(document)
        except ValueError as exc:
            problems.append(Problem(name, "is an in-toto Statement v1", str(exc)))
            continue
        seen.append(f"{name} ({document['predicateType']})")
        for subject in document["subject"]:
            target, sha = subject.get("name", ""), (subject.get("digest") or {}).get("sha256")
            claim = f"{name} states sha256 {short(sha)}"
            if target not in files:
                problems.append(Problem(target or name, claim, "the file is not in the bundle"))
            elif sha and (found := sha256_hex(files[target])) != sha:
                problems.append(Problem(target, claim, f"the file has {short(found)}"))
    return seen, problems


def verify_bundle(bundle: Path, verifier: Verifier, weights: Path | None = None) -> Verification:
    """Every check on a bundle folder; UserError when it is not one."""
    bundle = Path(bundle)
    if not (bundle / SIGNATURE).is_file():
        raise UserError(f"--bundle {bundle} has no {SIGNATURE}: pass a folder written by `modelcard sign`")
    if weights is not None and not Path(weights).is_file():
        raise UserError(f"--weights {weights} does not exist; pass the starting weights file")
    files = bundle_files(bundle)
    result = Verification(files=len(files))
    result.problems += check_signature(bundle, verifier, files)
    try:
        record = RunRecord.from_json((bundle / RUN / "run.json").read_text(encoding="utf-8"), where=f"{RUN}/run.json")
    except (OSError, ValueError, UserError) as exc:
        result.problems.append(Problem(f"{RUN}/run.json", "the run record", f"cannot be read: {exc}"))
    else:
        result.problems += check_claims(files, record, weights)
    result.statements, found = check_statements(files)
    result.problems = list(dict.fromkeys(result.problems + found))  # one line per drift
    return result
