"""Feature extraction from files vs predicting on the same images preloaded as an array.

Target: extraction from files reaches >= 0.8x the throughput of predicting on the preloaded
array (both at 160 px, MobileNetV2 with the offline weights, the same `predict_on_batch` call
at the same batch size, measured side by side after a warm-up, best of 3 each). Also reports peak RSS of extraction-only subprocesses at 1k and 5k images: the
pipeline streams, so it should not grow with the number of images.

    .venv/bin/python bench/extract.py [--images 500] [--rss 1000,5000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from result import result  # noqa: E402

SIZE, BATCH = 160, 32


def extractor():
    from training.model.backbones import BackboneSpec, build_backbone
    from training.model.full_model import build_extractor

    backbone, _ = build_backbone(BackboneSpec("mobilenetv2", 1.0, SIZE, "offline"))
    return build_extractor(backbone, "mobilenetv2", SIZE)


def image_paths(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*.jpg"))


def _predict_preloaded(model, preloaded, batch: int) -> None:
    """The baseline: the same `predict_on_batch` call `extract` makes, on batches already in memory."""
    for start in range(0, len(preloaded), batch):
        model.predict_on_batch(preloaded[start:start + batch])


def throughput(paths: list[str], repeats: int = 3) -> tuple[float, float]:
    """(images/s from files via training.model.features.extract, images/s on a preloaded array).

    A fair baseline: both sides call `extractor.predict_on_batch` on batches of `BATCH` (the
    array side skips only decoding and resizing), both are warmed up first, and each is timed
    `repeats` times alternately, keeping the best (least disturbed) time of each.
    """
    import numpy as np

    from training.model.features import extract, image_dataset

    model = extractor()
    preloaded = np.concatenate([b.numpy() for b in image_dataset(paths, SIZE, BATCH)])
    extract(model, paths[:2 * BATCH], SIZE, BATCH)  # warm-up both paths (tracing, thread pools)
    _predict_preloaded(model, preloaded[:2 * BATCH], BATCH)
    files_s, array_s = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        extract(model, paths, SIZE, BATCH)
        files_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        _predict_preloaded(model, preloaded, BATCH)
        array_s.append(time.perf_counter() - start)
    return len(paths) / min(files_s), len(paths) / min(array_s)


def rss_child(folder: str) -> None:
    """Subprocess body: extract every image of `folder`, print peak RSS (MiB) as JSON."""
    from training.collectors import peak_rss_mb
    from training.model.features import extract

    paths = image_paths(Path(folder))
    extract(extractor(), paths, SIZE, BATCH)
    print(json.dumps({"n": len(paths), "peak_rss_mb": peak_rss_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--rss", default="1000,5000", help="image counts for the peak-RSS check ('' to skip)")
    parser.add_argument("--rss-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        return rss_child(args.rss_child)
    from augmented_data import augmented_folder

    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        paths = image_paths(augmented_folder(Path(tmp) / "tp", args.images))
        files_ips, array_ips = throughput(paths)
        print(f"{len(paths)} images at {SIZE} px: from files {files_ips:.1f} img/s, preloaded array "
              f"{array_ips:.1f} img/s; ratio {files_ips / array_ips:.2f} (target >= 0.8)")
        result("extract", "extraction img/s from files / predict_on_batch on a preloaded array", round(files_ips / array_ips, 3),
               ">=", 0.8, scale=f"{len(paths)} images at {SIZE} px")
        for n in [int(x) for x in args.rss.split(",") if x]:
            folder = augmented_folder(Path(tmp) / f"rss{n}", n)
            done = subprocess.run([sys.executable, __file__, "--rss-child", str(folder)], capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(done.stderr[-2000:])
            child = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"peak RSS extracting {child['n']} images: {child['peak_rss_mb']:.0f} MiB")
            result("extract_memory", f"peak RSS extracting {child['n']} images", round(child["peak_rss_mb"]),
                   unit=" MiB", scale=f"{child['n']} images", peak_mb=round(child["peak_rss_mb"]))


if __name__ == "__main__":
    main()
