"""`modelcard sign` / `verify` and the in-toto statements (issue 27, items 1 and 2).

The example run is committed without its 9.8 MB model.keras, so the fixture copies it and puts a
stand-in model file beside the record (its sha256 written into the record's `model.file_sha256` and
`artifacts_sha256`); the cards are then built from that copy with `modelcard build` into a temporary
folder. Keys are generated here (ECDSA P-256, the curve model-signing's key signer takes first).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("model_signing")
pytest.importorskip("in_toto_attestation")

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

from modelcard.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "runs" / "20261207T210314Z-7599e4"
SLUG = "tuxpaint-stamps-mobilenetv2"


def _key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    private, public = folder / f"{name}.pem", folder / f"{name}.pub.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def _with_model(run: Path, data: bytes) -> None:
    """Put a model file beside the record and state its sha256 where training would."""
    (run / "model.keras").write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    record = json.loads((run / "run.json").read_text(encoding="utf-8"))
    record["model"]["file_sha256"], record["model"]["file_bytes"] = sha, len(data)
    record["artifacts_sha256"]["model.keras"] = sha
    (run / "run.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The example run with a stand-in model, its cards, its provenance and check statements, signed."""
    from modelcard.evidence.provenance import write_provenance

    base = tmp_path_factory.mktemp("release")
    run = base / "runs" / EXAMPLE.name
    shutil.copytree(EXAMPLE, run)
    _with_model(run, b"stand-in model bytes " * 512)
    cards = base / "cards"
    assert main(["build", "--run", str(run), "--out", str(cards), "--card-info", str(ROOT / "card.yaml"),
                 "--policy", str(ROOT / "policy.yaml")]) == 0
    assert write_provenance(run) == run / "provenance.intoto.json"
    check = base / "check.intoto.json"
    assert main(["check", "--run", str(run), "--cards", str(cards), "--card-info", str(ROOT / "card.yaml"),
                 "--policy", str(ROOT / "policy.yaml"), "--attest", str(check)]) == 1  # the demo fails one gate
    key, public = _key_pair(base, "signer")
    bundle = base / "bundle"
    assert main(["sign", "--run", str(run), "--cards", str(cards), "--key", str(key), "--out", str(bundle),
                 "--attest", str(check)]) == 0
    return {"base": base, "run": run, "cards": cards, "key": key, "public": public, "bundle": bundle,
            "check": check}


def _verify(bundle: Path, public: Path, capsys, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    rc = main(["verify", "--bundle", str(bundle), "--key", str(public), *extra])
    return rc, capsys.readouterr().out


def _tampered(release, tmp_path: Path) -> Path:
    copy = tmp_path / "bundle"
    shutil.copytree(release["bundle"], copy)
    return copy


def test_signed_example_bundle_verifies(release, capsys):
    rc, out = _verify(release["bundle"], release["public"], capsys)
    assert rc == 0, out
    assert "OK:" in out and "DRIFT" not in out
    assert "statement attestations/check.intoto.json (https://in-toto.io/attestation/test-result/v0.1): valid" in out
    assert "statement run/provenance.intoto.json (https://slsa.dev/provenance/v1): valid" in out
    names = {p.relative_to(release["bundle"]).as_posix() for p in release["bundle"].rglob("*") if p.is_file()}
    assert {"model.sig", "run/run.json", "run/model.keras", f"cards/{SLUG}.md", f"cards/{SLUG}.meta.json",
            f"cards/{SLUG}.cdx.json", "attestations/check.intoto.json"} <= names


def test_model_signing_statement_lists_every_file(release):
    """model.sig is OMS: a Sigstore bundle whose DSSE payload is an in-toto statement of every file's sha256."""
    import base64

    from modelcard.evidence import statement as st

    sig = json.loads((release["bundle"] / "model.sig").read_text())
    assert sig["mediaType"].startswith("application/vnd.dev.sigstore.bundle")
    payload = json.loads(base64.b64decode(sig["dsseEnvelope"]["payload"]))
    assert payload["_type"] == st.STATEMENT_TYPE and payload["predicateType"] == "https://model_signing/signature/v1.0"
    resources = {r["name"]: r["digest"] for r in payload["predicate"]["resources"]}
    model = release["bundle"] / "run" / "model.keras"
    assert resources["run/model.keras"] == hashlib.sha256(model.read_bytes()).hexdigest()


def test_tampered_card_fails_naming_it(release, tmp_path, capsys):
    bundle = _tampered(release, tmp_path)
    card = bundle / "cards" / f"{SLUG}.md"
    card.write_text(card.read_text(encoding="utf-8").replace("Content hash", "Content  hash"), encoding="utf-8")
    rc, out = _verify(bundle, release["public"], capsys)
    assert rc == 1
    assert f"DRIFT cards/{SLUG}.md: model.sig signed sha256" in out
    assert f"DRIFT cards/{SLUG}.md: cards/{SLUG}.meta.json states sha256" in out


def test_swapped_model_fails_naming_it_and_the_card_claims(release, tmp_path, capsys):
    bundle = _tampered(release, tmp_path)
    (bundle / "run" / "model.keras").write_bytes(b"another model")
    rc, out = _verify(bundle, release["public"], capsys)
    assert rc == 1
    assert "DRIFT run/model.keras: model.sig signed sha256" in out
    assert "DRIFT run/model.keras: run/run.json states sha256" in out
    for card in (f"{SLUG}.md", f"{SLUG}.html", f"{SLUG}.cdx.json"):
        assert f"DRIFT cards/{card}: states the model's sha256" in out
    assert "DRIFT run/model.keras: run/provenance.intoto.json states sha256" in out
    assert "DRIFT run/model.keras: attestations/check.intoto.json states sha256" in out


def test_changed_run_file_fails_naming_it(release, tmp_path, capsys):
    bundle = _tampered(release, tmp_path)
    with open(bundle / "run" / "history.csv", "a", encoding="utf-8") as handle:
        handle.write("11,0,0,0,0\n")
    rc, out = _verify(bundle, release["public"], capsys)
    assert rc == 1
    assert "DRIFT run/history.csv: model.sig signed sha256" in out
    assert "DRIFT run/history.csv: run/run.json states sha256" in out


def test_changed_data_manifest_breaks_the_data_claims(release, tmp_path, capsys):
    bundle = _tampered(release, tmp_path)
    manifest = bundle / "run" / "data_files.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(lines[:-1]), encoding="utf-8")  # one image fewer
    rc, out = _verify(bundle, release["public"], capsys)
    assert rc == 1
    assert "DRIFT run/data_files.csv: run/run.json states the data content hash" in out
    assert f"DRIFT cards/{SLUG}.cdx.json: states the data content hash's sha256" in out


def test_wrong_key_fails_naming_the_signature(release, tmp_path, capsys):
    _, other = _key_pair(tmp_path, "other")
    rc, out = _verify(release["bundle"], other, capsys)
    assert rc == 1
    assert f"DRIFT model.sig: the signature does not verify with key {other}" in out


def test_added_file_fails(release, tmp_path, capsys):
    bundle = _tampered(release, tmp_path)
    (bundle / "cards" / "extra.md").write_text("not signed", encoding="utf-8")
    rc, out = _verify(bundle, release["public"], capsys)
    assert rc == 1 and "DRIFT cards/extra.md: not signed in model.sig" in out


def test_starting_weights_file_is_checked_when_given(release, tmp_path, capsys):
    wrong = tmp_path / "weights.pth"
    wrong.write_bytes(b"not the checkpoint")
    rc, out = _verify(release["bundle"], release["public"], capsys, "--weights", str(wrong))
    assert rc == 1
    assert f"DRIFT {wrong}: run/run.json states the starting weights' sha256" in out
    assert f"DRIFT cards/{SLUG}.md: states the starting weights' sha256" in out


def test_sign_refuses_a_card_that_drifts_from_the_model(release, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(release["run"], run)
    (run / "model.keras").write_bytes(b"swapped after the card was built")
    rc = main(["sign", "--run", str(run), "--cards", str(release["cards"]), "--key", str(release["key"]),
               "--out", str(tmp_path / "bundle")])
    err = capsys.readouterr().err
    assert rc == 1 and not (tmp_path / "bundle").exists()
    assert "not signed" in err and "run/model.keras: run/run.json states sha256" in err


@pytest.mark.parametrize("argv, message", [
    (["verify", "--bundle", "no-such-bundle", "--key", "k.pem"], "--key k.pem does not exist"),
    (["sign", "--run", str(EXAMPLE), "--cards", "cards", "--key", "no-key.pem", "--out", "b"], "--key no-key.pem"),
])
def test_usage_errors_are_one_line_exit_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_sign_without_the_model_file_is_a_usage_error(tmp_path, capsys, release):
    key = release["key"]
    assert main(["sign", "--run", str(EXAMPLE), "--cards", str(ROOT / "cards"), "--key", str(key),
                 "--out", str(tmp_path / "b")]) == 2
    assert "has no model file" in capsys.readouterr().err


def _validate_with_in_toto(document: dict, predicate_message) -> None:
    """The in-toto attestation library's own checks: Statement v1 and the predicate's protobuf."""
    from google.protobuf import json_format
    from in_toto_attestation.v1 import statement_pb2
    from in_toto_attestation.v1.statement import Statement

    pb = json_format.ParseDict(document, statement_pb2.Statement())
    Statement.copy_from_pb(pb).validate()
    json_format.ParseDict(document["predicate"], predicate_message())


def test_check_statement_is_a_valid_test_result(release):
    from in_toto_attestation.predicates.test_result.v0.test_result_pb2 import TestResult

    document = json.loads(release["check"].read_text())
    _validate_with_in_toto(document, TestResult)
    assert document["predicateType"] == "https://in-toto.io/attestation/test-result/v0.1"
    names = {s["name"] for s in document["subject"]}
    assert {"run/model.keras", f"cards/{SLUG}.md", f"cards/{SLUG}.meta.json"} <= names
    predicate = document["predicate"]
    assert predicate["result"] == "FAILED" and "gate: accuracy.ci_low >= 0.9 (0.798529 is not >= 0.9)" in \
        predicate["failedTests"]
    policy = predicate["configuration"][0]
    assert policy["digest"]["sha256"] == hashlib.sha256((ROOT / "policy.yaml").read_bytes()).hexdigest()
    gate = policy["annotations"]["gates"][0]
    assert gate["gate"] == "accuracy.ci_low >= 0.9" and gate["outcome"] == "failed" and gate["bound"] == 0.9
    assert gate["interval"]["low"] == gate["value"] and gate["interval"]["high"] > gate["point_estimate"]


def test_provenance_statement_is_valid_slsa(release):
    from in_toto_attestation.predicates.provenance.v1.provenance_pb2 import Provenance

    document = json.loads((release["run"] / "provenance.intoto.json").read_text())
    _validate_with_in_toto(document, Provenance)
    model = release["run"] / "model.keras"
    assert document["subject"] == [{"name": "run/model.keras",
                                    "digest": {"sha256": hashlib.sha256(model.read_bytes()).hexdigest()}}]
    materials = {m["name"]: m for m in document["predicate"]["buildDefinition"]["resolvedDependencies"]}
    record = json.loads((release["run"] / "run.json").read_text())
    assert materials["data"]["digest"]["sha256"] == record["data"]["content_hash"].removeprefix("sha256:")
    assert materials["starting-weights"]["digest"]["sha256"] == record["model"]["weights"]["sha256"]
    assert materials["code"]["digest"]["gitCommit"] == record["provenance"]["git_commit"]
    assert "configuration" in materials
    assert document["predicate"]["runDetails"]["metadata"]["invocationId"] == record["run_id"]


def test_invalid_statement_is_refused_by_sign(release, tmp_path, capsys):
    bad = tmp_path / "bad.intoto.json"
    bad.write_text(json.dumps({"_type": "https://in-toto.io/Statement/v1", "subject": [], "predicateType": "x",
                               "predicate": {"a": 1}}), encoding="utf-8")
    assert main(["sign", "--run", str(release["run"]), "--cards", str(release["cards"]), "--key", str(release["key"]),
                 "--out", str(tmp_path / "b"), "--attest", str(bad)]) == 2
    assert "is not a valid in-toto statement" in capsys.readouterr().err
