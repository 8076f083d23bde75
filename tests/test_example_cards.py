"""The committed example cards are exactly what `modelcard build` makes from the committed
example run and card.yaml: they can be trusted, and they stay in step with the templates.

The expected bytes come from git's HEAD when this is a checkout, so running the demo (which
rewrites cards/ for your own run) does not break the test. Regenerate after an intended change:
`.venv/bin/modelcard build --run examples/runs/<run_id> --policy policy.yaml` (see README).
"""

import subprocess
from pathlib import Path

import pytest

from modelcard.record import read_record, RunRef
from modelcard.render.build import build_cards

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "runs").iterdir())


def _committed(rel: str) -> bytes:
    proc = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=ROOT, capture_output=True)
    if proc.returncode == 0:
        return proc.stdout
    return (ROOT / rel).read_bytes()  # not a git checkout: the files as shipped


def test_there_is_one_example_run():
    assert len(EXAMPLES) == 1 and read_record(EXAMPLES[0])["status"] == "complete"


def test_example_cards_match_a_fresh_build(tmp_path, monkeypatch):
    run_dir = EXAMPLES[0]
    monkeypatch.chdir(ROOT)  # the card names the run by its path relative to the repository
    run = RunRef(run_dir.relative_to(ROOT), read_record(run_dir))
    result = build_cards(run, tmp_path / "cards", card_info=ROOT / "card.yaml", policy=ROOT / "policy.yaml")
    assert result.written
    for path in result.written:
        rel = path.relative_to(tmp_path).as_posix()
        expected = _committed(rel)
        if path.read_bytes() != expected:
            pytest.fail(f"{rel} is out of date: rebuild the example cards (see README)")
