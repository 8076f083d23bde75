"""A real Ctrl-C (SIGINT to the process group, as a terminal sends it) stops a training within
seconds: exit 130, one line saying so, the run `interrupted` (which `latest` skips), no
traceback, no half-written file. The process is started with SIGINT ignored, as a shell starts
a job with `&`: Python then keeps ignoring SIGINT unless the command installs its handler."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from train_fixtures import make_folder

pytestmark = pytest.mark.tf
ROOT = Path(__file__).resolve().parents[1]
EPOCHS = 400
EPOCH_SHOWN = re.compile(rb"\b([3-9]|\d\d+)/%d\b" % EPOCHS)  # the fit bar at its 3rd epoch or later


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return make_folder(tmp_path_factory.mktemp("ctrl-c") / "data", per_class=6)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("mode", ["head", "finetune"])
def test_ctrl_c_during_the_fit_stops_the_run(mode, data, tmp_path):
    runs = tmp_path / "runs"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KERAS_HOME": str(tmp_path / "keras-home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "modelcard", "train", "--data", str(data), "--mode", mode, "--weights", "none",
         "--input-size", "96", "--epochs", str(EPOCHS), "--patience", str(EPOCHS), "--runs-dir", str(runs),
         "--cache-dir", str(tmp_path / "cache")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path,
        start_new_session=True, preexec_fn=_ignore_sigint)
    err = b""
    try:
        os.set_blocking(proc.stderr.fileno(), False)
        deadline = time.monotonic() + 300
        while not EPOCH_SHOWN.search(err):
            assert proc.poll() is None, err.decode()[-3000:]
            assert time.monotonic() < deadline, err.decode()[-3000:]
            err += proc.stderr.read() or b""
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)
        sent = time.monotonic()
        proc.wait(timeout=60)
        stopped_after = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    os.set_blocking(proc.stderr.fileno(), True)
    err = (err + proc.stderr.read()).decode()
    assert proc.returncode == 130, err[-3000:]
    # "within a few seconds": generous for a loaded 2-core CI machine, far below the fit's length
    # (400 epochs of at least 0.05 s each, several times more when the signal is lost)
    assert stopped_after < 15, stopped_after
    assert "Traceback" not in err
    assert err.rstrip().splitlines()[-1].split("\r")[-1].strip() == "modelcard train: interrupted"
    assert proc.stdout.read() == b""
    (run_dir,) = [p for p in runs.iterdir() if p.is_dir()]
    record = json.loads((run_dir / "run.json").read_text())
    assert record["status"] == "interrupted"
    assert record["error"]["type"] == "KeyboardInterrupt"
    assert not [p for p in run_dir.rglob("*") if ".tmp" in p.name], "half-written files left behind"
    from modelcard.errors import UserError
    from modelcard.record import resolve_run

    with pytest.raises(UserError):
        resolve_run("latest", runs)  # the interrupted run is never the latest complete one
