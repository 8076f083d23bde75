"""Cost of the quick robustness suite against plain evaluation passes, measured side by side.

Prints the wall time of `run_robustness("quick", ...)` (decode once, then the clean pass and 18
corrupted passes through one parallel tf.data pipeline, analysis included) divided by
(number of passes x one clean evaluation pass), where a clean evaluation pass is what
`evaluate`/`train` do for the test set: decode, resize and predict every file
(`training.model.features.extract`). Both at 160 px with the saved-model layout (resize +
preprocessing + MobileNetV2 with the offline weights + a softmax head), batch 32, after a
warm-up, on augmented demo photos. Target: <= 1.3 (corruption costs at most 30% on top of
inference). The suite runs 18 corrupted passes plus its own clean pass (so the drop is paired
on identical inputs): the ratio is printed with 18 passes (the target) and with 19.

    .venv/bin/python bench/robustness.py [--images 2000]
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
from result import result as bench_result  # noqa: E402

SIZE, BATCH = 160, 32


def full_model(n_classes: int):
    import keras

    from training.model.backbones import BackboneSpec, build_backbone
    from training.model.full_model import build_extractor, build_full_model, build_head

    keras.utils.set_random_seed(0)
    backbone, _ = build_backbone(BackboneSpec("mobilenetv2", 1.0, SIZE, "offline"))
    extractor = build_extractor(backbone, "mobilenetv2", SIZE)
    return build_full_model(extractor, build_head(int(extractor.output_shape[-1]), n_classes, 0.2), SIZE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2000)
    args = parser.parse_args()
    from augmented_data import augmented_folder

    from training.model.features import extract
    from training.robustness import passes, run_robustness

    with tempfile.TemporaryDirectory(prefix="bench-robustness-") as tmp:
        folder = augmented_folder(Path(tmp) / "tp", args.images)
        classes = sorted(p.name for p in folder.iterdir() if p.is_dir())
        paths = sorted(str(p) for p in folder.rglob("*.jpg"))
        labels = [classes.index(Path(p).parent.name) for p in paths]
        model = full_model(len(classes))
        extract(model, paths[:64], SIZE, BATCH)  # warm-up
        run_robustness("quick", model=model.predict_on_batch, paths=paths[:64], y_true=labels[:64],
                       class_names=classes, input_size=SIZE, batch_size=BATCH)
        start = time.perf_counter()
        extract(model, paths, SIZE, BATCH, "clean evaluation pass")
        clean_s = time.perf_counter() - start
        start = time.perf_counter()
        (result,) = run_robustness("quick", model=model.predict_on_batch, paths=paths, y_true=labels,
                                   class_names=classes, input_size=SIZE, batch_size=BATCH)
        suite_s = time.perf_counter() - start
        if result.section is None:
            sys.exit(f"robustness failed: {result.warning}")
        n_passes = len(passes("quick"))
        print(f"{len(paths)} images at {SIZE} px: one clean evaluation pass {clean_s:.1f} s; quick suite "
              f"({n_passes} corrupted passes + 1 clean) {suite_s:.1f} s")
        print(f"ratio suite / ({n_passes} x clean pass) = {suite_s / (n_passes * clean_s):.2f} (target <= 1.3); "
              f"per pass including its clean pass: {suite_s / ((n_passes + 1) * clean_s):.2f}")
        bench_result("robustness", f"quick suite time / ({n_passes} x one clean pass)", round(suite_s / (n_passes * clean_s), 3),
                     "<=", 1.3, scale=f"{len(paths)} images at {SIZE} px")


if __name__ == "__main__":
    main()
