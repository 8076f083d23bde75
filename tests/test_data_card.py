"""The data card end to end without TensorFlow: collect (real cleanvision and cleanlab on tiny
images), write into a run, validate the record, render the Markdown and HTML data cards."""

from __future__ import annotations

import dataclasses

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from modelcard.analysis import evaluate_predictions
from modelcard.analysis.label_issues import moves_accuracy
from modelcard.record.model import LabelIssues, Metric
from modelcard.cli import main
from modelcard.record import Predictions, open_run, read_record
from train_fixtures import make_folder
from training.data import resolve_source
from training.data.images import load_rgb
from training.data_card import DataCardCollector
from training.data_card import collect as collect_module

SPLITS = ("train", "val", "test")


def _folder(tmp_path: Path) -> Path:
    root = make_folder(tmp_path / "data", per_class=12)
    Image.fromarray(np.full((40, 40, 3), 3, np.uint8)).save(root / "blue" / "zz_dark.png")  # cleanvision: dark
    (root / "red" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really a png")     # skipped at load
    (root / "green" / "green00_copy.png").write_bytes((root / "green" / "green00.png").read_bytes())  # exact duplicate
    return root


def _features(samples) -> np.ndarray:
    """Mean colour per image: enough to separate the colour classes (stands in for backbone features)."""
    return np.stack([load_rgb(s.path).reshape(-1, 3).mean(axis=0) for s in samples])


def _run(tmp_path, dataset, collector, name="tiny"):
    """A run with test predictions from a colour-nearest classifier, filled by the collector."""
    test = dataset.splits["test"]
    feats = _features(test)
    centres = np.array([[40, 60, 200], [40, 180, 60], [200, 40, 40]], float)
    logits = -np.linalg.norm(feats[:, None, :] - centres[None], axis=2) / 20
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    labels = np.array([s.label for s in test])
    with open_run(tmp_path / "runs", name, "train", config={"label_issues": "cleanlab"}) as writer:
        writer.set(data=dataset.summary())
        writer.add_predictions("test", Predictions(np.array([s.relpath for s in test]), labels, probs,
                                                   list(dataset.class_names)))
        evaluation = evaluate_predictions(labels, probs, dataset.class_names, n_resamples=100)
        writer.add_evaluation("test", dataclasses.replace(evaluation, source="test split"))
        collector.write(writer)
    return writer.path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("datacard")
    dataset = resolve_source(str(_folder(tmp)), progress=False)
    dark = next(s for s in dataset.splits["train"] + dataset.splits["val"] + dataset.splits["test"]
                if s.relpath.endswith("zz_dark.png"))
    victim = next(s for s in dataset.splits["val"] if s is not dark)
    victim.path.write_bytes(victim.path.read_bytes()[:60])  # corrupt after loading: the data card must skip it
    collector = DataCardCollector(dataset.splits, dataset.class_names, dataset.summary()["duplicates"],
                                  created_by="train")
    collector.collect()
    collector.measure_train(lambda: _features(dataset.splits["train"]))
    run = _run(tmp, dataset, collector)
    (tmp / "card.yaml").write_text("data:\n  collection: Generated colour patches.\n", encoding="utf-8")
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["build", "--run", str(run), "--out", str(tmp / "cards"), "--card-info", str(tmp / "card.yaml")]) == 0
    return run, tmp / "cards", dataset, dark, err.getvalue()


def test_record_holds_the_data_card_and_label_issues(built):
    run, _, dataset, dark, _ = built
    record = read_record(run)  # validates against run.schema.json
    victim = next(s for s in dataset.splits["val"] if s is not dark)
    card = record["data_card"]
    assert card["errors"] == []
    assert [u["path"] for u in card["unreadable"]] == [victim.relpath]
    assert record["data"]["skipped_files"][0]["path"] == "red/broken.png"
    q = card["quality"]
    assert q["n_checked"] == dataset.n_files - 1 and q["tool"] == "cleanvision 0.3.7"
    split = next(name for name in SPLITS if dark in dataset.splits[name])
    assert q["counts"][split]["dark"] >= 1
    assert dark.relpath in [x["path"] for x in q["examples"]["dark"]]
    assert set(card["composition"]["splits"]) == set(SPLITS)
    for name in ("train", "test"):
        entry = record["label_issues"][name]
        assert entry["measured"] and set(entry["rate"]) == {"value", "ci_low", "ci_high"}
    assert record["label_issues"]["train"]["k_folds"] == 5
    assert "sensitivity" in record["label_issues"]["test"]
    assert (run / "label_issues.csv").read_text().startswith("split,path,given_label,suggested_label")
    for rel in card["thumbnails"].values():
        assert (run / rel).is_file()
    assert dark.relpath in card["thumbnails"]
    # the byte-identical copy: found by the guard and by cleanvision alike, shown with a thumbnail
    group = ["green/green00.png", "green/green00_copy.png"]
    assert card["exact_duplicates"] == [group] and "green/green00.png" in card["thumbnails"]
    assert group in q["duplicates"]["cleanvision_exact"]
    assert not any(set(group) & set(x["files"]) for x in q["duplicates"]["only_cleanvision"] + q["duplicates"]["only_guard"])


def test_data_card_renders_in_both_formats(built):
    run, cards, dataset, dark, _ = built
    slug = json.loads((run / "run.json").read_text())["name"]
    md = (cards / f"{slug}.data.md").read_text()
    html = (cards / f"{slug}.data.html").read_text()
    for heading in ("## Source and licence", "## Composition", "## Integrity", "## Image-quality issues",
                    "## Label conflicts (certain)", "## Label disagreements to review", "## What is not known"):
        assert heading in md
    assert md.index("## Source") < md.index("## Composition") < md.index("## Integrity") < md.index("## Image-quality")
    assert "Not provided: add `data.license` to card.yaml." in md  # a missing licence is a named gap
    assert "Generated colour patches." in md and "add `data.consent`" in md
    assert "Data card / Consent: add `data.consent` to card.yaml" in built[4]
    assert "if the suspects are truly mislabelled" in md
    thumbs = [line for line in md.splitlines() if f"figures/{slug}/data/" in line]
    assert thumbs and all((cards / line.split("](")[1].split(")")[0]).is_file() for line in thumbs)
    assert "data:image/png;base64," in html and "<script" not in html
    assert (cards / f"figures/{slug}/data_class_counts.svg").is_file()
    model_card = (cards / f"{slug}.md").read_text()
    assert model_card.count(f"[{slug}.data.md]({slug}.data.md)") == 2  # Training Data and Testing Data
    assert f'href="{slug}.data.html"' in (cards / f"{slug}.html").read_text()


def test_same_run_gives_byte_identical_data_cards(built, tmp_path):
    run, cards, *_ = built
    card_yaml = cards.parent / "card.yaml"
    assert main(["build", "--run", str(run), "--out", str(tmp_path / "again"), "--card-info", str(card_yaml)]) == 0
    for path in sorted(cards.rglob("*")):
        if path.is_file():
            assert (tmp_path / "again" / path.relative_to(cards)).read_bytes() == path.read_bytes(), path


def test_a_failing_collector_never_breaks_the_run(tmp_path, monkeypatch):
    dataset = resolve_source(str(make_folder(tmp_path / "data", per_class=8)), progress=False)

    def boom(images):
        raise RuntimeError("cleanvision exploded")

    monkeypatch.setattr(collect_module, "run_cleanvision", boom)
    collector = DataCardCollector(dataset.splits, dataset.class_names, {}, created_by="train")
    collector.collect()
    collector.measure_train(lambda: (_ for _ in ()).throw(ValueError("no features")))
    run = _run(tmp_path, dataset, collector)
    record = read_record(run)
    assert record["status"] == "complete"
    errors = record["data_card"]["errors"]
    assert any("cleanvision failed: RuntimeError: cleanvision exploded" in e for e in errors)
    assert any("label issues (train) failed: ValueError: no features" in e for e in errors)
    assert "quality" not in record["data_card"] and "train" not in record["label_issues"]
    (tmp_path / "x.yaml").write_text("{}\n")
    assert main(["build", "--run", str(run), "--out", str(tmp_path / "cards"), "--card-info", str(tmp_path / "x.yaml")]) == 0
    md = (tmp_path / "cards" / "tiny.data.md").read_text()
    assert "cleanvision exploded" in md and "Image quality was not checked" in md


def test_label_issues_none_skips_cleanlab(tmp_path):
    dataset = resolve_source(str(make_folder(tmp_path / "data", per_class=8)), progress=False)
    collector = DataCardCollector(dataset.splits, dataset.class_names, {}, created_by="train", label_issues=False)
    collector.collect()
    collector.measure_train(lambda: _features(dataset.splits["train"]))
    run = _run(tmp_path, dataset, collector)
    record = read_record(run)
    assert "label_issues" not in record and not (run / "label_issues.csv").exists()
    assert record["data_card"]["quality"]["n_checked"] == dataset.n_files


def test_small_classes_shrink_k_or_are_not_measured(tmp_path):
    root = tmp_path / "data"
    rng = np.random.default_rng(0)
    for split, counts in {"train": {"a": 6, "b": 3, "c": 1}, "val": {"a": 1, "b": 1, "c": 1},
                          "test": {"a": 2, "b": 2, "c": 2}}.items():
        for cls, n in counts.items():
            (root / split / cls).mkdir(parents=True)
            for i in range(n):
                colour = {"a": 40, "b": 130, "c": 220}[cls]
                pixels = np.clip(rng.normal(colour, 10, (24, 24, 3)), 0, 255).astype(np.uint8)
                Image.fromarray(pixels).save(root / split / cls / f"{cls}{i}.png")
    dataset = resolve_source(str(root), progress=False)
    collector = DataCardCollector(dataset.splits, dataset.class_names, {}, created_by="train")
    collector.measure_train(lambda: _features(dataset.splits["train"]))
    assert collector.train_entry.measured is False
    assert "class 'c' has 1 training image" in collector.train_entry.reason
    two = DataCardCollector({"train": [s for s in dataset.splits["train"] if s.label < 2]}, dataset.class_names, {},
                            created_by="train")
    two.measure_train(lambda: _features([s for s in dataset.splits["train"] if s.label < 2]))
    assert two.train_entry.measured and two.train_entry.k_folds == 3
    assert two.train_entry.k_note == "K shrank from 5 to 3: class 'b' has only 3 training images"


def test_a_malformed_section_is_dropped_not_fatal(tmp_path, monkeypatch):
    dataset = resolve_source(str(make_folder(tmp_path / "data", per_class=8)), progress=False)
    collector = DataCardCollector(dataset.splits, dataset.class_names, {}, created_by="train")
    monkeypatch.setattr(DataCardCollector, "_test_issues", lambda self, writer, test_set:
                        (LabelIssues.from_dict({"measured": "yes"}), []))  # typed, but not a valid entry
    run = _run(tmp_path, dataset, collector)
    record = read_record(run)
    assert record["status"] == "complete" and "label_issues" not in record
    assert any(e.startswith("data card not recorded:") for e in record["data_card"]["errors"])


def test_risks_line_when_label_issues_could_move_test_accuracy():
    from modelcard.card import CardInfo
    from modelcard.card.assemble import assemble_card

    record = json.loads((Path(__file__).parent / "golden" / "run.json").read_text())
    acc = record["evaluations"]["test"]["metrics"]["accuracy"]
    half = (acc["ci_high"] - acc["ci_low"]) / 2
    for rate, expected in ((half * 1.5, True), (half * 0.5, False)):
        rate = {"value": rate, "ci_low": 0.0, "ci_high": 0.2}
        # the writer decides it when measuring (modelcard.analysis.label_issues.from_predictions); the card reads it
        record["label_issues"] = {"test": {"measured": True, "n": 100, "count": 5, "method": "m", "rate": rate,
                                           "moves_accuracy": moves_accuracy(Metric.from_dict(rate),
                                                                           Metric.from_dict(acc))}}
        card = assemble_card(record, CardInfo(), run_path=Path("."))
        lines = [r.text for r in card.risks.measured if "of the test labels as disagreements to review" in r.text]
        assert bool(lines) is expected


def test_cleanvision_flags_every_grayscale_file_and_no_colour_one(tmp_path):
    """Files stored without colour (L, LA, 16-bit grey) are grayscale to cleanvision; RGB files are not,
    even an RGB file whose three channels happen to be equal (it stores colour channels)."""
    from train_fixtures import gray_template, low_detail_gray
    from training.data_card.images import DecodedImages, Entry
    from training.data_card.quality import quality_section, run_cleanvision

    rng = np.random.default_rng(5)
    template = gray_template(rng)
    root = tmp_path / "data"
    (root / "gray").mkdir(parents=True)
    (root / "colour").mkdir()
    gray = [low_detail_gray(rng, template) for _ in range(9)]
    for k, image in enumerate(gray[:6]):
        image.save(root / "gray" / f"g{k}.png")
    gray[6].convert("LA").save(root / "gray" / "la.png")
    Image.fromarray((np.asarray(gray[7], dtype=np.uint16) * 257)).save(root / "gray" / "sixteen.png")
    gray[8].convert("RGB").save(root / "colour" / "rgb_equal_channels.png")
    for k in range(6):
        Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(root / "colour" / f"c{k}.png")
    files = sorted(root.rglob("*.png"))
    modes = {f.name: Image.open(f).mode for f in files}
    assert modes["la.png"] == "LA" and modes["sixteen.png"].startswith("I") and modes["g0.png"] == "L"
    images = DecodedImages([Entry(f.relative_to(root).as_posix(), f, "test") for f in files])
    lab, order = run_cleanvision(images)
    section = quality_section(images, lab, order)
    expected = sum(1 for m in modes.values() if m != "RGB")
    assert expected == 8 and section["counts"]["test"]["grayscale"] == expected
    flagged = {e["path"] for e in section["examples"]["grayscale"]}
    assert flagged <= {f.relative_to(root).as_posix() for f in files if modes[f.name] != "RGB"}
