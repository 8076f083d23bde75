"""`modelcard verify`: check a signed release bundle: signature, every file's hash, the card's hash claims."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UserError


def register(sub) -> None:
    """Add the `verify` subcommand to the `modelcard` parser."""
    v = sub.add_parser("verify", help="verify a signed bundle: signature, file hashes, the card's stated hashes",
                       description="Check a bundle written by `modelcard sign`: its signature (OpenSSF model-signing), "
                       "every file's sha256 against the signed list, that the hashes the card and the run record "
                       "state (model file, data content hash, starting weights, run files, card files) match the "
                       "files, and that each in-toto statement in it is valid and names files of the bundle by "
                       "their sha256. Exit 0 all hold, 1 any drift (each named with its file and the claim it "
                       "breaks), 2 a usage error.")
    v.add_argument("--bundle", required=True, metavar="BUNDLE", help="the folder `modelcard sign --out` wrote")
    how = v.add_mutually_exclusive_group(required=True)
    how.add_argument("--key", metavar="PUB.pem", help="the signer's EC public key in PEM")
    how.add_argument("--cert-chain", nargs="+", metavar="CA.pem",
                     help="signed with a certificate: the chain to trust (root last)")
    how.add_argument("--identity", metavar="EMAIL|URI",
                     help="signed keylessly with Sigstore: the expected signer identity (needs --issuer, network)")
    v.add_argument("--issuer", metavar="URL", help="with --identity: the expected OIDC issuer")
    v.add_argument("--weights", metavar="FILE", help="also check the starting weights file against the card")
    v.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..evidence.verify import Verifier, verify_bundle

    if bool(args.identity) != bool(args.issuer):
        raise UserError("--identity and --issuer go together (Sigstore keyless verification)")
    for flag, path in [("--key", args.key), *[("--cert-chain", c) for c in args.cert_chain or []]]:
        if path is not None and not Path(path).is_file():
            raise UserError(f"{flag} {path} does not exist; pass an existing PEM file")
    bundle = Path(args.bundle)
    if not bundle.is_dir():
        raise UserError(f"--bundle {bundle} is not a folder; pass the folder `modelcard sign --out` wrote")
    verifier = Verifier(key=Path(args.key) if args.key else None, chain=tuple(Path(c) for c in args.cert_chain or ()),
                        certificate=bool(args.cert_chain), identity=args.identity, issuer=args.issuer)
    result = verify_bundle(bundle, verifier, Path(args.weights) if args.weights else None)
    for problem in result.problems:
        print(f"DRIFT {problem.line()}")
    for name in result.statements:
        print(f"statement {name}: valid")
    if result.problems:
        print(f"FAIL: {len(result.problems)} drift(s) in {bundle} ({result.files} files)")
        return 1
    print(f"OK: {bundle}: signature by {verifier.describe()}, {result.files} files, the card's and record's hashes "
          f"and {len(result.statements)} statement(s) hold")
    return 0
