"""Import TensorFlow without its start-up lines, on every CPU.

On CPUs where oneDNN is on (e.g. AVX-512 Xeon and EPYC), every `import tensorflow` (TF 2.21)
writes these lines to file descriptor 2 from C++, before its own log level applies:

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    I0000 00:00:... port.cc:153] oneDNN custom operations are on. You may see slightly ...

`TF_CPP_MIN_LOG_LEVEL` (2 or 3), `GLOG_minloglevel` and `ABSL_MIN_LOG_LEVEL` do not filter
them, whether set before Python starts or before the import (measured 2026-12-02). Setting
`TF_ENABLE_ONEDNN_OPTS=0` would, but it changes the numerics and the speed, so it is not done.
Instead, while TensorFlow's module executes, file descriptor 2 is routed through a pipe and
a thread copies every line to the real stderr except the `STARTUP_LINES` ones, so errors and
anything unexpected still show. `install()` applies this to whichever code imports TensorFlow
first (Keras imports it too), so a user error found before TensorFlow loads stays fast.

A TensorFlow that is missing or fails to import becomes one `UserError` line naming what to
install (`TRAIN_EXTRA_HINT`), not a traceback.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import os
import sys
import threading
from typing import Iterator

from modelcard.errors import UserError

# Each known start-up line contains one of these byte strings (and nothing else we print does).
STARTUP_LINES = (
    b"All log messages before absl::InitializeLog() is called are written to STDERR",
    b"] oneDNN custom operations are on.",
    b"] This TensorFlow binary is optimized to use available CPU instructions",
    b"rebuild TensorFlow with the appropriate compiler flags.",
)
TRAIN_EXTRA_HINT = "pip install 'modelcard[train]' (in a checkout: bash scripts/setup.sh)"


def _user_wants_info_lines() -> bool:
    """A user who set TF_CPP_MIN_LOG_LEVEL to 0 asked for TF's INFO lines: leave them alone."""
    return os.environ.get("TF_CPP_MIN_LOG_LEVEL", "").strip() == "0"


@contextlib.contextmanager
def drop_stderr_lines(patterns: tuple[bytes, ...] = STARTUP_LINES) -> Iterator[None]:
    """While the block runs, drop the lines written to file descriptor 2 that contain one of
    `patterns` (from C++ or Python alike); every other byte reaches the real stderr, in order."""
    sys.stderr.flush()
    real = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)

    def pump() -> None:
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            pending = b""
            while chunk := pipe.read(65536):
                *lines, pending = (pending + chunk).split(b"\n")
                _forward(real, lines, patterns, newline=True)
            _forward(real, [pending] if pending else [], patterns, newline=False)

    thread = threading.Thread(target=pump, name="stderr-filter", daemon=True)
    thread.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(real, 2)  # closes the pipe's last write end: the pump sees end of file
        thread.join(timeout=10)
        os.close(real)


def _forward(fd: int, lines: list[bytes], patterns: tuple[bytes, ...], newline: bool) -> None:
    kept = [line for line in lines if not any(p in line for p in patterns)]
    if kept:
        os.write(fd, b"\n".join(kept) + (b"\n" if newline else b""))


class _QuietLoader(importlib.abc.Loader):
    """Runs TensorFlow's own loader inside `drop_stderr_lines`; an import failure is a UserError."""

    def __init__(self, loader) -> None:
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        try:
            if _user_wants_info_lines():
                self.loader.exec_module(module)
            else:
                with drop_stderr_lines():
                    self.loader.exec_module(module)
        except Exception as exc:  # a broken install: a missing .so, a wrong protobuf, ...
            first = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
            raise UserError(f"TensorFlow is installed but cannot be imported ({type(exc).__name__}: {first}); "
                            f"reinstall the training packages: {TRAIN_EXTRA_HINT}") from None


class _FirstImportFinder(importlib.abc.MetaPathFinder):
    """Wraps the loader of the first `import tensorflow`, then removes itself."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow":
            return None
        uninstall()
        spec = importlib.util.find_spec(fullname)  # the other finders, in order, as a plain import would
        if spec is None or spec.loader is None:
            return None
        spec.loader = _QuietLoader(spec.loader)
        return spec


_finder = _FirstImportFinder()


def install() -> None:
    """From now on, the first import of TensorFlow in this process is quiet (no-op once loaded)."""
    if "tensorflow" not in sys.modules and _finder not in sys.meta_path:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # INFO and WARNING lines from C++ after start-up
        sys.meta_path.insert(0, _finder)


def uninstall() -> None:
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
