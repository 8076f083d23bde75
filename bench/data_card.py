"""Cost of the data card (decode, composition, cleanvision) plus label issues (K-fold heads and
cleanlab), divided by the feature extraction time of the same images, measured in one run.

Target: <= 0.5 at 2,000 images (augmented demo photos, MobileNetV2 at 160 px, batch 32).

    .venv/bin/python bench/data_card.py [--images 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SIZE, BATCH = 160, 32


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2000)
    args = parser.parse_args()
    from augmented_data import augmented_folder

    from training.model.backbones import BackboneSpec, build_backbone
    from training.data import resolve_source
    from training.data_card import DataCardCollector
    from training.model.features import extract
    from training.model.full_model import build_extractor

    with tempfile.TemporaryDirectory(prefix="bench-datacard-") as tmp:
        folder = augmented_folder(Path(tmp) / "data", args.images)
        dataset = resolve_source(str(folder), progress=False)
        backbone, _ = build_backbone(BackboneSpec("mobilenetv2", 1.0, SIZE, "offline"))
        model = build_extractor(backbone, "mobilenetv2", SIZE)
        paths = {split: dataset.tf_inputs(split, Path(tmp) / "cache")[0] for split in dataset.splits}
        extract(model, paths["train"][:64], SIZE, BATCH)  # warm-up
        start = time.perf_counter()
        features = {split: extract(model, p, SIZE, BATCH) for split, p in paths.items()}
        extract_s = time.perf_counter() - start

        start = time.perf_counter()
        collector = DataCardCollector(dataset.splits, dataset.class_names, dataset.summary()["duplicates"],
                                      created_by="train")
        collector.collect()
        card_s = time.perf_counter() - start
        start = time.perf_counter()
        collector.measure_train(lambda: features["train"])
        issues_s = time.perf_counter() - start
        errors = collector.section["errors"]
        n = dataset.n_files
        print(f"{n} images at {SIZE} px: feature extraction {extract_s:.1f}s; data card (decode, composition, "
              f"cleanvision) {card_s:.1f}s; label issues (K-fold heads + cleanlab, train split) {issues_s:.1f}s")
        if errors:
            print("collector errors: " + "; ".join(errors))
        print(f"ratio (data card + label issues) / feature extraction = {(card_s + issues_s) / extract_s:.2f} "
              "(target <= 0.5)")
        from result import result

        result("data_card", "(data card + label issues) / feature extraction", round((card_s + issues_s) / extract_s, 2),
               "<=", 0.5, scale=f"{n} images")


if __name__ == "__main__":
    main()
