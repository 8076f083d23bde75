"""A run killed with SIGKILL says so: `runs` shows `interrupted (process gone)`, `build` warns, and reading
never rewrites the record (schema 1.4 `provenance.process` and the heartbeat file)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from modelcard.cli import main
from modelcard.record import read_run
from modelcard.record.liveness import GONE, HEARTBEAT_FILE, STALE_BEATS, liveness
from modelcard.record.lifecycle import open_run

ROOT = Path(__file__).resolve().parents[1]

WRITER = """
import sys, time
from pathlib import Path
from modelcard.record.lifecycle import open_run
with open_run(Path(sys.argv[1]), "doomed", "train") as writer:
    print(writer.path, flush=True)
    time.sleep(600)
"""


def _start_writer(runs: Path) -> tuple[subprocess.Popen, Path]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MODELCARD_HEARTBEAT_S": "0.2"}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(runs)], stdout=subprocess.PIPE, text=True, env=env)
    run_dir = Path(proc.stdout.readline().strip())
    return proc, run_dir


def test_a_run_killed_with_sigkill_shows_interrupted_process_gone(tmp_path, capsys):
    proc, run_dir = _start_writer(tmp_path / "runs")
    try:
        beat = run_dir / HEARTBEAT_FILE
        first = beat.stat().st_mtime
        deadline = time.time() + 20
        while beat.stat().st_mtime == first and time.time() < deadline:  # the heartbeat moves while it runs
            time.sleep(0.05)
        assert beat.stat().st_mtime > first
        assert main(["runs", "--runs-dir", str(tmp_path / "runs"), "--json"]) == 0
        alive = json.loads(capsys.readouterr().out)["runs"][0]
        assert alive["status"] == "running" and alive["status_reason"] is None
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()  # reaped: the pid no longer exists
    before = (run_dir / "run.json").read_bytes()
    record = read_run(run_dir)
    assert record.status == "running" and record.provenance.process.pid == proc.pid
    assert main(["runs", "--runs-dir", str(tmp_path / "runs")]) == 0
    table = capsys.readouterr().out
    assert GONE in table and "running" not in table.replace(GONE, "")
    assert main(["runs", "--runs-dir", str(tmp_path / "runs"), "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["runs"][0]
    assert row["status"] == GONE and row["recorded_status"] == "running"
    assert row["status_reason"] == f"process {proc.pid} on {record.provenance.process.host} is gone"
    assert main(["build", "--runs-dir", str(tmp_path / "runs"), "--run", run_dir.name,
                 "--out", str(tmp_path / "cards"), "--format", "md"]) == 0
    assert f"warning: run {run_dir.name} is {GONE}" in capsys.readouterr().err
    assert (run_dir / "run.json").read_bytes() == before  # reading never rewrites it


def test_a_stale_heartbeat_counts_as_gone_even_when_the_pid_lives(tmp_path):
    with pytest.raises(KeyboardInterrupt), open_run(tmp_path / "runs", "alive", "train") as writer:
        run_dir, record = writer.path, writer.view()
        beat = run_dir / HEARTBEAT_FILE
        assert liveness(record, run_dir).status == "running"  # this very process writes it
        period = record.provenance.process.heartbeat_s
        now = beat.stat().st_mtime + STALE_BEATS * period + 1
        stale = liveness(record, run_dir, now=now)
        assert stale.status == GONE and "no heartbeat for" in stale.reason
        other_host = liveness(record, run_dir, host="another-machine")
        assert other_host.status == "running"  # a fresh heartbeat from a process this host cannot see
        raise KeyboardInterrupt  # the run ends (interrupted): its final status is written, the heartbeat stops
    assert not beat.exists()  # a finished run keeps no heartbeat
    finished = json.loads((run_dir / "run.json").read_text())
    assert finished["status"] == "interrupted" and finished["provenance"]["process"]["heartbeat"] == HEARTBEAT_FILE


def test_records_without_a_process_keep_their_status(tmp_path):
    example = sorted((ROOT / "examples" / "runs").iterdir())[0]
    record = read_run(example)
    assert record.provenance.process is None and liveness(record, example).status == record.status
