"""The typed run-record model: byte-identical round trips, older versions, schema drift, facts."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

from card_fixtures import base_record, record_only
from test_card_costs import costed_record
from modelcard.cli import main
from modelcard.errors import UserError
from modelcard.record import measured, new_record, read_record, read_run, write_record
from modelcard.record.format import record_text
from modelcard.record.model import Efficiency, MeasuredFact, Metric, RunRecord
from modelcard.record.typed import Section, json_key, public_fields, section_in
from modelcard.record.validate import run_schema

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "modelcard/record/run.schema.json").read_text("utf-8"))


def _repo_records() -> list[Path]:
    """Every run.json the repository tracks (example runs, goldens, fixtures)."""
    listed = subprocess.run(["git", "ls-files", "*run.json"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / p for p in listed.stdout.split()]


def _minimal(version: str, *, intervals: bool) -> dict:
    """A small complete `record` run of an older version, built as test_record_format builds them."""
    record = new_record("20260101T000000Z-abc123", "old", "record", command_line=["modelcard", "record"])
    record["schema_version"] = version
    record["status"] = "complete"
    record["data"]["class_names"] = ["a", "b"]
    metric = {"value": 0.5, "ci_low": 0.1, "ci_high": 0.9}
    ev = {"n_samples": 2, "n_classes": 2,
          "bootstrap": {"method": "percentile" if version == "1.0" else "expanded percentile",
                        "n_resamples": 1000, "confidence": 0.95, "seed": 0},
          "metrics": {k: dict(metric) for k in ("accuracy", "balanced_accuracy", "log_loss", "precision_macro",
                                                "recall_macro", "f1_macro", "precision_weighted", "recall_weighted",
                                                "f1_weighted", "ece")},
          "per_class": [], "confusion_matrix": {"labels": ["a", "b"], "counts": [[1, 0], [1, 0]]},
          "top_confusions": [], "calibration": {"n_bins": 15, "ece": dict(metric), "bins": []}, "slices": []}
    if intervals:
        ev["intervals"] = {"confidence": 0.95, "methods": {"wilson": "Wilson score interval"},
                           "metrics": {"accuracy": "wilson", "f1_macro": "smoothed_bootstrap"}}
    record["evaluations"]["test"] = ev
    return record


def _fixture_records() -> dict[str, dict]:
    """The records the card tests build (tests/card_fixtures.py) and older-version ones."""
    old_sweep = base_record()
    old_sweep["schema_version"] = "1.1"
    del old_sweep["emissions"]["scope"]
    old_sweep["efficiency"]["measured_on_run"] = "20260101T000100Z-def456"
    old_sweep["efficiency"]["latency_ms_batch1"] = {"median": 8.0, "p95": 9.5, "n_runs": 50}
    return {"base": base_record(), "untrained-weights": base_record(pretrained=False),
            "failed": base_record(status="failed"), "no-sweep": base_record(sweep=False, extra_set=False),
            "no-slices": base_record(slices=False), "record-only": record_only(),
            "1.0": _minimal("1.0", intervals=False), "1.1": _minimal("1.1", intervals=True),
            "1.1-sweep": old_sweep, "costed": costed_record()}


@pytest.mark.parametrize("path", _repo_records(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_committed_record_round_trips_byte_identical(path):
    text = path.read_text("utf-8")
    assert RunRecord.from_json(text, where=str(path)).to_json() == text


@pytest.mark.parametrize("name", sorted(_fixture_records()))
def test_every_fixture_record_round_trips_as_write_record_writes_it(name, tmp_path):
    record = _fixture_records()[name]
    write_record(tmp_path, record)
    text = (tmp_path / "run.json").read_text("utf-8")
    typed = RunRecord.from_json(text)
    assert typed.to_json() == text == record_text(record)
    write_record(tmp_path, typed)  # a RunRecord is written exactly as its dict
    assert (tmp_path / "run.json").read_text("utf-8") == text


def test_absent_optional_fields_stay_absent_and_unknown_keys_survive():
    record = _minimal("1.2", intervals=True)
    record["data"]["a_newer_writers_field"] = {"x": [1, 2.0]}
    record["evaluations"]["test"]["metrics"]["accuracy"]["reason"] = "made up"
    typed = RunRecord.from_dict(record)
    assert typed.data.n_files is None and not typed.data.has("n_files")
    out = typed.to_dict()
    assert "n_files" not in out["data"] and "robustness" not in out and out == record
    assert out["data"]["a_newer_writers_field"] == {"x": [1, 2.0]}
    # a field set in code is written even where the JSON had none
    changed = dataclasses.replace(typed, data=dataclasses.replace(typed.data, n_files=7))
    assert changed.to_dict()["data"]["n_files"] == 7
    # an int stays an int, a float a float
    assert isinstance(typed.evaluations["test"].metrics["accuracy"], Metric)
    assert json.dumps(out, sort_keys=True) == json.dumps(record, sort_keys=True)


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.3"])
def test_every_readable_version_is_read_and_keeps_its_version(version, tmp_path):
    record = _minimal(version, intervals=version != "1.0")
    write_record(tmp_path, record)
    typed = read_run(tmp_path)
    assert typed.schema_version == version and typed.to_json() == (tmp_path / "run.json").read_text("utf-8")
    fact = typed.metric("accuracy")
    assert (fact.value, fact.ci_low, fact.ci_high) == (0.5, 0.1, 0.9)
    # 1.0 had no `intervals`: every interval was a percentile bootstrap (docs/run-record.md)
    assert fact.method == ("percentile_bootstrap" if version == "1.0" else "wilson")
    assert typed.metric("log_loss").method == ("percentile_bootstrap" if version == "1.0" else None)


def test_metric_names_the_method_the_record_holds():
    for path in _repo_records():
        raw = json.loads(path.read_text("utf-8"))
        typed = RunRecord.from_dict(raw)
        for set_name, ev in raw["evaluations"].items():
            for name, m in ev["metrics"].items():
                fact = typed.metric(name, set_name)
                # a score that is another by definition is that score, number and method (issue 24)
                same = typed.evaluation(set_name).same_as(name)
                if same is not None:
                    m = ev["metrics"][same]
                assert (fact.value, fact.ci_low, fact.ci_high) == (m["value"], m["ci_low"], m["ci_high"])
                assert fact.method == ev["intervals"]["metrics"][same or name]
        assert typed.metric("no_such_metric") is None and typed.metric("accuracy", "no_such_set") is None


def test_is_shared_matches_measured_py_for_every_record():
    records = [json.loads(p.read_text("utf-8")) for p in _repo_records()] + list(_fixture_records().values())
    seen = set()
    for raw in records:
        typed = RunRecord.from_dict(raw)
        shared = measured.shared_efficiency(raw)
        assert typed.shared_efficiency() == shared
        for f in dataclasses.fields(Efficiency):
            if not f.name.startswith("_"):
                assert typed.is_shared(f.name) == (f.name in shared)
                assert typed.efficiency_fact(f.name).shared_with == shared.get(f.name)
        assert typed.emissions_scope() == measured.emissions_scope(raw)
        seen.update(shared.values())
    # the records cover both kinds of sharing: another member's model (1.1) and the sweep
    assert "sweep" in seen and "20260101T000100Z-def456" in seen


def test_efficiency_fact_of_a_1_1_member_reads_measured_on_run():
    typed = RunRecord.from_dict(_fixture_records()["1.1-sweep"])
    latency = typed.efficiency_fact("latency_ms_batch1")
    assert latency.shared_with == "20260101T000100Z-def456" and latency.value.median == 8.0
    assert typed.efficiency_fact("train_images_per_s") == MeasuredFact(140.0, None)
    assert typed.emissions_fact("energy_kwh").shared_with == "sweep"  # no scope: a sweep member's totals
    own = RunRecord.from_dict(base_record(sweep=False))
    assert own.emissions_fact("energy_kwh").shared_with is None and not own.is_shared("peak_rss_mb")


# -- drift: run.schema.json and the dataclasses name the same fields ------------------------------

def _resolve(node: dict) -> dict:
    ref = node.get("$ref")
    return SCHEMA["$defs"][ref.rsplit("/", 1)[1]] if ref else node


def _branches(node: dict) -> list[dict]:
    node = _resolve(node)
    return [node] + [b for key in ("oneOf", "anyOf") for sub in node.get(key, []) for b in _branches(sub)]


def _properties(node: dict) -> dict:
    return {k: v for b in _branches(node) for k, v in b.get("properties", {}).items()}


def _child(node: dict, key: str) -> dict:
    return next((b[key] for b in _branches(node) if key in b), {})


def drift(cls: type, node: dict, path: str = "run.json") -> list[str]:
    """Every schema property without a field, field without a schema property, and object the
    schema describes but the model leaves a plain dict, below `cls` / `node`; a class's registered
    sections (`RunRecord`: record/sections/) count as its fields."""
    props = _properties(node)
    fields = {json_key(f): tp for f, tp in public_fields(cls)} | dict(cls.registered_sections())
    problems = [f"{path}.{k}: in the schema, no field of {cls.__name__}" for k in sorted(set(props) - set(fields))]
    problems += [f"{path}.{k}: field of {cls.__name__}, not in the schema" for k in sorted(set(fields) - set(props))]
    for key in sorted(set(props) & set(fields)):
        shape, section = section_in(fields[key])
        sub = props[key]
        for step in shape.split("/") if shape else []:
            sub = _child(sub, "items" if step == "list" else "additionalProperties")
        if section is not None:
            problems += drift(section, sub, f"{path}.{key}")
        elif _properties(sub):
            problems.append(f"{path}.{key}: the schema describes its fields, the model leaves it a plain value")
    return problems


def test_schema_and_model_name_the_same_fields():
    assert drift(RunRecord, run_schema()) == []  # the schema validation uses: core and registered sections


def test_the_drift_check_can_fail():
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Drifted(Section):
        run_id: str  # e.g. "x"
        not_in_schema: int | None = None  # e.g. 1

    problems = drift(Drifted, SCHEMA)
    assert "run.json.not_in_schema: field of Drifted, not in the schema" in problems
    assert "run.json.data: in the schema, no field of Drifted" in problems
    flat = copy.deepcopy(SCHEMA)
    flat["properties"]["data"] = {"type": "object"}  # the model types it, the schema would not
    assert drift(RunRecord, flat) and all(p.startswith("run.json.data.") for p in drift(RunRecord, flat))


# -- malformed records keep the one-line UserError -------------------------------------------------

@pytest.mark.parametrize("text, expect", [
    ("{not json", "not valid JSON"),
    ('{"schema_version": "0.9"}', "schema_version '0.9' is not supported"),
    ("[1, 2]", "not a run record"),
])
def test_malformed_text_is_one_line(text, expect):
    with pytest.raises(UserError) as err:
        RunRecord.from_json(text, where="x/run.json")
    assert expect in str(err.value) and "\n" not in str(err.value)


def test_malformed_record_is_exit_2_without_traceback(tmp_path, capsys):
    record = _minimal("1.2", intervals=True)
    write_record(tmp_path, record)
    record["status"] = "done"
    (tmp_path / "run.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(UserError, match="malformed run record at status"):
        read_run(tmp_path)
    with pytest.raises(UserError, match="malformed run record at status"):
        read_record(tmp_path)
    assert main(["build", "--run", str(tmp_path), "--out", str(tmp_path / "cards")]) == 2
    err = capsys.readouterr().err
    assert "malformed run record at status" in err and "Traceback" not in err and err.count("\n") == 1


def test_runs_lists_typed_facts(tmp_path, capsys):
    """`modelcard runs --json` reads status, start time and test accuracy through the typed model."""
    record = base_record()
    (tmp_path / record["run_id"]).mkdir()
    write_record(tmp_path / record["run_id"], record)
    assert main(["runs", "--runs-dir", str(tmp_path), "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["runs"][0]
    assert row["test_accuracy"] == record["evaluations"]["test"]["metrics"]["accuracy"]
    assert (row["status"], row["started_at"], row["sweep_id"]) == ("complete", "2026-01-01T00:00:00Z", "sweep-20260101")


def test_a_partial_object_reads_absent_required_fields_as_none_and_writes_them_absent():
    partial = {"run_id": "x", "data": {"content_hash": "sha256:x"}}
    typed = RunRecord.of(partial)
    assert typed.data.content_hash == "sha256:x" and typed.data.class_names is None and typed.status is None
    assert typed.to_dict() == partial


def test_build_writes_exactly_the_fields_given(tmp_path):
    from modelcard.record import open_run
    from modelcard.record.model import Data, DataCardMeasurements, SplitSummary

    data = Data.build(source="predictions:p.csv", class_names=["a", "b"], content_hash=None, license=None,
                      splits={"test": SplitSummary(n=2, class_counts={"a": 1, "b": 1})}, skipped_files=[],
                      duplicates=None)
    assert data.to_dict() == {"source": "predictions:p.csv", "class_names": ["a", "b"], "content_hash": None,
                              "license": None, "splits": {"test": {"n": 2, "class_counts": {"a": 1, "b": 1}}},
                              "skipped_files": [], "duplicates": None}
    assert "license" not in dataclasses.replace(data, _present=None).to_dict()  # built plainly: defaults left out
    with open_run(tmp_path, "typed", "record") as run:
        run.set(data=data, data_card=DataCardMeasurements(collected_by="record", errors=[]))
        run.add_evaluation("test", _minimal("1.2", intervals=True)["evaluations"]["test"])
        run.warn("a line")
    typed = read_run(run.path)
    assert typed.data == data and typed.data_card.collected_by == "record" and typed.warnings == ["a line"]


#: Modules moved onto the typed model (issue 15): they must not index a record by string key again.
TYPED_READERS = ("modelcard/compare", "modelcard/card", "modelcard/publish", "modelcard/ingest/run_from_predictions.py",
                 "modelcard/commands", "modelcard/cli.py", "modelcard/render", "modelcard/check", "modelcard/built_card.py")
STRING_KEY_ACCESS = r"\brecord(\[|\.get\()|\.record(\[|\.get\()"


def test_typed_readers_do_not_index_records_by_string_key():
    import re

    files = [p for entry in TYPED_READERS for p in ((ROOT / entry).rglob("*.py") if (ROOT / entry).is_dir()
                                                     else [ROOT / entry])]
    assert len(files) > 20
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in files
             for n, line in enumerate(p.read_text("utf-8").splitlines(), 1) if re.search(STRING_KEY_ACCESS, line)]
    assert found == []
    assert re.search(STRING_KEY_ACCESS, 'x = run.record["data"]')  # the check can fail


def _kept_raw(section: Section, path: str = "run.json") -> list[str]:
    """Every place where the model expects a section but holds the JSON as read (its fallback)."""
    out = []
    for f, tp in public_fields(type(section)):
        shape, cls = section_in(tp)
        value = getattr(section, f.name)
        if cls is None or value is None:
            continue
        if shape == "list":
            items = value
        elif shape == "dict":
            items = list(value.values())
        elif shape == "dict/dict":
            items = [v for inner in value.values() for v in inner.values()]
        else:
            items = [value]
        for i, item in enumerate(items):
            if isinstance(item, cls):
                out += _kept_raw(item, f"{path}.{f.name}")
            else:
                out.append(f"{path}.{f.name}[{i}]: {type(item).__name__}")
    return out


def test_every_section_of_every_record_is_typed():
    records = [json.loads(p.read_text("utf-8")) for p in _repo_records()] + list(_fixture_records().values())
    assert [(r["run_id"], _kept_raw(RunRecord.from_dict(r))) for r in records if _kept_raw(RunRecord.from_dict(r))] == []
    assert isinstance(RunRecord.from_dict(costed_record()).emissions.phases[0].power_measured, Section)
    odd = base_record()
    odd["efficiency"]["latency_ms_batch1"] = 8.0  # not the shape the model expects: kept as read, and found
    assert _kept_raw(RunRecord.from_dict(odd)) == ["run.json.efficiency.latency_ms_batch1[0]: float"]
    assert RunRecord.from_dict(odd).to_dict() == odd


def test_every_kind_of_file_left_out_has_the_cards_words():
    from modelcard.record.left_out import LEFT_OUT_KINDS
    from modelcard.record.model import IgnoredFiles

    assert tuple(kind.field for kind in LEFT_OUT_KINDS) == IgnoredFiles.kinds()
    with pytest.raises(ValueError):
        IgnoredFiles.of(["not_a_kind"])


# -- registered sections (record/sections/): typed, validated against their generated schema ------

@dataclasses.dataclass(frozen=True, kw_only=True)
class ToyRow(Section):
    name: str  # e.g. "a"
    weight: float | None = None  # e.g. 0.5


@dataclasses.dataclass(frozen=True, kw_only=True)
class ToySection(Section):
    n: int  # e.g. 3
    ok: bool  # e.g. True
    first: ToyRow  # a nested section
    rows: list[ToyRow] = dataclasses.field(default_factory=list)  # e.g. [ToyRow(name="a")]
    by_class: dict[str, int | None] | None = None  # e.g. {"a": 1, "b": None}
    note: str | None = None  # e.g. None


@pytest.fixture
def toy_registered(monkeypatch):
    """The registry as if `record/sections/toy.py` registered `ToySection` under "toy"."""
    from modelcard.record import registry, validate
    from modelcard.record.model import run
    from modelcard.record.registered import RecordSection

    toy = registry.Registry((RecordSection("toy", ToySection),))
    monkeypatch.setattr(registry, "REGISTRY", toy)
    monkeypatch.setattr(run, "REGISTRY", toy)
    validate._validator.cache_clear()
    yield toy
    validate._validator.cache_clear()


def _toy_record() -> dict:
    record = _minimal("1.4", intervals=True)
    record["toy"] = {"n": 3, "ok": True, "first": {"name": "a", "weight": 0.5}, "rows": [{"name": "b"}],
                     "by_class": {"a": 1, "b": None}, "a_newer_writers_field": [1]}
    return record


def test_a_registered_section_is_read_typed_and_written_back_byte_identical(toy_registered):
    text = record_text(_toy_record())
    typed = RunRecord.from_json(text)
    toy = typed.section(ToySection)
    assert isinstance(toy, ToySection) and isinstance(toy.first, ToyRow) and isinstance(toy.rows[0], ToyRow)
    assert (toy.n, toy.first.weight, toy.rows[0].weight, toy.by_class, toy.note) == (3, 0.5, None, {"a": 1, "b": None}, None)
    assert typed.to_json() == text
    # written in code, typed at the door either way; absent reads as None and leaves the record unchanged
    from modelcard.record.typed import with_fields

    plain = RunRecord.from_json(record_text(_minimal("1.4", intervals=True)))
    assert plain.section(ToySection) is None and "toy" not in plain.to_dict()
    made = with_fields(plain, toy=ToySection(n=1, ok=False, first=ToyRow(name="x")))
    assert made.to_dict()["toy"] == {"n": 1, "ok": False, "first": {"name": "x"}}
    assert with_fields(plain, toy={"n": 1, "ok": False, "first": {"name": "x"}}).section(ToySection) == made.section(ToySection)
    with pytest.raises(KeyError, match="ToyRow is not a registered record section"):
        typed.section(ToyRow)


def test_the_generated_schema_matches_the_dataclass_and_refuses_a_malformed_section(toy_registered):
    schema = run_schema()
    assert drift(RunRecord, schema) == []  # the registered section's fields, nested ones included
    assert schema["properties"]["toy"]["required"] == ["n", "ok", "first"]
    assert "toy" not in SCHEMA["properties"]  # the hand-written schema is unchanged
    for change, where in [(lambda t: t.update(n="3"), "toy/n"), (lambda t: t.update(ok=1), "toy/ok"),
                          (lambda t: t["first"].update(weight="heavy"), "toy/first/weight"),
                          (lambda t: t["rows"].append({"weight": 1.0}), "toy/rows/1"),
                          (lambda t: t["by_class"].update(c=0.5), "toy/by_class/c"),
                          (lambda t: t.pop("first"), "toy")]:
        record = _toy_record()
        change(record["toy"])
        with pytest.raises(UserError, match=f"malformed run record at {where}") as err:
            RunRecord.from_json(record_text(record))
        assert "\n" not in str(err.value)


def test_a_registered_key_is_never_a_core_field_and_an_unknown_one_is_refused(monkeypatch, toy_registered):
    from modelcard.record import registry, validate
    from modelcard.record.registered import RecordSection
    from modelcard.record.section_schema import schema_of

    record = _toy_record()
    record["not_registered"] = {"n": 1}
    with pytest.raises(UserError, match="Additional properties.*not_registered"):
        RunRecord.from_json(record_text(record))
    monkeypatch.setattr(registry, "REGISTRY", registry.Registry((RecordSection("data", ToySection),)))
    validate._validator.cache_clear()
    with pytest.raises(ValueError, match="'data' is a core field"):
        run_schema()
    with pytest.raises(TypeError, match="Bad.x: type"):
        schema_of(dataclasses.make_dataclass("Bad", [("x", "set[int]")], bases=(Section,), frozen=True, kw_only=True))
    with pytest.raises(ValueError, match="snake_case"):
        RecordSection("Toy-Section", ToySection)
    with pytest.raises(TypeError, match="not a dataclass deriving"):
        RecordSection("toy", dict)


def test_every_registered_section_is_documented():
    from modelcard.record.registry import REGISTRY

    doc = (ROOT / "docs" / "run-record.md").read_text("utf-8").split("\n## Registered sections", 1)[1]
    assert [key for key in REGISTRY.types if f"### `{key}`" not in doc] == []
