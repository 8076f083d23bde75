"""Peak RSS of `modelcard train` at two data set sizes, phase by phase: does memory stay flat?

Generates folders of small images (random shapes on noisy backgrounds, 64-160 px, several
classes, PNG; seeded), runs `modelcard train` on each in a subprocess (head mode, `--weights
none`, robustness and inference timing off: the phases that read images are the data scan, the
data card with cleanvision, feature extraction, label issues and the examples) while a thread
samples the process's RSS every 10 ms. Each progress line on stderr starts a phase; the table
prints the peak RSS of every phase and of the whole run.

Target: peak RSS at the larger size / at the smaller <= 1.15 (issue 28, item 3). With `--against
REF` the same runs are also made with the code of git commit REF (exported to a temp folder),
side by side in one run, so "before" and "after" share the machine and its load.

    .venv/bin/python bench/memory_scale.py [--sizes 1000,4000] [--against 6859d3e]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.15
CLASSES = 6


def make_images(root: Path, n: int, seed: int = 0) -> Path:
    """`n` PNGs in `CLASSES` class folders: a shape per class (ellipse, box, triangle, ...) on noise."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    for i in range(n):
        c = i % CLASSES
        w, h = (int(v) for v in rng.integers(64, 161, 2))
        back = rng.normal(rng.integers(60, 200), 25, (h, w, 3))
        img = Image.fromarray(np.clip(back, 0, 255).astype(np.uint8))
        draw = ImageDraw.Draw(img)
        x0, y0 = rng.integers(0, w // 3), rng.integers(0, h // 3)
        x1, y1 = rng.integers(2 * w // 3, w), rng.integers(2 * h // 3, h)
        fill = tuple(int(v) for v in rng.integers(0, 256, 3))
        if c % 3 == 0:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        elif c % 3 == 1:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        else:
            draw.polygon([(x0, y1), (x1, y1), ((x0 + x1) // 2, y0)], fill=fill)
        if c >= 3:  # the second three classes: the shape with a stripe through it
            draw.line((0, h // 2, w, h // 2), fill=(255 - fill[0], 255 - fill[1], 255 - fill[2]), width=max(2, h // 12))
        folder = root / f"class{c}"
        folder.mkdir(parents=True, exist_ok=True)
        img.save(folder / f"{i:06d}.png")
    return root


class Sampler(threading.Thread):
    """RSS of this process every `interval` s; `mark(label)` starts a phase, `phases` their peaks."""

    def __init__(self, interval: float = 0.01):
        super().__init__(daemon=True)
        import psutil

        self.proc, self.interval = psutil.Process(), interval
        self.lock = threading.Lock()
        self.phases: list[list] = [["start", 0, time.perf_counter()]]  # [label, peak bytes, start time]
        self.stop = threading.Event()

    def mark(self, label: str) -> None:
        with self.lock:
            self.phases.append([label, self.proc.memory_info().rss, time.perf_counter()])

    def run(self) -> None:
        while not self.stop.is_set():
            rss = self.proc.memory_info().rss
            with self.lock:
                self.phases[-1][1] = max(self.phases[-1][1], rss)
            time.sleep(self.interval)


class _Stamped:
    """stderr that starts a sampler phase at every line written (the progress lines name the phases)."""

    def __init__(self, stream, sampler: Sampler):
        self.stream, self.sampler = stream, sampler

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line.strip() and "\r" not in line:
                self.sampler.mark(line.strip()[:70])
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


#: Functions that start a phase of their own (those without a progress line): module, attribute.
WRAPPED = (("training.data.folder", "inspect_all"), ("training.data.folder", "build_dataset"),
           ("training.data_card.collect", "DataCardCollector.collect"),
           ("training.data_card.collect", "DataCardCollector.measure_train"),
           ("training.data_card.collect", "DataCardCollector.write"))


def _wrap(sampler: Sampler, module: str, attr: str) -> None:
    """Mark a phase on entry to `module.attr` and on its return (skipped where the code has none)."""
    import importlib

    try:
        owner = importlib.import_module(module)
    except ImportError:
        return
    *path, name = attr.split(".")
    for part in path:
        owner = getattr(owner, part, None)
    fn = getattr(owner, name, None)
    if fn is None:
        return

    def wrapped(*args, **kwargs):
        sampler.mark(f"[{attr}]")
        try:
            return fn(*args, **kwargs)
        finally:
            sampler.mark(f"[after {attr}]")

    setattr(owner, name, wrapped)


def child(data: str, runs: str, cache: str) -> None:
    """Run `modelcard train` in this process and print one JSON line of its phases' peak RSS."""
    sampler = Sampler()
    sampler.start()
    sys.stderr = _Stamped(sys.stderr, sampler)
    sampler.mark("imports")
    for module, attr in WRAPPED:
        _wrap(sampler, module, attr)
    from modelcard.cli import main

    code = main(["train", "--data", data, "--runs-dir", runs, "--cache-dir", cache, "--weights", "none",
                 "--input-size", "96", "--epochs", "2", "--robustness", "none", "--inference-predictions", "0"])
    sampler.mark("end")
    time.sleep(0.05)
    sampler.stop.set()
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print("PHASES " + json.dumps({"code": code, "peak": peak, "phases": sampler.phases}), flush=True)


def measure(tree: Path, data: Path, work: Path) -> dict:
    """The phases of one `train` with the code in `tree`, in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(tree), TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    with tempfile.TemporaryDirectory(dir=work) as runs:  # a fresh feature cache too: every run extracts
        out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(data), runs, runs + "/cache"],
                             cwd=tree, env=env, capture_output=True, text=True, check=False)
    lines = [x for x in out.stdout.splitlines() if x.startswith("PHASES ")]
    if not lines:
        raise SystemExit(f"train failed in {tree}:\n{out.stderr[-3000:]}")
    return json.loads(lines[-1][len("PHASES "):])


def export(ref: str, into: Path) -> Path:
    """The tree of git commit `ref`, exported into `into` (no checkout needed)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def data_peak(result: dict) -> float:
    """Peak RSS (MB) of the phases that read the images before training: the scan and the data card."""
    peaks = []
    for phase, peak, _ in result["phases"]:
        peaks.append(peak)
        if phase == "[after DataCardCollector.collect]":
            return max(peaks) / 2**20
    return float("nan")


def report(label: str, n: int, result: dict) -> None:
    print(f"\n{label}, {n} images: peak RSS {result['peak'] / 2**20:.0f} MB (exit {result['code']})")
    phases = result["phases"]
    for (phase, peak, start), (_, _, end) in zip(phases, phases[1:] + [phases[-1]]):
        if peak and (end - start > 0.5 or phase.startswith("[")):  # skip the progress bars' many short lines
            print(f"  {peak / 2**20:7.0f} MB {end - start:6.1f} s  {phase}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000", help="two image counts, small,large")
    parser.add_argument("--against", default=None, help="also measure this git commit's code (the 'before')")
    parser.add_argument("--child", nargs=3, metavar=("DATA", "RUNS", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    sys.path.insert(0, str(ROOT / "bench"))
    from result import result

    small, large = (int(v) for v in args.sizes.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        trees = [("this tree", ROOT)] + ([(f"commit {args.against}", export(args.against, work / "before"))]
                                          if args.against else [])
        folders = {n: make_images(work / f"images{n}", n) for n in (small, large)}
        peaks: dict[str, dict[int, float]] = {}
        data: dict[str, dict[int, float]] = {}
        for n in (small, large):  # interleaved: both trees at one size, then the other
            for label, tree in trees:
                measured = measure(tree, folders[n], work)
                report(label, n, measured)
                peaks.setdefault(label, {})[n] = measured["peak"] / 2**20
                data.setdefault(label, {})[n] = data_peak(measured)
    print()
    for label, _ in trees:
        ratio = round(peaks[label][large] / peaks[label][small], 3)
        print(f"{label}: peak RSS {peaks[label][small]:.0f} MB at {small}, {peaks[label][large]:.0f} MB at {large}: "
              f"x{ratio}")
        scan = round(data[label][large] / data[label][small], 3)
        print(f"{label}: data scan + data card peak {data[label][small]:.0f} MB at {small}, "
              f"{data[label][large]:.0f} MB at {large}: x{scan}")
        name = "memory_scale" if label == "this tree" else "memory_scale_before"
        result(name, f"peak RSS at {large} / at {small} images ({label})", ratio, "<=", TARGET,
               scale=f"{small},{large}", peak_mb=round(peaks[label][large]))
        result(f"{name}_data", f"data scan + data card peak RSS at {large} / at {small} ({label})", scan, "<=",
               TARGET, scale=f"{small},{large}", peak_mb=round(data[label][large]))


if __name__ == "__main__":
    main()
