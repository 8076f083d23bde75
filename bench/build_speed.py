"""How fast is `modelcard build` compared with merely importing TensorFlow?

Target: the median build of a 10-class record takes at most 0.25 x the median cold
`python -c "import tensorflow"`. Both are timed here, in one run, as fresh subprocesses
(timings on shared machines swing, so only the ratio measured side by side means anything).

Both sides start from byte-compiled code, as an installed package does: pip compiles
TensorFlow's modules when it installs them, and the modelcard package is compiled here first
(an editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every module on
every build, about 0.15 s that no installed user pays). One untimed run of each warms the disk cache.

    .venv/bin/python bench/build_speed.py [--repeats 5] [--classes 10]
"""

from __future__ import annotations

import argparse
import dataclasses
import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import modelcard
from modelcard.analysis import evaluate_predictions
from modelcard.record import RunWriter, new_record
from modelcard.record.model import SplitSummary, Training
from result import result  # noqa: E402

RUN_ID = "20260101T000000Z-b0b0b0"


def make_record(root: Path, k: int, n: int = 300) -> Path:
    """A complete 10-class training record with history and a test set (no TF needed)."""
    rng = np.random.default_rng(0)
    names = [f"class_{i:02d}" for i in range(k)]
    y = np.arange(n) % k
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), y] += 2.5
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    path = root / "runs" / RUN_ID
    path.mkdir(parents=True)
    writer = RunWriter(path, new_record(RUN_ID, "bench-model", "train", command_line=["bench"]))
    data = dataclasses.replace(writer.view().data, source="synthetic", class_names=names,
                               splits={"test": SplitSummary(n=n, class_counts={c: n // k for c in names})})
    writer.set(status="complete", data=data, training=Training.build(
        mode="head", history={"loss": [1.0, 0.7, 0.5], "val_loss": [0.9, 0.7, 0.6], "accuracy": [0.6, 0.7, 0.8],
                              "val_accuracy": [0.6, 0.7, 0.75]}))
    writer.add_evaluation("test", evaluate_predictions(y, prob, names, n_resamples=1000, seed=0))
    writer.save()
    return path


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--classes", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run = make_record(root, args.classes)
        build = [sys.executable, "-m", "modelcard", "build", "--run", str(run), "--out", str(root / "cards")]
        tf = [sys.executable, "-c", "import tensorflow"]
        compileall.compile_dir(Path(modelcard.__file__).parent, quiet=1)
        timed(build, root), timed(tf, root)  # warm-up, untimed
        builds, imports = [], []
        for _ in range(args.repeats):  # interleaved, so both see the same machine load
            builds.append(timed(build, root))
            imports.append(timed(tf, root))
    b, t = statistics.median(builds), statistics.median(imports)
    print(f"modelcard build ({args.classes} classes): median {b:.3f} s  runs {', '.join(f'{x:.2f}' for x in builds)}")
    print(f"python -c 'import tensorflow':   median {t:.3f} s  runs {', '.join(f'{x:.2f}' for x in imports)}")
    print(f"ratio build / import tensorflow: {b / t:.3f} (target <= 0.25: {'met' if b / t <= 0.25 else 'NOT met'})")
    result("build_speed", "modelcard build time / import tensorflow time", round(b / t, 3), "<=", 0.25,
           scale=f"{args.classes} classes, median of {args.repeats}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
