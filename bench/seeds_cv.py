"""Cost of `--seeds 5 --cv 5` against one plain training, as whole `modelcard train` commands.

Both commands train the demo data at 160 px (the settings of bench/sweep.py), each with an
empty feature cache, so both pay for one feature extraction: in head mode the 4 extra seeds
and the 5 fold heads refit only small heads on the cached features. Target: at most 2x the
plain training's time. `--quick` turns off the robustness suite and the inference-cost timing
in both commands (less fixed cost, so the ratio is the harder one).

    .venv/bin/python bench/seeds_cv.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from result import result  # noqa: E402
from sweep import train_seconds  # noqa: E402

EXTRA = ["--seeds", "5", "--cv", "5"]
QUICK = ["--robustness", "none", "--inference-predictions", "0"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="robustness and inference-cost timing off in both runs")
    parser.add_argument("--data", default="demo", help="data source (default demo)")
    args = parser.parse_args()
    common = QUICK if args.quick else []
    with tempfile.TemporaryDirectory(prefix="bench-seeds-cv-") as tmp:
        work = Path(tmp)
        plain = train_seconds(args.data, work, common)
        both = train_seconds(args.data, work, common + EXTRA)
    ratio = both / plain
    print(f"plain training: {plain:.1f}s; with --seeds 5 --cv 5: {both:.1f}s; ratio {ratio:.2f} (target <= 2)")
    scale = ("demo data" if args.data == "demo" else args.data) + (", robustness and inference cost off" if args.quick else "")
    result("seeds_cv", "train --seeds 5 --cv 5 time / plain train time (head mode)", round(ratio, 3), "<=", 2,
           scale=scale)


if __name__ == "__main__":
    main()
