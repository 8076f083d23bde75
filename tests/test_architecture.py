"""The two-wing rule: the card side never imports TensorFlow, Keras or `training`.

Checked twice: statically (no such import anywhere in modelcard/ except the lazy one in the
train/evaluate handlers) and dynamically (a real `modelcard build` in a fresh interpreter
leaves no trace of them in sys.modules).
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.predictions_fixtures import write_csv

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("tensorflow", "keras", "training", "codecarbon")


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node, node.module


def test_modelcard_has_no_top_level_training_imports():
    offenders = []
    for path in sorted((ROOT / "modelcard").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(n) for n in tree.body}
        for node, name in _imports(path):
            if name.split(".")[0] in FORBIDDEN:
                lazy_ok = path.relative_to(ROOT).as_posix() == "modelcard/commands/train.py" and id(node) not in top_level
                if not lazy_ok:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert offenders == []


def test_build_runs_without_tensorflow(tmp_path):
    csv_path = write_csv(tmp_path / "p.csv")
    script = f"""
import sys, json
from modelcard.cli import main
assert main(["record", "--predictions", {str(csv_path)!r}, "--runs-dir", {str(tmp_path / 'runs')!r}, "--n-resamples", "100", "--slice", "setting"]) == 0
assert main(["build", "--runs-dir", {str(tmp_path / 'runs')!r}, "--out", {str(tmp_path / 'cards')!r}]) == 0
assert main(["publish", "--cards", {str(tmp_path / 'cards')!r}, "--out", {str(tmp_path / 'site')!r}]) == 0
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {FORBIDDEN!r})))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
    # the model card (md, html, MCT JSON, CycloneDX BOM, publish metadata) and the data card (what
    # predictions allow, also as Croissant JSON-LD)
    assert sorted("".join(p.suffixes) for p in (tmp_path / "cards").iterdir() if p.is_file()) == [
        ".cdx.json", ".croissant.json", ".data.html", ".data.md", ".html", ".mct.json", ".md", ".meta.json"]


ANALYSIS_LIBRARIES = ("sklearn", "scipy", "fairlearn", "pandas", "cleanlab", "cleanvision", "pyarrow")


def test_build_reads_measured_facts_without_the_analysis_libraries(tmp_path):
    """`build` renders what the run measured; it never recomputes, so it stays fast (bench/build_speed.py):
    building the full example (model card with every collector, data card, policy checks) and publishing
    it imports none of the analysis libraries in a fresh interpreter."""
    example = sorted((ROOT / "examples" / "runs").iterdir())[0]
    script = f"""
import sys, json
from modelcard.cli import main
assert main(["build", "--run", {str(example)!r}, "--card-info", {str(ROOT / 'card.yaml')!r},
             "--policy", {str(ROOT / 'policy.yaml')!r}, "--out", {str(tmp_path / 'cards')!r}]) == 0
assert main(["publish", "--cards", {str(tmp_path / 'cards')!r}, "--out", {str(tmp_path / 'site')!r}]) == 0
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & {set(ANALYSIS_LIBRARIES + FORBIDDEN)!r})))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
    assert any(p.name.endswith(".data.md") for p in (tmp_path / "cards").iterdir())  # the data card was built too


def test_check_loads_no_renderer():
    """`check` gets the same built card as `build` without importing anything that renders."""
    script = """
import sys, json
import modelcard.commands.check
print(json.dumps(sorted(m for m in sys.modules if m.startswith("modelcard.render") or m == "modelcard.render.data_card"
                        or m.split(".")[0] == "jinja2")))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
