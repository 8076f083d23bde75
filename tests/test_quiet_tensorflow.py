"""TensorFlow's C++ start-up lines are dropped on every CPU, and nothing else is.

The filter works on file descriptor 2, where TF's C++ logging writes before its log level
applies; `TF_ENABLE_ONEDNN_OPTS=1` makes TF print its oneDNN line on any CPU it supports, so
the real start-up path is exercised on machines whose CPU would not turn oneDNN on by itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTUP = ("absl::InitializeLog", "oneDNN custom operations are on", "cpu_feature_guard")


def _python(code: str, **env_extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")}
    env.update(PYTHONPATH=str(ROOT), **env_extra)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=300)


def test_filter_drops_only_the_known_lines_written_to_fd_2():
    code = r"""
import os, sys
from training.commands.quiet_tensorflow import drop_stderr_lines
with drop_stderr_lines():
    os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")
    os.write(2, b"kept 1\nI0000 00:00:1.2 6687 port.cc:153] oneDNN custom operations are on. You may see\n")
    os.write(2, b"kept 2 is writ")  # a line written in two pieces
    os.write(2, b"ten in two pieces\n")
    print("kept 3 from Python", file=sys.stderr)
    os.write(2, b"E0000 a real error from C++\nno newline at the end")
os.write(2, b"\nafter: port.cc:153] oneDNN custom operations are on.\n")  # outside the block: untouched
"""
    done = _python(code)
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode() == ("kept 1\nkept 2 is written in two pieces\nkept 3 from Python\n"
                                    "E0000 a real error from C++\nno newline at the end"
                                    "\nafter: port.cc:153] oneDNN custom operations are on.\n")


@pytest.mark.tf
def test_first_tensorflow_import_is_quiet_where_tensorflow_prints_its_startup_lines():
    plain = _python("import tensorflow", TF_ENABLE_ONEDNN_OPTS="1")
    assert plain.returncode == 0, plain.stderr[-2000:]
    printed = [line for line in plain.stderr.decode().splitlines() if any(s in line for s in STARTUP)]
    if not printed:
        pytest.skip("this TensorFlow build prints no start-up lines on this CPU even with TF_ENABLE_ONEDNN_OPTS=1; "
                    "the filter itself is tested above")
    quiet = _python("from training.commands import quiet_tensorflow\nquiet_tensorflow.install()\nimport keras\n"
                    "import tensorflow as tf\nimport sys\nprint(int(tf.reduce_sum(tf.constant([1, 2]))), file=sys.stderr)",
                    TF_ENABLE_ONEDNN_OPTS="1")
    assert quiet.returncode == 0, quiet.stderr[-2000:]
    assert quiet.stderr.decode() == "3\n"  # TF works, and said nothing else


@pytest.mark.tf
def test_a_user_who_asks_for_info_lines_keeps_them():
    done = _python("from training.commands import quiet_tensorflow\nquiet_tensorflow.install()\nimport tensorflow",
                   TF_ENABLE_ONEDNN_OPTS="1", TF_CPP_MIN_LOG_LEVEL="0")
    plain = _python("import tensorflow", TF_ENABLE_ONEDNN_OPTS="1", TF_CPP_MIN_LOG_LEVEL="0")
    assert done.returncode == 0
    assert [s for s in STARTUP if s in plain.stderr.decode()] == [s for s in STARTUP if s in done.stderr.decode()]
