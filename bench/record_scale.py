"""Peak memory and speed of `modelcard record` on Parquet shards, at 100k and 1M rows (issue 17).

Synthetic predictions with known labels (100 classes by default, softmax of noisy logits that
favour the true class) are written as `--shards` Parquet shards, ids split by their hash as
`evaluate --shard K/N` splits them, in a temporary folder. Each size is then recorded by
`modelcard record --predictions DIR` in a fresh Python process, which reports its own peak RSS
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`) and wall time. Streaming keeps memory flat:
the target is peak RSS at 1M rows / peak RSS at 100k rows <= 1.3. Also printed: seconds per
million rows at 1M (record's default 1,000 Poisson bootstrap resamples).

    .venv/bin/python bench/record_scale.py [--rows 100000 1000000] [--classes 100] [--shards 4]

Not part of the test suite (minutes); tests/test_bench_record_scale.py smoke-tests the generator.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from modelcard.record.predictions import Predictions  # noqa: E402
from modelcard.ingest.shard_files import parquet_table  # noqa: E402
from modelcard.ingest.shards import Shard, shard_index  # noqa: E402
from result import result  # noqa: E402

CHUNK = 50_000
TARGET = 1.3
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from modelcard.cli import main
start = time.perf_counter()
code = main(["record", "--predictions", {folder!r}, "--runs-dir", {runs!r}, "--n-resamples", {resamples!r}])
seconds = time.perf_counter() - start
print(json.dumps({{"code": code, "seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def generate(folder: Path, rows: int, classes: int, shards: int, seed: int = 0, skill: float = 3.0) -> list[Path]:
    """Write `rows` synthetic predictions as `shards` Parquet shard files in `folder`; returns them.

    Ids are zero-padded counters, so chunks arrive in id order and every shard stays sorted.
    """
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    names = [f"class{c:03d}" for c in range(classes)]
    paths = [folder / f"part-{k}-of-{shards}.parquet" for k in range(1, shards + 1)]
    writers = {}
    rng = np.random.default_rng(seed)
    try:
        for start in range(0, rows, CHUNK):
            m = min(CHUNK, rows - start)
            ids = np.asarray([f"img-{i:09d}" for i in range(start, start + m)])
            y = rng.integers(0, classes, m)
            logits = rng.normal(size=(m, classes)).astype(np.float32)
            logits[np.arange(m), y] += skill
            prob = np.exp(logits - logits.max(axis=1, keepdims=True))
            prob /= prob.sum(axis=1, keepdims=True)
            owner = np.asarray([shard_index(i, shards) for i in ids])
            for k in range(1, shards + 1):
                rows_k = np.flatnonzero(owner == k)
                table = parquet_table(Predictions(ids=ids[rows_k], y_true=y[rows_k], y_prob=prob[rows_k],
                                                  class_names=names), Shard(k, shards))
                if k not in writers:
                    writers[k] = pq.ParquetWriter(paths[k - 1], table.schema)
                writers[k].write_table(table)
    finally:
        for writer in writers.values():
            writer.close()
    return paths


def measure(folder: Path, runs: Path, resamples: int) -> dict:
    """Record `folder` in a fresh interpreter: its exit code, wall seconds and peak RSS in MiB."""
    script = CHILD.format(root=str(ROOT), folder=str(folder), runs=str(runs), resamples=str(resamples))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"record failed on {folder}: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs=2, default=[100_000, 1_000_000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--classes", type=int, default=100)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--n-resamples", type=int, default=1000)
    args = parser.parse_args()
    measured = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            folder = Path(tmp) / f"rows-{rows}"
            generate(folder, rows, args.classes, args.shards)
            size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
            measured[rows] = measure(folder, Path(tmp) / f"runs-{rows}", args.n_resamples)
            m = measured[rows]
            print(f"{rows:>9,} rows x {args.classes} classes in {args.shards} shards ({size_mb:.0f} MiB): "
                  f"record {m['seconds']:.1f} s, peak RSS {m['peak_mb']:.0f} MiB", flush=True)
    small, large = args.rows
    ratio = measured[large]["peak_mb"] / measured[small]["peak_mb"]
    per_million = measured[large]["seconds"] / (large / 1e6)
    print(f"peak RSS at {large:,} / at {small:,}: {ratio:.2f} (target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'})")
    print(f"{per_million:.1f} s per million rows ({args.n_resamples} Poisson bootstrap resamples)")
    scale = f"{small:,} and {large:,} rows x {args.classes} classes, {args.shards} Parquet shards"
    result("record_scale", f"record peak RSS, {large:,} rows / {small:,} rows", round(ratio, 3), "<=", TARGET,
           scale=scale, peak_mb=round(measured[large]["peak_mb"]))
    result("record_scale", "record seconds per million rows", round(per_million, 1), unit=" s", scale=scale)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
