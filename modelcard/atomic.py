"""Atomic file writes: a crash mid-write never leaves a half-written card or record.

Everything is written to a temporary file in the destination folder, flushed, fsynced and
then renamed over the target (`os.replace` is atomic on POSIX within one filesystem).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import UserError


def ensure_writable_dir(path: Path) -> Path:
    """Create `path` if needed and check we can write there, with a fixable error if not."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder {path}: {exc.strerror}; choose another with --out") from None
    try:  # probe with a real file: permission bits alone miss read-only mounts and root's view
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError:
        raise UserError(f"output folder {path} is not writable; fix its permissions or choose another with --out") from None
    return path


@contextlib.contextmanager
def atomic_path(path: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temp file name beside `path`; on clean exit fsync it and rename it over `path`,
    else delete it. For writers (such as Keras) that insist on a file name, not a file object."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temp file beside `path`; on clean exit rename it over `path`, else delete it."""
    binary = "b" in mode
    with atomic_path(path) as tmp:
        with open(tmp, mode, encoding=None if binary else encoding, newline=None if binary else "\n") as fh:
            yield fh


def write_text(path: Path, text: str) -> None:
    """Atomically write `text` (UTF-8, `\\n` line endings) to `path`."""
    with atomic_open(path, "w") as fh:
        fh.write(text)


def write_bytes(path: Path, data: bytes) -> None:
    """Atomically write `data` to `path`."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
