"""Smoke test of bench/record_scale.py's data generator (the benchmark itself is too slow for the suite)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from modelcard.ingest.shard_files import parquet_batches, shard_set  # noqa: E402
from record_scale import generate  # noqa: E402


def test_generator_writes_a_complete_sorted_set_of_shards(tmp_path, monkeypatch):
    import record_scale

    monkeypatch.setattr(record_scale, "CHUNK", 700)  # several chunks, so shards are appended to
    paths = generate(tmp_path, rows=2000, classes=6, shards=3)
    files = shard_set(paths)
    assert [str(f.shard) for f in files] == ["1/3", "2/3", "3/3"] and sum(f.n_rows for f in files) == 2000
    rows = [b for f in files for b in parquet_batches(f, 512)]  # checks sorted ids and shard membership
    assert sum(len(b.ids) for b in rows) == 2000
    probs = np.concatenate([b.y_prob for b in rows])
    np.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-5)
    labels = np.concatenate([b.y_true for b in rows])
    assert 0.5 < (probs.argmax(axis=1) == labels).mean() < 1  # known labels, a model with some skill
