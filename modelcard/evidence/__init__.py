"""Evidence that can be verified: signed release bundles and in-toto statements (issue 27).

- `layout.py`: the release bundle's layout (`run/`, `cards/`, `attestations/`, `model.sig`) and sha256 helpers.
- `statement.py`: in-toto Statement v1 (built, validated with `in_toto_attestation`, written).
- `provenance.py`: the SLSA provenance v1 statement `train` writes beside a run (`provenance.intoto.json`).
- `check_predicate.py`: the in-toto test-result predicate `check --attest` writes (each gate in full).
- `bundle.py`: assembling and signing a bundle with OpenSSF model-signing (OMS: a detached Sigstore bundle
  whose DSSE payload is an in-toto statement listing every file's sha256).
- `claims.py`: the hashes a card and its run record state (model, data, starting weights, run files, card
  files) against the files in a bundle.
- `verify.py`: the signature, every file's hash, those claims and the bundle's statements; a `Problem` per drift.

`in_toto_attestation` and `model_signing` are imported inside functions only: `modelcard build` never loads them.
"""
