"""scripts/bench.sh's table: RESULT lines from the benchmarks, plus rows for missing or failed scripts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from result import result  # noqa: E402
from table import rows_from, table  # noqa: E402


def test_result_lines_become_one_table_with_met_and_memory(capsys):
    result("sweep", "8-config / single", 1.62, "<=", 1.5, scale="demo data")
    result("extract", "files / array", 0.91, ">=", 0.8)
    result("extract_memory", "peak RSS a|b", 1283, unit=" MiB", peak_mb=1283)
    rows = rows_from("human line\n" + capsys.readouterr().out)
    assert [r["met"] for r in rows] == [False, True, None]
    text = table(rows, missing=["coverage"], failed=["robustness"]).splitlines()
    assert text[0].startswith("| benchmark | what is compared | measured | target | met | peak memory |")
    assert "| sweep | 8-config / single | 1.62 | <= 1.5 | NOT met |  | demo data |" in text
    assert "| extract | files / array | 0.91 | >= 0.8 | met |" in text[3]
    assert "peak RSS a\\|b" in text[4] and "1283 MiB" in text[4]
    assert "| coverage | (script not present) |" in text[5] and "not present" in text[5]
    assert "failed" in text[6]


def test_bench_sh_rejects_an_unknown_option():
    done = subprocess.run(["bash", str(ROOT / "scripts" / "bench.sh"), "--fast"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.strip() == "usage: bash scripts/bench.sh [--quick]"
