"""An installed wheel (no checkout) renders cards with its packaged templates.

Builds the wheel, installs it with --no-deps into a fresh venv that sees this venv's packages
through a plain path entry (so the checkout's editable install is not picked up), and runs
`python -m modelcard build` (and `publish`) from a folder outside the checkout.
"""

from __future__ import annotations

import json
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import card_fixtures as cf

REPO = Path(__file__).resolve().parents[1]


def _build_wheel(out: Path) -> Path:
    base = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)]
    done = subprocess.run(base, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:  # no registry access for the isolated build env: use this venv's setuptools
        done = subprocess.run(base + ["--no-isolation"], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.skip(f"cannot build the wheel here: {done.stderr.strip().splitlines()[-1:]}")
    return next(out.glob("modelcard-*.whl"))


def test_installed_wheel_renders_a_card(tmp_path):
    wheel = _build_wheel(tmp_path / "dist")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=True).create(env_dir)
    python = env_dir / "bin" / "python"
    target = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    # A plain path line: this venv's packages become importable, its .pth files (editable modelcard) do not run.
    (target / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--target", str(target), str(wheel)], check=True, timeout=300)
    work = tmp_path / "elsewhere"
    run = cf.write_run(work, cf.base_record())
    where = subprocess.run([python, "-c", "import modelcard, modelcard.render.environment as e; "
                            "print(modelcard.__file__); print(e.templates_dir())"],
                           cwd=work, capture_output=True, text=True, check=True).stdout.split("\n")
    assert where[0].startswith(str(target)) and where[1].startswith(str(target / "modelcard" / "_templates"))
    done = subprocess.run([python, "-m", "modelcard", "build", "--run", str(run.path), "--out", "cards"],
                          cwd=work, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    md = (work / "cards" / "demo-mobilenetv2.md").read_text(encoding="utf-8")
    assert "## Model Card Contact" in md and "figures/demo-mobilenetv2/confusion_matrix_test.svg" in md
    json.loads((work / "cards" / "demo-mobilenetv2.mct.json").read_text(encoding="utf-8"))
    assert "Not provided: add `contact` to card.yaml" in md  # no ./card.yaml in that folder
    done = subprocess.run([python, "-m", "modelcard", "publish", "--cards", "cards", "--out", "site"],
                          cwd=work, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr   # the site's templates ship in the wheel too
    assert "demo-mobilenetv2" in (work / "site" / "index.html").read_text(encoding="utf-8")
