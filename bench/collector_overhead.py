"""What the collectors cost: a 4-configuration sweep on 2,000 images with every collector on,
and again with them off (`MODELCARD_COLLECTORS=off`), as whole `modelcard train` commands.

Prints the ratio of the two wall times (target <= 1.05). A stage that is a measurement of its
own and runs only with the collectors on is counted separately: its time is read from the "on"
run's own emissions phases (`SEPARATE_KINDS`: the inference-cost loops and the efficiency
timings, i.e. latency and throughput of the saved model) and taken out of the ratio, then
printed with its share. A stage that also runs with the collectors off stays in
both times, or is switched off in both through `COMMON`: the robustness suite is (`--robustness
none`, it dwarfs the rest; bench/robustness.py measures it), the example grid and the data card
stay (the ratio with the example grid's time taken out of both runs is printed too).
Subtracting a stage from the "on" run only, while the "off" run still does it, would make the
collectors look free.

    .venv/bin/python bench/collector_overhead.py [--images 2000] [--repeats 1]

With `--repeats 2` the runs go on, off, off, on (ABBA), which cancels a linear drift in the
machine's speed; the ratio is of the summed times.

Measured runs are in docs/benchmarks.md.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from augmented_data import augmented_folder  # noqa: E402
from result import result  # noqa: E402

SWEEP = ["--sweep", "optimizer=adam,sgd", "--sweep", "batch_size=32,64"]
COMMON = ["--input-size", "160", "--epochs", "10", "--weights", "offline", "--robustness", "none"]
# Emissions phase kinds counted separately: measurements in their own right that run only with
# the collectors on (training/stages/post_fit.py `measure_model`), not overhead.
SEPARATE_KINDS = {"inference_cost": "inference cost loops", "efficiency": "latency and throughput timings"}
BOTH_KINDS = {"examples": "example grid and attention maps"}  # runs with the collectors off too


def run_train(data: Path, work: Path, collectors: bool) -> tuple[float, dict[str, float]]:
    """(wall seconds, {phase kind: seconds}) of one sweep with a fresh feature cache (the
    phases are those the run recorded: none with the collectors off)."""
    tag = f"{len(list(work.iterdir()))}-{'on' if collectors else 'off'}"
    runs = work / f"runs{tag}"
    cmd = [sys.executable, "-m", "modelcard", "train", "--data", str(data), *COMMON, *SWEEP,
           "--runs-dir", str(runs), "--cache-dir", str(work / f"cache{tag}")]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "MODELCARD_COLLECTORS": "on" if collectors else "off"}
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr[-3000:]}")
    selected = Path(done.stdout.split()[0])
    emissions = json.loads((selected / "run.json").read_text()).get("emissions") or {}
    kinds: dict[str, float] = {}
    for phase in emissions.get("phases") or []:
        kinds[phase["kind"]] = kinds.get(phase["kind"], 0.0) + phase["duration_s"]
    return seconds, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2000, help="augmented demo images (default 2000)")
    parser.add_argument("--repeats", type=int, default=1, help="pairs of runs, in ABBA order (default 1)")
    args = parser.parse_args()
    order = [False, True] if args.repeats == 1 else [True, False, False, True] * (args.repeats // 2)
    with tempfile.TemporaryDirectory(prefix="bench-collectors-") as tmp:
        data = augmented_folder(Path(tmp) / "data", args.images)
        work = Path(tmp) / "work"
        work.mkdir()
        on_s = off_s = 0.0
        phases: dict[str, float] = {}
        for collectors in order:
            seconds, parts = run_train(data, work, collectors)
            print(f"collectors {'on ' if collectors else 'off'}: {seconds:.1f}s", flush=True)
            if collectors:
                on_s += seconds
                for kind, value in parts.items():
                    phases[kind] = phases.get(kind, 0.0) + value
            else:
                off_s += seconds
    separate = {kind: phases.get(kind, 0.0) for kind in SEPARATE_KINDS}
    apart = sum(separate.values())
    print("phases of the 'on' run(s): " + ", ".join(f"{k} {v:.1f}s" for k, v in phases.items()))
    print(f"4-configuration sweep, {args.images} images: collectors on {on_s:.1f}s (of which "
          f"{apart:.1f}s in separately counted stages), off {off_s:.1f}s")
    print(f"ratio on/off without the separate stages: {(on_s - apart) / off_s:.3f} (target <= 1.05)")
    print(f"ratio on/off with everything: {on_s / off_s:.3f}")
    result("collector_overhead", "4-config sweep time, collectors on / off (separately counted stages excluded)",
           round((on_s - apart) / off_s, 3), "<=", 1.05, scale=f"{args.images} images")
    for kind, label in SEPARATE_KINDS.items():
        share = f"{separate[kind]:.1f}s ({separate[kind] / off_s:.1%} of the run without collectors)"
        print(f"  counted separately, {label}: {share if separate[kind] else 'not in this run'}")
    for kind, label in BOTH_KINDS.items():
        both = phases.get(kind, 0.0)  # as timed in the "on" run; the "off" run records no phases
        if both and both < off_s:
            print(f"  in both runs, {label}: {both:.1f}s; ratio with it taken out of both: "
                  f"{(on_s - apart - both) / (off_s - both):.3f}")


if __name__ == "__main__":
    main()
