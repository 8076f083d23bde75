"""How does the near-duplicate search grow with the number of images?

Target: the search over 100,000 random 64-bit pHash triples (plain, mirror, flip) takes at most
15 x the search over 10,000 (comparing every pair, as before: 100 x). Both sizes are timed here,
in one run, interleaved (timings on shared machines swing, so only the ratio measured side by
side means anything); the median of `--repeats` runs of each. The exhaustive search
(`phash.near_duplicates_exhaustive`) is timed once at the small size for scale, and the index's
answer is checked against it there.

    .venv/bin/python bench/near_duplicates.py [--sizes 10000,100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from training.data.near_index import near_duplicates  # noqa: E402
from training.data.phash import NEAR_THRESHOLD, near_duplicates_exhaustive  # noqa: E402
from result import result  # noqa: E402

TARGET = 15.0


def random_hashes(n: int, seed: int) -> list[tuple[int, int, int]]:
    """`n` triples of independent uniform 64-bit hashes."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 1 << 63, size=(n, 3), dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, size=(n, 3), dtype=np.uint64)
    return [tuple(row) for row in values.tolist()]


def timed(search, hashes) -> tuple[float, list]:
    start = time.perf_counter()
    found = search(hashes, NEAR_THRESHOLD)
    return time.perf_counter() - start, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="small,large numbers of images (default 10000,100000)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    small, large = (int(x) for x in args.sizes.split(","))
    sets = {small: random_hashes(small, 0), large: random_hashes(large, 1)}
    times: dict[int, list[float]] = {small: [], large: []}
    for _ in range(args.repeats):  # interleaved, so both sizes see the same machine load
        for n in (small, large):
            times[n].append(timed(near_duplicates, sets[n])[0])
    exhaustive, expected = timed(near_duplicates_exhaustive, sets[small])
    same = timed(near_duplicates, sets[small])[1] == expected
    t_small, t_large = statistics.median(times[small]), statistics.median(times[large])
    ratio = t_large / t_small
    for n in (small, large):
        print(f"index, {n:>7,} images: median {statistics.median(times[n]):.3f} s  runs {', '.join(f'{x:.2f}' for x in times[n])}")
    print(f"exhaustive, {small:,} images: {exhaustive:.3f} s ({exhaustive / t_small:.1f} x the index; "
          f"{'the same' if same else 'NOT the same'} {len(expected)} pairs)")
    print(f"ratio time at {large:,} / at {small:,}: {ratio:.2f} (target <= {TARGET:g}, quadratic: {(large / small) ** 2:g}: "
          f"{'met' if ratio <= TARGET else 'NOT met'})")
    scale = f"{small:,} and {large:,} random hashes, threshold {NEAR_THRESHOLD}, median of {args.repeats}"
    result("near_duplicates", f"search time at {large // 1000}k / at {small // 1000}k hashes", round(ratio, 2), "<=", TARGET,
           scale=scale)
    result("near_duplicates", f"exhaustive / index search time at {small // 1000}k", round(exhaustive / t_small, 1), scale=scale)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
