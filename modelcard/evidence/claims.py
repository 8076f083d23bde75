"""The hashes a bundle's card and run record state, against the files in the bundle.

Claims checked (each drift is a `Problem` naming the file and the claim it breaks):
- the run record: every `artifacts_sha256` entry and `model.file_sha256` against the files in `run/`, and
  `data.content_hash` against the content hash of `run/data_files.csv` (sha-256 over its sorted
  `class\\tpath\\tsha256` lines, as training computes it);
- the card's meta.json: its run id, and the sha256 it lists for every card file;
- the card's stated hashes: in `<slug>.cdx.json` the hashes of the components `model` (the model file; its
  pedigree ancestors are the starting weights), `base-weights` and `data` (the data content hash); in the Markdown and
  HTML cards every sha256 on a line about the model file, the data's content hash or the starting weights.
  The model's is compared with the model file in the bundle, the data's with the content hash of the
  bundle's data_files.csv, the starting weights' with the record (and with `--weights FILE` when given).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..record.data_files import content_hash_of, parse_data_files
from ..record.model import RunRecord
from ..record.artifacts import sha256_hex
from .layout import CARDS, RUN

HEX64 = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


@dataclass(frozen=True)
class Problem:
    """One drift: the file, the claim it breaks, what was found."""

    file: str     # bundle name, e.g. "cards/x.md" or "run/model.keras"
    claim: str    # e.g. "cards/x.cdx.json states the model's sha256 7ae28eb78b45fe03…"
    detail: str   # e.g. "run/model.keras has sha256 0b1ae627a92d289d…"

    def line(self) -> str:
        return f"{self.file}: {self.claim}; {self.detail}"


def short(sha: str | None) -> str:
    return f"{sha[:16]}…" if sha else "none"


@dataclass(frozen=True)
class Truth:
    """What the bundle's files say: the model file's name and sha256, the data content hash, the weights."""

    model_name: str | None       # bundle name, e.g. "run/model.keras"
    model_sha256: str | None     # of the file in the bundle; None when it is not there
    data_hash: str | None        # hex content hash from data_files.csv (else the record's)
    data_source: str             # e.g. "run/data_files.csv"
    weights_sha256: str | None   # from the weights file when given, else the record
    weights_source: str          # e.g. "run/run.json model.weights.sha256"


def data_content_hash(path: Path) -> str:
    """The content hash of a `data_files.csv` (hex), as training computed `data.content_hash` (`record.data_files`)."""
    return content_hash_of(parse_data_files(path.read_text(encoding="utf-8"))).removeprefix("sha256:")


def _record_claims(files: dict[str, Path], record: RunRecord) -> list[Problem]:
    """artifacts_sha256 and model.file_sha256 against the files in run/."""
    problems = []
    stated = dict(record.artifacts_sha256 or {})
    model = record.artifacts.model if record.artifacts is not None else None
    file_sha = record.model.file_sha256 if record.model is not None else None
    if model and file_sha:
        stated.setdefault(model, file_sha)
        if stated[model] != file_sha:
            problems.append(Problem(f"{RUN}/run.json", "model.file_sha256 and artifacts_sha256 state different "
                                    f"hashes for {model}", f"{short(file_sha)} vs {short(stated[model])}"))
    for rel, sha in sorted(stated.items()):
        name = f"{RUN}/{rel}"
        claim = f"{RUN}/run.json states sha256 {short(sha)}"
        if name not in files:
            problems.append(Problem(name, claim, "the file is not in the bundle"))
        elif (found := sha256_hex(files[name])) != sha:
            problems.append(Problem(name, claim, f"the file has {short(found)}"))
    return problems


def truth_of(files: dict[str, Path], record: RunRecord, weights: Path | None) -> tuple[Truth, list[Problem]]:
    """What the files say, and where the record already disagrees with them (data content hash, weights file)."""
    problems = []
    model_rel = record.artifacts.model if record.artifacts is not None else None
    model_name = f"{RUN}/{model_rel}" if model_rel else None
    model_sha = sha256_hex(files[model_name]) if model_name in files else None
    recorded_data = (record.data.content_hash or "").removeprefix("sha256:") or None
    data_csv = f"{RUN}/data_files.csv"
    data_hash, data_source = recorded_data, f"{RUN}/run.json data.content_hash"
    if data_csv in files:
        try:
            data_hash, data_source = data_content_hash(files[data_csv]), data_csv
        except (OSError, ValueError) as exc:
            problems.append(Problem(data_csv, "the run's data manifest", f"cannot be read: {exc}"))
        if recorded_data and data_hash != recorded_data:
            problems.append(Problem(data_csv, f"{RUN}/run.json states the data content hash sha256:{short(recorded_data)}",
                                    f"the files listed in it hash to sha256:{short(data_hash)}"))
    recorded_weights = record.model.weights.sha256 if record.model is not None and record.model.weights else None
    weights_sha, weights_source = recorded_weights, f"{RUN}/run.json model.weights.sha256"
    if weights is not None:
        weights_sha, weights_source = sha256_hex(weights), str(weights)
        if recorded_weights and recorded_weights != weights_sha:
            problems.append(Problem(str(weights), f"{RUN}/run.json states the starting weights' sha256 "
                                    f"{short(recorded_weights)}", f"the file has {short(weights_sha)}"))
    return Truth(model_name, model_sha, data_hash, data_source, weights_sha, weights_source), problems


def _compare(name: str, what: str, stated: str, truth: str | None, source: str) -> Problem | None:
    if truth is None or stated == truth:
        return None
    return Problem(name, f"states the {what} sha256 {short(stated)}", f"{source} has {short(truth)}")


def _text_claims(name: str, text: str, truth: Truth) -> list[Problem]:
    """Every sha256 on a Markdown/HTML line about the starting weights, the content hash or the model file."""
    found = []
    for line in text.splitlines():
        hashes = HEX64.findall(line)
        if not hashes:
            continue
        if "Starting weights" in line:
            target = ("starting weights'", truth.weights_sha256, truth.weights_source)
        elif "Content hash" in line:
            target = ("data content hash's", truth.data_hash, truth.data_source)
        elif re.search(r"[Mm]odel file|model\.keras|this run saved", line):
            target = ("model's", truth.model_sha256, truth.model_name or "the bundle")
        else:
            continue
        found += [p for sha in dict.fromkeys(hashes) if (p := _compare(name, target[0], sha, *target[1:]))]
    return found


def _cyclonedx_claims(name: str, document: dict, truth: Truth) -> list[Problem]:
    """The model component's hash, its pedigree ancestors' (the starting weights) and the data component's."""
    found = []
    for component in document.get("components") or []:
        hashes = [h.get("content") for h in component.get("hashes") or [] if h.get("alg") == "SHA-256"]
        if component.get("bom-ref") == "model":
            found += [_compare(name, "model's", h, truth.model_sha256, truth.model_name or "the bundle") for h in hashes]
            for ancestor in (component.get("pedigree") or {}).get("ancestors") or []:
                found += [_compare(name, "starting weights'", h.get("content"), truth.weights_sha256,
                                   truth.weights_source) for h in ancestor.get("hashes") or []]
        elif component.get("bom-ref") == "base-weights":
            found += [_compare(name, "starting weights'", h, truth.weights_sha256, truth.weights_source) for h in hashes]
        elif component.get("bom-ref") == "data":
            found += [_compare(name, "data content hash's", h, truth.data_hash, truth.data_source) for h in hashes]
    return [p for p in found if p is not None]


def _meta_claims(files: dict[str, Path], meta_name: str, record: RunRecord) -> list[Problem]:
    """The card's meta.json: the run it names and the sha256 it lists for each card file."""
    try:
        meta = json.loads(files[meta_name].read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [Problem(meta_name, "the card's meta.json", f"cannot be read: {exc}")]
    problems = []
    if meta.get("run_id") != record.run_id:
        problems.append(Problem(meta_name, f"states run {meta.get('run_id')}", f"the bundle's run is {record.run_id}"))
    for rel, sha in sorted((meta.get("files") or {}).items()):
        name, claim = f"{CARDS}/{rel}", f"{meta_name} states sha256 {short(sha)}"
        if name not in files:
            problems.append(Problem(name, claim, "the file is not in the bundle"))
        elif (found := sha256_hex(files[name])) != sha:
            problems.append(Problem(name, claim, f"the file has {short(found)}"))
    return problems


def check_claims(files: dict[str, Path], record: RunRecord, weights: Path | None = None) -> list[Problem]:
    """Every hash claim of the bundle's record and card against its files (see the module docstring)."""
    problems = _record_claims(files, record)
    truth, found = truth_of(files, record, weights)
    problems += found
    for name, path in files.items():
        if not name.startswith(f"{CARDS}/") or name.count("/") != 1:
            continue
        if name.endswith(".meta.json"):
            problems += _meta_claims(files, name, record)
        elif name.endswith(".cdx.json"):
            try:
                problems += _cyclonedx_claims(name, json.loads(path.read_text(encoding="utf-8")), truth)
            except (OSError, ValueError) as exc:
                problems.append(Problem(name, "the card's CycloneDX file", f"cannot be read: {exc}"))
        elif name.endswith((".md", ".html")):
            problems += _text_claims(name, path.read_text(encoding="utf-8", errors="replace"), truth)
    return problems
