"""The converted-weights cache: where it lives, and two processes filling it at once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from training.weights import offline, source

ROOT = Path(__file__).resolve().parents[1]


def test_cache_root_lookup_order(monkeypatch, tmp_path):
    monkeypatch.setenv("MODELCARD_CACHE", str(tmp_path / "mc"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert offline.cache_root() == tmp_path / "mc"
    monkeypatch.delenv("MODELCARD_CACHE")
    assert offline.cache_root() == tmp_path / "xdg" / "modelcard"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert offline.cache_root() == Path.home() / ".cache" / "modelcard"
    path = offline.cached_weights_path(include_top=False)
    assert path.parent == Path.home() / ".cache" / "modelcard" / "weights" / source.SHA256
    assert path.name.endswith(".weights.h5") and "notop" in path.name


@pytest.mark.slow
@pytest.mark.tf
def test_two_processes_converting_at_once_both_get_a_complete_file(tmp_path):
    code = (
        "from training.model.backbones import BackboneSpec, build_backbone; "
        "m, info = build_backbone(BackboneSpec(input_size=96)); print(info.sha256)"
    )
    env = {**os.environ, "MODELCARD_CACHE": str(tmp_path), "TF_CPP_MIN_LOG_LEVEL": "3"}
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    for out, err, rc in results:
        assert rc == 0, err[-2000:]
        assert out.strip().endswith(source.SHA256)
    folder = tmp_path / "weights" / source.SHA256
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        offline.cached_weights_path(top).name for top in (False, True)
    )  # both variants, no temp files left
