"""Assemble a release bundle and sign it with OpenSSF model-signing (OMS format).

`sign_release` copies the run folder to `run/`, the card files `build` wrote for it to `cards/` and any
in-toto statements to `attestations/` (see `layout.py`), refuses to sign when a claim already drifts from
the files (nothing is left behind), then signs the folder: model-signing hashes every file (sha256, one
entry per file), wraps the list in an in-toto statement and signs it into `model.sig`, a Sigstore bundle
with a DSSE envelope. With a key or certificate this is offline; with Sigstore it is keyless (OIDC, network).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..record import read_run
from . import statement as st
from .claims import Problem, check_claims
from .layout import ATTESTATIONS, CARDS, RUN, SIGNATURE, bundle_files, card_files


@dataclass(frozen=True)
class Signer:
    """How to sign: a private key (EC P-256/P-384/P-521 PEM), that key with a certificate, or Sigstore."""

    key: Path | None = None
    certificate: Path | None = None
    chain: tuple[Path, ...] = ()
    sigstore: bool = False
    identity_token: str | None = None   # Sigstore: an explicit OIDC token (else ambient credentials)

    def config(self):
        """The model-signing signing configuration (sha256 per file, the signature itself not hashed)."""
        from model_signing import hashing, signing

        hashing_config = (hashing.Config().use_file_serialization(hashing_algorithm="sha256")
                          .set_ignored_paths(paths=[SIGNATURE], ignore_git_paths=False))
        config = signing.Config().set_hashing_config(hashing_config)
        if self.sigstore:
            return config.use_sigstore_signer(use_ambient_credentials=self.identity_token is None,
                                              identity_token=self.identity_token)
        if self.certificate is not None:
            return config.use_certificate_signer(private_key=self.key, signing_certificate=self.certificate,
                                                 certificate_chain=list(self.chain))
        return config.use_elliptic_key_signer(private_key=self.key)


@dataclass
class Signed:
    """What `sign_release` did."""

    bundle: Path
    files: list[str] = field(default_factory=list)     # bundle names signed
    problems: list[Problem] = field(default_factory=list)  # drift found before signing (nothing signed)


def _copy(files: dict[str, Path], out: Path) -> None:
    for name, source in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def collect(run_dir: Path, cards_dir: Path, attest: list[Path]) -> dict[str, Path]:
    """The bundle's files by name: the run folder, the run's card files, the statements (validated)."""
    run_dir = Path(run_dir)
    record = read_run(run_dir)
    if record.status != "complete":
        raise UserError(f"run {record.run_id} is {record.status}, not complete; sign a complete run")
    model = record.artifacts.model if record.artifacts is not None else None
    if not model or not (run_dir / model).is_file():
        raise UserError(f"run {record.run_id} has no model file in {run_dir} (the record names "
                        f"{model or 'none'}); put the file this run saved there, or sign another run")
    slug = None
    files = {f"{RUN}/{p.relative_to(run_dir).as_posix()}": p for p in sorted(run_dir.rglob("*"))
             if p.is_file() and not p.is_symlink()}
    for meta in sorted(Path(cards_dir).glob("*.meta.json")):
        slug = meta.name.removesuffix(".meta.json")
        try:
            files.update({f"{CARDS}/{rel}": p for rel, p in card_files(cards_dir, slug, record.run_id).items()})
            break
        except UserError:
            slug = None
    if slug is None:
        raise UserError(f"no card of run {record.run_id} in {cards_dir}: build it there first "
                        f"(`modelcard build --run {run_dir} --out {cards_dir}`)")
    for path in attest:
        try:
            st.validate(st.read(path))
        except ValueError as exc:
            raise UserError(f"--attest {path} is not a valid in-toto statement: {exc}") from None
        files[f"{ATTESTATIONS}/{Path(path).name}"] = Path(path)
    return files


def sign_release(run_dir: Path, cards_dir: Path, out: Path, signer: Signer, attest: list[Path] = ()) -> Signed:
    """Assemble the bundle in `out` (a new or empty folder) and sign it; with drift, sign nothing."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"--out {out} exists and is not an empty folder; pass a new folder for the bundle")
    files = collect(run_dir, cards_dir, list(attest))
    out.mkdir(parents=True, exist_ok=True)
    _copy(files, out)
    in_bundle = bundle_files(out)
    problems = check_claims(in_bundle, read_run(out / RUN))
    if problems:
        shutil.rmtree(out)
        return Signed(out, problems=problems)
    try:
        signer.config().sign(out, out / SIGNATURE)
    except (ValueError, TypeError, OSError) as exc:
        shutil.rmtree(out)
        what = "Sigstore" if signer.sigstore else (signer.certificate or signer.key)
        raise UserError(f"cannot sign with {what}: {exc}; pass an EC private key in PEM (P-256, P-384 or P-521)"
                        ) from None
    return Signed(out, files=list(in_bundle))
