"""`--mode finetune`: top blocks unfrozen (BatchNorm kept frozen), augmented images, full model saved."""

from __future__ import annotations

import pytest

from modelcard.record import read_record
from train_fixtures import make_folder, run_cli

pytestmark = pytest.mark.tf


def test_finetune_trains_top_blocks_and_saves_model(tmp_path, capsys):
    data = make_folder(tmp_path / "data", per_class=6)
    code, out, err = run_cli(["train", "--data", str(data), "--mode", "finetune", "--weights", "none",
                              "--input-size", "96", "--epochs", "1", "--finetune-blocks", "1", "--inference-predictions", "40",
                              "--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache")], capsys)
    assert code == 0, err[-2000:]
    record = read_record(out.strip())
    assert record["status"] == "complete" and record["training"]["mode"] == "finetune"
    assert record["training"]["unfrozen_blocks"] == ["block_16"]
    # the record states the fine-tuning as facts; the card words them, once
    assert record["training"]["batchnorm_frozen"] is True and "flips" in record["training"]["augmentation"]
    assert not any(w.startswith("fine-tuned") for w in record["warnings"])
    assert record["config"]["learning_rate"] == pytest.approx(1e-5)  # adam 1e-3 / 100 at batch 32
    # head (1280*3+3) plus block_16 and Conv_1 weights without their BatchNorm layers
    assert 1280 * 3 + 3 < record["model"]["trainable_params"] < record["model"]["total_params"] / 2
    assert record["artifacts"]["model"] == "model.keras" and (tmp_path / "runs").exists()
    # label issues of the training data: K-fold heads on the frozen backbone's features, and the card says so
    assert "frozen backbone's features from before fine-tuning" in record["label_issues"]["train"]["method"]
    examples = record["examples"]  # the grid and its maps come from this member's own fine-tuned model
    assert examples["error"] is None and examples["gradcam"]["error"] is None and examples["gradcam"]["cells"] == [3, 3]
    # the default quick robustness suite ran on the fine-tuned model too
    assert record["robustness"]["suite"] == "quick" and len(record["robustness"]["corruptions"]) == 6
    code, _, err = run_cli(["build", "--run", out.strip(), "--out", str(tmp_path / "cards")], capsys)
    assert code == 0, err[-2000:]
    card = next(p for p in (tmp_path / "cards").glob("*.md") if not p.name.endswith(".data.md")).read_text("utf-8")
    assert card.count("fine-tuned: the top 1 backbone blocks were trained (block_16), BatchNorm layers kept frozen; "
                      "training used random horizontal flips") == 1
    assert card.count("the backbone started from random weights, so these results say nothing") == 1  # --weights none
    assert "the backbone is random" not in card  # training no longer words it
