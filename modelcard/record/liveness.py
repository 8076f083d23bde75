"""Is a `running` run still going? The writing process's heartbeat, and what `runs` shows.

`open_run` records the writing process (`provenance.process`: pid, host, a heartbeat file and its
period, schema 1.4) and a `Heartbeat` thread rewrites `runs/<id>/heartbeat` every period until the
run ends. A process killed with SIGKILL (or a machine that lost power) cannot set its final
status, so its record says `running` for ever: `liveness` tells such a run apart, from the record
and the folder alone, and never rewrites the record.

- Same host and the process is gone (no such pid, or a zombie): `interrupted (process gone)`.
- The heartbeat is older than `STALE_BEATS` periods (another host, or a reused pid): the same.
- A record without `process` (before 1.4) keeps its recorded status: there is nothing to tell by.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .. import atomic
from .model import Process, RunRecord

HEARTBEAT_FILE = "heartbeat"
#: Seconds between heartbeats (MODELCARD_HEARTBEAT_S overrides it, e.g. in tests).
HEARTBEAT_S = float(os.environ.get("MODELCARD_HEARTBEAT_S", "30"))
#: A heartbeat this many periods old means the writer is gone (10 x 30 s: five minutes).
STALE_BEATS = 10
GONE = "interrupted (process gone)"


def this_process(heartbeat_s: float = HEARTBEAT_S) -> Process:
    """The `provenance.process` of the calling process, e.g. Process(pid=41327, host="trainer-7", ...)."""
    return Process(pid=os.getpid(), host=socket.gethostname(), heartbeat=HEARTBEAT_FILE, heartbeat_s=heartbeat_s)


class Heartbeat:
    """A daemon thread that rewrites `<run_dir>/heartbeat` (the UTC time) every `every` seconds until `stop()`,
    which removes the file: a finished run has no heartbeat."""

    def __init__(self, run_dir: Path, every: float = HEARTBEAT_S):
        self.path, self.every = Path(run_dir) / HEARTBEAT_FILE, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="modelcard-heartbeat", daemon=True)

    def start(self) -> "Heartbeat":
        self.beat()
        self._thread.start()
        return self

    def beat(self) -> None:
        try:
            atomic.write_text(self.path, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + "\n")
        except OSError:
            pass  # a full disk must not kill the run; the reader then goes by the process id

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            self.beat()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Liveness:
    """What `runs` shows for a run, and why, e.g. Liveness("interrupted (process gone)", "process 41327 on
    trainer-7 is gone")."""

    status: str          # the recorded status, or GONE for a `running` run whose writer is gone
    reason: str | None   # None when the recorded status stands

    @property
    def gone(self) -> bool:
        return self.status == GONE


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a zombie, killed but not reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def liveness(record: RunRecord, run_dir: Path, *, now: float | None = None, host: str | None = None) -> Liveness:
    """The status to show for the run in `run_dir`: its recorded status, or GONE when it says `running` and its
    writing process is gone from this host or its heartbeat is older than STALE_BEATS periods."""
    process = record.provenance.process if record.provenance is not None else None
    if record.status != "running" or process is None:
        return Liveness(record.status, None)
    if process.host == (host or socket.gethostname()) and not pid_alive(process.pid):
        return Liveness(GONE, f"process {process.pid} on {process.host} is gone")
    beat = Path(run_dir) / process.heartbeat
    try:
        age = (time.time() if now is None else now) - beat.stat().st_mtime
    except OSError:
        return Liveness(GONE, f"its heartbeat file {beat.name} is missing") if process.host != (
            host or socket.gethostname()) else Liveness(record.status, None)
    if age > STALE_BEATS * process.heartbeat_s:
        return Liveness(GONE, f"no heartbeat for {age:.0f} s (one every {process.heartbeat_s:g} s)")
    return Liveness(record.status, None)
