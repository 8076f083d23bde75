"""Comparisons of real (tiny) trainings, offline: MobileNetV2 at two input sizes (offline ImageNet
weights), another backbone with `--weights none`, a backbone sweep; cards and `diff` on them."""

from __future__ import annotations

import json
from pathlib import Path

from modelcard.record import read_record
from tests.train_fixtures import make_folder, run_cli


def _common(tmp_path: Path, data: Path) -> list[str]:
    return ["--data", str(data), "--epochs", "2", "--runs-dir", str(tmp_path / "runs"),
            "--cache-dir", str(tmp_path / "cache")]


def test_input_size_sweep_other_backbone_comparison_card_and_paired_diff(tmp_path, capsys):
    data = make_folder(tmp_path / "data", per_class=8)
    code, out, err = run_cli(["train", *_common(tmp_path, data), "--weights", "offline", "--name", "mnv2",
                              "--sweep", "input_size=96,128"], capsys)
    assert code == 0, err[-2000:]
    paths = [Path(p) for p in out.split()]
    recs = [read_record(p) for p in paths]
    assert sorted(r["model"]["input_size"] for r in recs) == [96, 128]
    assert sorted(r["name"] for r in recs) == ["mnv2-px128", "mnv2-px96"]
    assert err.count("extracted") == 6  # each input size has its own features: 3 splits x 2 sizes
    # each input size's best member keeps its full model, so both sizes have a measured latency
    assert all((p / "model.keras").is_file() for p in paths)
    assert all(r["efficiency"].get("model_file_bytes") for r in recs)

    code, out, err = run_cli(["train", *_common(tmp_path, data), "--backbone", "efficientnetb0", "--weights", "none",
                              "--input-size", "96", "--name", "effnet"], capsys)
    assert code == 0, err[-2000:]
    effnet = Path(out.split()[0])

    cards = tmp_path / "cards"
    code, out, err = run_cli(["build", "--run", str(paths[0]), "--runs-dir", str(tmp_path / "runs"), "--out", str(cards),
                              "--format", "md"], capsys)
    assert code == 0, err
    md_path = next(Path(p) for p in out.split() if p.endswith(".md") and not p.endswith(".data.md"))
    md = md_path.read_text()
    rows = [line for line in md.split("#### Configurations Compared: Test Results and Latency")[1].splitlines()
            if line.startswith("| input_size=")]
    assert [r.split(" | ")[0] for r in rows] == ["| input_size=96", "| input_size=128"]
    assert all(" ms | " in r for r in rows)  # latency measured for both sizes
    assert "Rule: val_accuracy:max" in md
    assert (cards / "figures" / md_path.stem / "comparison_accuracy_latency.svg").is_file()

    code, out, err = run_cli(["build", "--run", str(paths[0]), "--runs-dir", str(tmp_path / "runs"), "--out", str(cards),
                              "--format", "md", "--compare", str(effnet)], capsys)
    assert code == 0, err
    md = md_path.read_text()
    table = md.split("#### Configurations Compared: Test Results and Latency")[1]
    assert "| backbone=efficientnetb0, input_size=96, weights=none |" in table
    assert "| backbone=mobilenetv2, input_size=128, weights=offline |" in table

    # two sweep members share the test images: the diff is paired and runs McNemar's test
    code, out, err = run_cli(["diff", str(paths[1]), str(paths[0]), "--format", "json", "--n-resamples", "200"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["same_test_set"] is True and result["mcnemar"] is not None
    assert [p["metric"] for p in result["paired"]] == ["accuracy", "f1_macro"]
    assert {c["key"] for c in result["config"]} >= {"input_size"}
    code, out, err = run_cli(["diff", str(paths[0]), str(effnet), "--n-resamples", "200"], capsys)
    assert code == 0 and "**Verdict:**" in out


def test_backbone_sweep_extracts_once_per_backbone(tmp_path, capsys):
    data = make_folder(tmp_path / "data", per_class=6)
    code, out, err = run_cli(["train", *_common(tmp_path, data), "--weights", "none", "--input-size", "96",
                              "--name", "bb", "--sweep", "backbone=mobilenetv2,efficientnetb0"], capsys)
    assert code == 0, err[-2000:]
    recs = [read_record(Path(p)) for p in out.split()]
    assert sorted(r["model"]["backbone"] for r in recs) == ["efficientnetb0", "mobilenetv2"]
    assert sorted(r["name"] for r in recs) == ["bb-efficientnetb0", "bb-mobilenetv2"]
    assert len({r["model"]["total_params"] for r in recs}) == 2
    assert err.count("extracted") == 6
    assert [r["sweep"]["selected"] for r in recs].count(True) == 1


def test_offline_weights_for_another_backbone_in_a_sweep_is_refused_up_front(tmp_path, capsys):
    data = make_folder(tmp_path / "data", per_class=4)
    code, out, err = run_cli(["train", *_common(tmp_path, data), "--weights", "offline",
                              "--sweep", "backbone=mobilenetv2,resnet50v2"], capsys)
    assert code == 2 and "offline weights exist only for mobilenetv2" in err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
