"""build_cards end to end: Hub metadata, MCT schema, sections, gaps, HTML hygiene, determinism, errors."""

from __future__ import annotations

import copy
import hashlib
import html
import json
import os
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from modelcard.errors import UserError
from modelcard.record import RunRef
from modelcard.render.build import build_cards
from modelcard.render.mct import mct_schema_path
from modelcard.render.sections import HEADINGS

import card_fixtures as cf

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _away_from_repo_card_yaml(tmp_path, monkeypatch):
    """Run in a clean folder: the repository's own ./card.yaml must not leak into these builds."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One full build (record + card.yaml) shared by the read-only checks below."""
    root = tmp_path_factory.mktemp("full")
    run = cf.write_run(root, cf.base_record())
    info = root / "card.yaml"
    info.write_text(cf.CARD_YAML, encoding="utf-8")
    result = build_cards(run, root / "cards", card_info=info)
    return root, run, result


def _read(root, name):
    return (root / "cards" / name).read_text(encoding="utf-8")


def _mct_validator():
    path = mct_schema_path()
    if path is None:
        pytest.skip("model-card-toolkit is not installed")
    # MCT's schema spells one reference "#definitions/graphic" (missing "/"); repair it to resolve.
    schema = json.loads(path.read_text(encoding="utf-8").replace('"#definitions/', '"#/definitions/'))
    return jsonschema.Draft7Validator(schema)


def test_written_files_and_names(built):
    root, _, result = built
    names = [p.relative_to(root / "cards").as_posix() for p in result.written]
    assert names == sorted(names)
    for expected in ("stamp-classifier.md", "stamp-classifier.html", "stamp-classifier.mct.json",
                     "figures/stamp-classifier/confusion_matrix_test.svg", "figures/stamp-classifier/per_class_f1_test.svg",
                     "figures/stamp-classifier/reliability_test.svg", "figures/stamp-classifier/training_curves.svg",
                     "figures/stamp-classifier/slice_test_background.svg"):
        assert expected in names
    assert not [p for p in (root / "cards").rglob("*.tmp")]


def test_huggingface_parses_metadata_and_eval_results(built, tmp_path):
    from huggingface_hub import ModelCard, parse_eval_result_entries

    root, run, _ = built
    card = ModelCard.load(root / "cards" / "stamp-classifier.md")
    data = card.data.to_dict()
    assert data["license"] == "apache-2.0"
    assert data["library_name"] == "keras"
    assert "image-classification" in data["tags"] and "clip-art" in data["tags"]
    assert "base_model" not in data  # offline torchvision weights have no Hub id
    assert card.data.eval_results is None  # the demo data has no Hub dataset id: no model-index (docs/hub.md)
    assert "co2_eq_emissions" not in data  # a record without phases has no training-scoped CO2 figure
    # with a Hub dataset id: the test set's scores (not the extra set's, whose id is unknown), by metric id
    info = tmp_path / "card.yaml"
    info.write_text(cf.CARD_YAML + "data:\n  hub_id: someone/stamps\n", encoding="utf-8")
    result = build_cards(run, tmp_path / "cards", card_info=info, formats=["md"])
    card = ModelCard.load(tmp_path / "cards" / "stamp-classifier.md")
    results = {r.metric_name: r for r in card.data.eval_results}
    expected = run.record["evaluations"]["test"]["metrics"]
    assert results["test accuracy"].metric_value == expected["accuracy"]["value"]
    assert results["test accuracy"].metric_args is None and results["test accuracy"].verified is None
    assert results["test macro F1"].metric_type == "f1" and results["test macro F1"].metric_args == {"average": "macro"}
    assert {r.dataset_type for r in results.values()} == {"someone/stamps"} and not [k for k in results if "shifted" in k]
    (path,) = [p for p in result.written if ".eval_results" in str(p)]
    (entry,) = parse_eval_result_entries(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert (entry.dataset_id, entry.value) == ("someone/stamps", expected["accuracy"]["value"])


def test_mct_json_validates_against_toolkit_schema(built):
    root, run, _ = built
    doc = json.loads(_read(root, "stamp-classifier.mct.json"))
    errors = list(_mct_validator().iter_errors(doc))
    assert not errors, errors[0].message
    metrics = {(m["slice"], m["type"]): m for m in doc["quantitative_analysis"]["performance_metrics"]}
    acc = run.record["evaluations"]["test"]["metrics"]["accuracy"]
    assert float(metrics[("test", "accuracy")]["value"]) == acc["value"]
    assert float(metrics[("test", "accuracy")]["confidence_interval"]["lower_bound"]) == acc["ci_low"]
    assert doc["model_details"]["licenses"] == [{"identifier": "Apache-2.0"}]
    assert doc["considerations"]["ethical_considerations"][0]["name"].startswith("Photos of real scenes")


def _h2(text: str, html_mode: bool) -> list[str]:
    if html_mode:
        return [html.unescape(h) for h in re.findall(r'<h2 id="[^"]+">(.*?)</h2>', text)]
    return [html.unescape(line[3:]) for line in text.splitlines() if line.startswith("## ")]


@pytest.mark.parametrize("name, html_mode", [("stamp-classifier.md", False), ("stamp-classifier.html", True)])
def test_every_section_heading_in_order(built, name, html_mode):
    root, _, _ = built
    assert _h2(_read(root, name), html_mode) == list(HEADINGS)


def test_never_placeholder_text(built):
    root, _, _ = built
    phrase = "[More Information" + " Needed]"  # split so this file does not contain it either
    for path in (root / "cards").rglob("*"):
        if path.is_file():
            assert phrase not in path.read_text(encoding="utf-8")
    for folder in ("templates", "modelcard"):
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".jinja", ".css", ".json"}:
                assert phrase not in path.read_text(encoding="utf-8"), path


def test_numbers_on_card_equal_the_record(built):
    root, run, _ = built
    md, page = _read(root, "stamp-classifier.md"), _read(root, "stamp-classifier.html")
    acc = run.record["evaluations"]["test"]["metrics"]["accuracy"]
    shown = f"{acc['value']:.3f} [{acc['ci_low']:.3f}, {acc['ci_high']:.3f}]"
    assert shown in md and shown in page
    for row in run.record["evaluations"]["test"]["per_class"]:
        f1 = row["f1"]
        assert f"{f1['value']:.3f} [{f1['ci_low']:.3f}, {f1['ci_high']:.3f}]" in md
    assert "2,268,232" in md and "10,248" in md  # total vs trainable parameters
    assert "image classifier, 4 classes" in md and "object detection" not in md.lower()
    assert "test accuracy [95% CI]" in md and "selected (this card)" in md  # sweep table
    assert "YES: crosses splits" in md and "truncated image" in md
    assert "ESTIMATES, not measurements" in md


def test_html_is_self_contained(built):
    root, _, _ = built
    page = _read(root, "stamp-classifier.html")
    assert "<script" not in page.lower()
    assert page.count("<svg") == 11  # 8 + the robustness plot + the scorecard's two interval bars
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "<link" not in page.lower() and "@import" not in page
    assert not re.search(r"""url\(\s*['"]?(?!#)""", page)  # only in-document references like url(#clip)
    assert "@media print" in page


def test_markdown_links_figures_relatively(built):
    root, _, result = built
    md = _read(root, "stamp-classifier.md")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert links and all(link.startswith("figures/stamp-classifier/") for link in links)
    for link in links:
        assert (root / "cards" / link).is_file()


def test_build_is_byte_identical(built, tmp_path):
    root, run, first = built
    second = build_cards(run, tmp_path / "cards", card_info=root / "card.yaml")
    assert [p.relative_to(tmp_path / "cards") for p in second.written] == \
           [p.relative_to(root / "cards") for p in first.written]
    for a, b in zip(first.written, second.written):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_gaps_named_without_card_yaml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./card.yaml here
    run = cf.write_run(tmp_path, cf.base_record())
    result = build_cards(run, tmp_path / "cards", formats=["md"])
    assert "Uses / Out-of-scope use: add `uses.out_of_scope` to card.yaml" in result.gaps
    assert any("`contact`" in g for g in result.gaps) and any("`license`" in g for g in result.gaps)
    md = (tmp_path / "cards" / "demo-mobilenetv2.md").read_text(encoding="utf-8")
    keys = re.findall(r"Not provided: add `([^`]+)` to card\.yaml", md)
    assert sorted(keys) == sorted(re.search(r"`([^`]+)`", g).group(1) for g in result.gaps)
    assert [p.name for p in result.written] == ["demo-mobilenetv2.md"] or all(
        p.suffix in {".md", ".svg"} for p in result.written)


def test_default_card_yaml_in_cwd_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "card.yaml").write_text("model_name: From CWD\nruns: [demo-mobilenetv2]\n", encoding="utf-8")
    run = cf.write_run(tmp_path, cf.base_record())
    result = build_cards(run, tmp_path / "out", formats=["md"])
    assert (tmp_path / "out" / "from-cwd.md").is_file() and result.written


def test_incomplete_run_warns_at_the_top(tmp_path):
    run = cf.write_run(tmp_path, cf.base_record(status="failed"))
    result = build_cards(run, tmp_path / "cards", formats=["md", "html"])
    assert any("not complete (status: failed" in w for w in result.warnings)
    md = (tmp_path / "cards" / "demo-mobilenetv2.md").read_text(encoding="utf-8")
    body = md.split("\n---\n", 1)[1]
    first_h2 = body.index("## Model Details")
    assert "> **Warning:** run 20260101T000000Z-abc123 is not complete (status: failed" in body[:first_h2]
    page = (tmp_path / "cards" / "demo-mobilenetv2.html").read_text(encoding="utf-8")
    assert page.index('class="warnings"') < page.index('<h2 id="model-details">Model Details</h2>')


def test_no_pretrained_weights_said_plainly(tmp_path):
    run = cf.write_run(tmp_path, cf.base_record(pretrained=False))
    result = build_cards(run, tmp_path / "cards", formats=["md"])
    md = (tmp_path / "cards" / "demo-mobilenetv2.md").read_text(encoding="utf-8")
    assert "No pretrained weights were used" in md
    assert sum("pretrained weights" in w.lower() for w in result.warnings) == 1  # not repeated twice
    from huggingface_hub import ModelCard

    assert "base_model" not in ModelCard.load(tmp_path / "cards" / "demo-mobilenetv2.md").data.to_dict()


def test_record_run_is_marked_external(tmp_path):
    run = cf.write_run(tmp_path, cf.record_only())
    result = build_cards(run, tmp_path / "cards")
    md = (tmp_path / "cards" / "demo-mobilenetv2.md").read_text(encoding="utf-8")
    assert "external model" in md and "keras.saving.load_model" not in md
    assert any("external model" in w for w in result.warnings)
    doc = json.loads((tmp_path / "cards" / "demo-mobilenetv2.mct.json").read_text(encoding="utf-8"))
    assert not list(_mct_validator().iter_errors(doc))


def test_get_started_code_is_real(built):
    root, _, _ = built
    md = _read(root, "stamp-classifier.md")
    code = re.search(r"```python\n(.*?)\n```", md, re.DOTALL).group(1)
    compile(code, "get_started", "exec")  # valid Python
    # The fixture run has no model file beside it: the code must not point to the absent file.
    assert "runs/20260101T000000Z-abc123/model.keras" not in code and "load_model(sys.argv[1])" in code
    record = json.loads((root / "runs" / "20260101T000000Z-abc123" / "run.json").read_text(encoding="utf-8"))
    assert record["model"]["file_sha256"] in code
    assert 'keras.ops.image.resize(pixels, (96, 96), interpolation="bilinear", antialias=False)' in code
    assert "'vegetables'" in code
    assert "not stored beside this record" in md


def test_get_started_points_to_a_model_file_that_is_present(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    record = cf.base_record()
    data = b"not really a keras file"
    record["model"]["file_sha256"] = hashlib.sha256(data).hexdigest()
    run = cf.write_run(tmp_path, record)
    (run.path / "model.keras").write_bytes(data)
    build_cards(RunRef(run.path.relative_to(tmp_path), record), tmp_path / "cards", formats=["md", "json"])
    md = (tmp_path / "cards" / "demo-mobilenetv2.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)\n```", md, re.DOTALL).group(1)
    assert "keras.saving.load_model('runs/20260101T000000Z-abc123/model.keras')" in code
    assert "not stored beside this record" not in md
    doc = json.loads((tmp_path / "cards" / "demo-mobilenetv2.mct.json").read_text(encoding="utf-8"))
    assert doc["model_details"]["path"] == "runs/20260101T000000Z-abc123/model.keras"


def test_unwritable_output_folder(tmp_path):
    run = cf.write_run(tmp_path, cf.base_record())
    if os.geteuid() == 0:  # root ignores permission bits; /sys refuses new files even to root
        locked = Path("/sys/kernel")
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
    try:
        with pytest.raises(UserError, match="not writable"):
            build_cards(run, locked, formats=["md"])
    finally:
        if locked.is_relative_to(tmp_path):
            locked.chmod(0o700)


def test_output_path_that_is_a_file(tmp_path):
    run = cf.write_run(tmp_path, cf.base_record())
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="cannot create output folder"):
        build_cards(run, tmp_path / "file" / "cards", formats=["md"])


def test_failure_mid_render_writes_nothing(tmp_path):
    """A template that fails after other formats rendered: no card file at all, old ones untouched."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    run = cf.write_run(tmp_path, cf.base_record())
    out = tmp_path / "cards"
    out.mkdir()
    (out / "demo-mobilenetv2.md").write_text("previous card\n", encoding="utf-8")
    (templates / "card.html.jinja").write_text("{{ card.no_such_field }}", encoding="utf-8")
    with pytest.raises(Exception, match="no_such_field"):
        build_cards(run, out, templates_dir=templates)
    assert sorted(p.name for p in out.rglob("*")) == ["demo-mobilenetv2.md"]
    assert (out / "demo-mobilenetv2.md").read_text(encoding="utf-8") == "previous card\n"


def test_templates_override_is_used(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    path = templates / "sections" / "closing.jinja"
    path.write_text(path.read_text(encoding="utf-8") + '{{ m.para("Custom footer") }}\n', encoding="utf-8")
    run = cf.write_run(tmp_path, cf.base_record())
    build_cards(run, tmp_path / "cards", formats=["md"], templates_dir=templates)
    assert "Custom footer" in (tmp_path / "cards" / "demo-mobilenetv2.md").read_text(encoding="utf-8")
    with pytest.raises(UserError, match="card.md.jinja"):
        build_cards(run, tmp_path / "cards", formats=["md"], templates_dir=tmp_path / "empty")


def test_unknown_format_is_a_user_error(tmp_path):
    run = cf.write_run(tmp_path, cf.base_record())
    with pytest.raises(UserError, match="docx"):
        build_cards(run, tmp_path / "cards", formats=["docx"])


def test_sweep_members_from_sibling_runs(tmp_path):
    """With an empty member table the sweep is rebuilt from runs sharing the sweep id."""
    record = cf.base_record()
    record["sweep"]["members"] = []
    run = cf.write_run(tmp_path, record)
    other = copy.deepcopy(record)
    other["run_id"] = "20260101T000100Z-def456"
    other["sweep"].update({"parameters": {"optimizer": "sgd", "batch_size": 32}, "selected": False, "index": 1})
    cf.write_run(tmp_path, other)
    build_cards(run, tmp_path / "cards", formats=["md"], runs_dir=tmp_path / "runs")
    md = (tmp_path / "cards" / "demo-mobilenetv2.md").read_text(encoding="utf-8")
    table = md.split("#### Hyperparameter Sweep", 1)[1].split("####", 1)[0]
    assert "| 32 | sgd |" in table and "| 32 | adam |" in table and "selected (this card)" in table


def test_mct_graphics_are_png_and_validate(tmp_path):
    import base64

    run = cf.write_run(tmp_path, cf.base_record())
    plain = build_cards(run, tmp_path / "plain", formats=["json"])
    with_graphics = build_cards(run, tmp_path / "rich", formats=["json"], mct_graphics=True)
    doc = json.loads(next(p for p in with_graphics.written if p.name.endswith(".mct.json")).read_text(encoding="utf-8"))
    assert not list(_mct_validator().iter_errors(doc))
    collection = doc["quantitative_analysis"]["graphics"]["collection"]
    full = build_cards(run, tmp_path / "full")  # the same figures as SVG files
    assert len(collection) == len([p for p in full.written if p.suffix == ".svg"]) >= 3
    for graphic in collection:
        assert base64.b64decode(graphic["image"]).startswith(b"\x89PNG\r\n\x1a\n")
    plain_doc = json.loads(next(p for p in plain.written if p.name.endswith(".mct.json")).read_text(encoding="utf-8"))
    assert "graphics" not in plain_doc["quantitative_analysis"]
    # rasterising is deterministic too
    again = build_cards(run, tmp_path / "again", formats=["json"], mct_graphics=True)
    assert [p.read_bytes() for p in again.written] == [p.read_bytes() for p in with_graphics.written]


def test_build_prints_the_cards_and_a_figure_count(tmp_path, capsys):
    """Issue 16: `build` printed every file it wrote (117 lines); now the cards, then one count."""
    from modelcard.cli import main
    run = cf.write_run(tmp_path, cf.base_record())
    assert main(["build", "--run", str(run.path), "--out", "cards"]) == 0
    lines = capsys.readouterr().out.splitlines()
    written = sorted(p for p in Path("cards").rglob("*") if p.is_file())
    figures = [p for p in written if "figures" in p.parts]
    cards = [p for p in written if "figures" not in p.parts]
    assert figures and cards
    assert lines[:-1] == [str(p) for p in cards]
    assert {Path(line).suffix for line in lines[:-1]} == {".md", ".html", ".json"}
    assert lines[-1] == f"and {len(figures)} figure files in {Path('cards', 'figures', 'demo-mobilenetv2')}{os.sep}"
    assert all(p.parent.parts[:3] == ("cards", "figures", "demo-mobilenetv2") for p in figures)
