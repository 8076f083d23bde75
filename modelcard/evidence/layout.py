"""The release bundle's layout, and sha256 of files.

    BUNDLE/
      model.sig                 the OMS signature (a Sigstore bundle; not itself hashed)
      run/...                   every file of the run folder: run.json, predictions, the model file, ...
      cards/...                 every file `build` wrote for the run: <slug>.meta.json and the files it lists
      attestations/...          in-toto statements added with `sign --attest` (e.g. from `check --attest`)

Names inside a bundle are POSIX paths relative to BUNDLE; in-toto subjects name files the same way
(`run/model.keras`, `cards/<slug>.md`), so a statement's subjects are found in any bundle.
"""

from __future__ import annotations

from pathlib import Path

SIGNATURE = "model.sig"   # model-signing's default name, so its own CLI verifies a bundle too
RUN = "run"
CARDS = "cards"
ATTESTATIONS = "attestations"
PROVENANCE = "provenance.intoto.json"  # written by `train` in the run folder
STATEMENT_SUFFIX = ".intoto.json"


def bundle_files(root: Path) -> dict[str, Path]:
    """Every regular file under `root` by its POSIX name relative to it, the signature excluded, sorted."""
    root = Path(root)
    found = {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file() and not p.is_symlink()}
    found.pop(SIGNATURE, None)
    return dict(sorted(found.items()))


def statement_names(names) -> list[str]:
    """The bundle names that hold in-toto statements: the run's provenance and every attestation."""
    return [n for n in names if n == f"{RUN}/{PROVENANCE}"
            or (n.startswith(f"{ATTESTATIONS}/") and n.endswith((".json", ".jsonl")))]


def card_files(cards_dir: Path, slug: str, run_id: str) -> dict[str, Path]:
    """The files `build` wrote for run `run_id` in `cards_dir`, by their names relative to it: `<slug>.meta.json`
    and every file it lists. UserError when there is no such card or a listed file is missing."""
    import json

    from ..errors import UserError

    cards_dir = Path(cards_dir)
    meta_path = cards_dir / f"{slug}.meta.json"
    if not meta_path.is_file():
        raise UserError(f"no {meta_path}: build the run's card there first (`modelcard build --run {run_id} "
                        f"--out {cards_dir}`)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read {meta_path}: {exc}; rebuild the card with `modelcard build`") from None
    if meta.get("run_id") != run_id:
        raise UserError(f"{meta_path} is the card of run {meta.get('run_id')}, not {run_id}; build this run's card")
    files = {meta_path.name: meta_path}
    for rel in sorted(meta.get("files") or {}):
        path = cards_dir / rel
        if not path.is_file():
            raise UserError(f"{path} is listed in {meta_path.name} but missing; rebuild the card with `modelcard build`")
        files[Path(rel).as_posix()] = path
    return files
