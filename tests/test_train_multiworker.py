"""`--strategy multiworker` on a real two-worker cluster: two processes on free loopback ports.

Each test starts two `modelcard train` processes with TF_CONFIG naming 127.0.0.1 ports picked by
binding port 0, on a tiny folder (random backbone, no download), and compares the chief's run
with a single-worker run of the same command and seed.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from modelcard.record import read_record, resolve_run
from modelcard.record.predictions import read_predictions
from train_fixtures import make_folder, records, run_cli

pytestmark = pytest.mark.tf

ROOT = Path(__file__).resolve().parents[1]
COMMON = ["--weights", "offline", "--input-size", "96", "--epochs", "3", "--batch-size", "8", "--dropout", "0", "--robustness", "none",
          "--inference-predictions", "0", "--label-issues", "none", "--finetune-blocks", "1"]


def free_ports(n: int) -> list[int]:
    """n distinct free loopback ports (bound together, so the kernel cannot hand one out twice)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def tf_config(ports: list[int], index: int) -> str:
    return json.dumps({"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]}, "task": {"type": "worker", "index": index}})


def start_worker(argv: list[str], ports: list[int], index: int, timeout_s: float = 120) -> subprocess.Popen:
    env = {**os.environ, "TF_CONFIG": tf_config(ports, index), "PYTHONPATH": str(ROOT),
           "MODELCARD_CLUSTER_TIMEOUT": str(timeout_s)}
    return subprocess.Popen([sys.executable, "-m", "modelcard", *argv], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run_cluster(argv: list[str], n_workers: int = 2) -> list[tuple[int, str, str]]:
    """(exit code, stdout, stderr) of every worker of one cluster running `modelcard argv`."""
    ports = free_ports(n_workers)
    workers = [start_worker(argv, ports, i) for i in range(n_workers)]
    results = []
    for worker in workers:
        try:
            out, err = worker.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            for w in workers:
                w.kill()
            raise
        results.append((worker.returncode, out, err))
    return results


PROB_TOLERANCE = {"head": 1e-4, "finetune": 0.05}  # see the docstring of the two-worker test


def _accuracy(run_dir: Path) -> tuple[int, float]:
    preds = read_predictions(run_dir / "predictions" / "test.npz")
    return len(preds.y_true), float(np.mean(preds.y_prob.argmax(axis=1) == preds.y_true))


@pytest.mark.parametrize("mode", ["head", "finetune"])
def test_two_workers_train_one_run_like_a_single_worker(tmp_path, capsys, mode):
    """Both workers exit 0, only the chief's run exists (complete, saying 2 workers), its card builds,
    and its test predictions match a single-worker run of the same command and seed.

    Tolerance. Both runs start from the same weights (pretrained backbone, head drawn from the seed
    and broadcast by the chief) and see the same images in the same order; dropout is 0, so the fit
    draws no random numbers per replica. What still differs: each worker computes half of every
    batch (in head mode it also extracts half of every split, in other batch shapes) and the
    gradient is the mean of the two half-batch means (Keras' per-replica loss scaling), so head mode
    differs by float rounding only: test probabilities within 1e-4 (measured: 6e-8). Finetune mode
    also draws its random flips, rotations and zooms from a different random stream in the cluster
    process (the seed's op-level streams depend on the ops created before), so its probabilities
    are allowed 0.05 (measured: 0.0015, and 0.009 with dropout 0.2). In both modes the same number
    of test predictions, and the accuracy within 1/N of the single-worker run's (N test images: one
    image at a near-tie may flip)."""
    data = make_folder(tmp_path / "data", per_class=12)
    argv = ["train", "--data", str(data), "--mode", mode, *COMMON, "--cache-dir", str(tmp_path / "cache")]
    results = run_cluster([*argv, "--strategy", "multiworker", "--runs-dir", str(tmp_path / "runs")])
    for index, (code, _out, err) in enumerate(results):
        assert code == 0, f"worker {index}: {err[-3000:]}"
        assert "Traceback" not in err, f"worker {index}: {err[-3000:]}"
    chief_out, other_out = results[0][1], results[1][1]
    assert other_out.strip() == "", "only the chief names a run"
    runs = records(tmp_path / "runs")
    assert [r["status"] for r in runs] == ["complete"], "exactly one run, the chief's"
    chief = resolve_run("latest", tmp_path / "runs")
    assert str(chief.path) == chief_out.strip()
    record = read_record(chief.path)
    distribution = record["training"]["distribution"]
    assert distribution["strategy"] == "multiworker" and distribution["workers"] == 2
    assert distribution["replicas"] == 2 and distribution["worker_index"] == 0
    assert record["hardware"]["workers"] == 2
    cluster = record["emissions"]["cluster"]
    assert cluster["workers"] == 2 and len(cluster["per_worker"]) == 2
    if cluster["workers_measured"] == 2:  # each worker's own codecarbon figures, summed
        assert cluster["energy_kwh"] == pytest.approx(sum(w["energy_kwh"] for w in cluster["per_worker"]))
        assert cluster["per_worker"][0]["energy_kwh"] == pytest.approx(record["emissions"]["energy_kwh"])
    code, _, err = run_cli(["build", "--run", str(chief.path), "--out", str(tmp_path / "cards")], capsys)
    assert code == 0, err
    card = (tmp_path / "cards" / f"{record['name']}.md").read_text()
    assert "the chief of 2 workers" in card and "over 2 of 2 workers" in card

    code, out, err = run_cli([*argv, "--strategy", "default", "--runs-dir", str(tmp_path / "single")], capsys)
    assert code == 0, err[-2000:]
    n_cluster, acc_cluster = _accuracy(chief.path)
    n_single, acc_single = _accuracy(Path(out.strip()))
    assert n_cluster == n_single > 0
    assert abs(acc_cluster - acc_single) <= 1 / n_single + 1e-9, (acc_cluster, acc_single)
    cluster_probs = read_predictions(chief.path / "predictions" / "test.npz").y_prob
    single_probs = read_predictions(Path(out.strip()) / "predictions" / "test.npz").y_prob
    assert np.abs(cluster_probs - single_probs).max() <= PROB_TOLERANCE[mode]


def test_unreachable_worker_is_one_line_and_leaves_no_run(tmp_path):
    """A TF_CONFIG naming a port nobody listens on: one line naming the address and TF_CONFIG,
    exit 2, no traceback, and no run that `latest` could pick."""
    data = make_folder(tmp_path / "data", per_class=4)
    ports = free_ports(2)
    worker = start_worker(["train", "--data", str(data), *COMMON, "--strategy", "multiworker",
                           "--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache")],
                          ports, 0, timeout_s=2)
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 2, err[-2000:]
    lines = [line for line in err.splitlines() if line.startswith("modelcard train:")]
    assert len(lines) == 1 and "Traceback" not in err, err[-2000:]
    assert f"127.0.0.1:{ports[1]}" in lines[0] and "TF_CONFIG" in lines[0]
    assert out == ""
    assert not (tmp_path / "runs").exists() or records(tmp_path / "runs") == []


@pytest.mark.parametrize("text, words", [
    ("{not json", "not a cluster description"),
    (json.dumps({"cluster": {"worker": ["127.0.0.1:1"]}, "task": {"type": "worker", "index": 3}}), "not in its cluster"),
    (json.dumps({"cluster": {"worker": ["nohostport"]}, "task": {"type": "worker", "index": 0}}), "HOST:PORT"),
])
def test_malformed_tf_config_is_a_user_error(text, words):
    from modelcard.errors import UserError
    from training.distributed.cluster import parse_tf_config

    with pytest.raises(UserError, match=words):
        parse_tf_config(text)


def test_shards_cover_every_row_once():
    from training.distributed.cluster import Cluster, shard_bounds

    for n in (0, 1, 5, 42):
        for size in (1, 2, 3):
            bounds = [shard_bounds(n, Cluster(tuple(f"h:{i}" for i in range(size)), i)) for i in range(size)]
            assert bounds[0][0] == 0 and bounds[-1][1] == n
            assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))


def test_cluster_emissions_sum_the_measured_workers():
    from training.stages.worker_steps import summarize

    from modelcard.record.phase_costs import COST_KEYS

    def row(measured, **figures):  # columns: measured, then phase_costs.COST_KEYS in its order
        return [measured] + [figures.get(k, np.nan) for k in COST_KEYS]

    rows = np.asarray([row(1.0, duration_s=10.0, energy_kwh=2e-4, cpu_energy_kwh=1e-4, ram_energy_kwh=1e-4,
                           emissions_kg=5e-5),
                       row(0.0),
                       row(1.0, duration_s=12.0, energy_kwh=3e-4, cpu_energy_kwh=2e-4, ram_energy_kwh=1e-4,
                           emissions_kg=7e-5)])
    section = summarize(rows)
    assert section["workers"] == 3 and section["workers_measured"] == 2
    assert section["energy_kwh"] == pytest.approx(5e-4) and section["emissions_kg"] == pytest.approx(1.2e-4)
    assert section["duration_s"] == 12.0 and section["gpu_energy_kwh"] is None
    assert section["per_worker"][1] == {"worker": 1, "measured": False, "energy_kwh": None, "cpu_energy_kwh": None,
                                        "ram_energy_kwh": None, "gpu_energy_kwh": None, "emissions_kg": None,
                                        "duration_s": None}


def test_a_worker_lost_mid_training_fails_the_chief_in_one_line(tmp_path):
    """Worker 1 killed while the chief fits: the chief's run is `failed` (never `complete`, so
    `latest` does not pick it) and it ends in one line naming the peers and TF_CONFIG, exit 2,
    no Python traceback (TensorFlow's own C++ log lines about the lost task may precede it)."""
    import threading
    import time

    from modelcard.errors import UserError

    data = make_folder(tmp_path / "data", per_class=6)
    ports = free_ports(2)
    argv = ["train", "--data", str(data), "--mode", "finetune", *COMMON, "--epochs", "50", "--patience", "50",
            "--strategy", "multiworker", "--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache")]
    chief, other = (start_worker(argv, ports, i) for i in range(2))
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(iter(lambda: chief.stderr.read(1), "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + 300
    while "fit:" not in "".join(seen) and chief.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    other.kill()
    other.communicate()
    chief.wait(timeout=300)
    reader.join(timeout=10)
    err = "".join(seen)
    assert chief.returncode == 2, err[-3000:]
    lines = [line.strip() for line in err.replace("\r", "\n").splitlines() if line.strip().startswith("modelcard train:")]
    assert len(lines) == 1 and "Traceback" not in err, err[-3000:]
    assert "lost contact with the cluster" in lines[0] and f"127.0.0.1:{ports[1]}" in lines[0] and "TF_CONFIG" in lines[0]
    assert [r["status"] for r in records(tmp_path / "runs")] == ["failed"]
    with pytest.raises(UserError, match="no complete run"):
        resolve_run("latest", tmp_path / "runs")
