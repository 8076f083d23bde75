"""`modelcard sign`: sign a release bundle (model, card files, run record) with OpenSSF model-signing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UserError
from .options import add_runs_dir


def register(sub) -> None:
    """Add the `sign` subcommand to the `modelcard` parser."""
    s = sub.add_parser("sign", help="sign a release bundle: the model, its card files and the run record",
                       description="Copy a run folder (with its model file), every card file `build` wrote for it "
                       "(listed by cards/<slug>.meta.json) and any in-toto statements into a new bundle folder, "
                       "check that the card's and the record's hashes match the files, and sign the folder with "
                       "OpenSSF model-signing (OMS: BUNDLE/model.sig, a Sigstore bundle whose in-toto statement lists "
                       "every file's sha256). Offline with --key (and --cert); keyless with --sigstore (CI, OIDC). "
                       "Exit 0 signed, 1 a claim drifts from the files (nothing signed), 2 a usage error.")
    s.add_argument("--run", default="latest", metavar="latest|RUN_ID|PATH", help="which run (default: latest)")
    s.add_argument("--cards", default="cards", metavar="DIR", help="folder `build` wrote the run's card to")
    s.add_argument("--out", required=True, metavar="BUNDLE", help="the bundle folder to create (new or empty)")
    how = s.add_mutually_exclusive_group(required=True)
    how.add_argument("--key", metavar="KEY.pem", help="EC private key in PEM (P-256, P-384 or P-521), unencrypted")
    how.add_argument("--sigstore", action="store_true",
                     help="keyless Sigstore signing with the ambient OIDC identity (e.g. GitHub Actions with "
                          "`id-token: write`); needs the network")
    s.add_argument("--cert", metavar="CERT.pem", help="with --key: sign with this certificate for the key")
    s.add_argument("--cert-chain", nargs="*", default=[], metavar="CA.pem",
                   help="with --cert: the certificates between it and the root, embedded in the signature")
    s.add_argument("--attest", nargs="*", default=[], metavar="STATEMENT.json",
                   help="in-toto statements to sign with the bundle (e.g. from `modelcard check --attest`)")
    add_runs_dir(s)
    s.set_defaults(handler=run)


def _existing(path: str | None, flag: str) -> Path | None:
    if path is not None and not Path(path).is_file():
        raise UserError(f"{flag} {path} does not exist; pass an existing file")
    return Path(path) if path is not None else None


def run(args: argparse.Namespace) -> int:
    from ..evidence.bundle import Signer, sign_release
    from ..record import resolve_run, resolve_runs_dir

    if args.cert and not args.key:
        raise UserError("--cert needs --key (the certificate's private key)")
    signer = Signer(key=_existing(args.key, "--key"), certificate=_existing(args.cert, "--cert"),
                    chain=tuple(_existing(c, "--cert-chain") for c in args.cert_chain), sigstore=args.sigstore)
    attest = [_existing(a, "--attest") for a in args.attest]
    run_ref = resolve_run(args.run, resolve_runs_dir(args.runs_dir))
    cards = Path(args.cards)
    if not cards.is_dir():
        raise UserError(f"--cards {cards} is not a folder; build the run's card first (`modelcard build --out DIR`)")
    signed = sign_release(run_ref.path, cards, Path(args.out), signer, attest)
    if signed.problems:
        print(f"not signed: {len(signed.problems)} claim(s) drift from the files:", file=sys.stderr)
        for problem in signed.problems:
            print(f"  - {problem.line()}", file=sys.stderr)
        return 1
    print(f"signed {len(signed.files)} files of run {run_ref.run_id} in {signed.bundle} "
          f"({signed.bundle / 'model.sig'})")
    return 0
