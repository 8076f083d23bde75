"""Adding a collector that shows on the card takes five files, and nothing else.

In a copy of the tree (modelcard/, training/, templates/, docs/), a toy collector is added as
exactly these files: its collector module (`training/collectors/toy_counts.py`, which declares
its stage), its record module (`modelcard/record/sections/toy_counts.py`, which registers the
section), its entry in docs/run-record.md, its card section module and its partial. A real tiny
`modelcard train` (random weights, one epoch) then records the section, which validates and reads
back typed; `build` prints it and `check` finds the card's files consistent with its claim. A copy
with the collector but without its record module fails at once with one line, never silently.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from modelcard.errors import UserError
from modelcard.record import RunRecord
from test_package_graph import violations
from train_fixtures import make_folder

ROOT = Path(__file__).resolve().parents[1]

COLLECTOR_MODULE = '''"""A toy collector: how many test images have a file name of even length."""

from __future__ import annotations

from pathlib import PurePosixPath

from modelcard.record.sections.toy_counts import ToyCounts

from .collector_spec import Collector


def toy_counts(ctx) -> ToyCounts:
    names = [PurePosixPath(s.relpath).name for s in ctx.sets["test"].samples]
    return ToyCounts(test_images=len(names), even_names=sum(len(n) % 2 == 0 for n in names))


COLLECTOR = Collector("toy_counts", toy_counts, what="toy counts")
'''

RECORD_MODULE = '''"""`toy_counts`: test images whose file name has an even length (the toy collector)."""

from __future__ import annotations

from dataclasses import dataclass

from ..registered import RecordSection
from ..typed import Section


@dataclass(frozen=True, kw_only=True)
class ToyCounts(Section):
    test_images: int  # images in the test split, e.g. 9
    even_names: int  # of them, those whose file name has an even length, e.g. 4


RECORD_SECTION = RecordSection("toy_counts", ToyCounts)
'''

DOC_ENTRY = '''
### `toy_counts` (toy collector)
`{test_images, even_names}`: the test images, and those whose file name has an even length.
'''

SECTION_MODULE = '''"""A toy section: the toy collector's count, stated as a claim."""

from __future__ import annotations

from ...claims import figure_claim
from ...record.sections.toy_counts import ToyCounts
from ..section_spec import Heading, SectionSpec


def toy_claims(card):
    counts = card.toy_counts
    return [] if counts is None else [figure_claim("toy_counts.even_names", "test",
                                                   "test images with an even-length file name",
                                                   counts.even_names, "images", n=counts.test_images)]


SECTION = SectionSpec("toy_counts", order=125, build=lambda x: x.record.section(ToyCounts), attr="toy_counts",
                      part=ToyCounts, headings=(Heading("Toy Counts", (), lambda card: card.toy_counts is not None),),
                      claims=toy_claims)
'''

PARTIAL = '''{{ m.heading(2, "Toy Counts") }}
{% if card.toy_counts %}{{ m.para(card.toy_counts.even_names ~ " of " ~ card.toy_counts.test_images ~ " test images have a file name of even length (toy collector).") }}
{% else %}{{ m.para("Not measured (toy collector).") }}
{% endif %}'''

#: The five files of a collector that shows on the card, and what each holds.
FIVE = {"training/collectors/toy_counts.py": COLLECTOR_MODULE, "modelcard/record/sections/toy_counts.py": RECORD_MODULE,
        "docs/run-record.md": DOC_ENTRY, "modelcard/card/sections/toy_counts.py": SECTION_MODULE,
        "templates/sections/toy_counts.jinja": PARTIAL}


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    tree = tmp_path / "tree"
    for name in ("modelcard", "training", "templates", "docs"):
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.png"))
    for rel, text in files.items():
        path = tree / rel
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(old + text, encoding="utf-8")  # the doc gets an entry; the others are new
    return tree


def _run(tree: Path, *args: str, module: str = "modelcard") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree), "TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", module, *args] if module else [sys.executable, *args],
                          capture_output=True, text=True, cwd=tree, env=env, timeout=600)


def _train(tree: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    data = tmp_path / "data"
    if not data.exists():
        make_folder(data, per_class=6)
    return _run(tree, "train", "--data", str(data), "--weights", "none", "--input-size", "96", "--epochs", "1",
                "--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache"),
                "--inference-predictions", "8")


def _even_names_in_test(run_dir: Path) -> tuple[int, int]:
    """(test images, those with an even-length file name), from the run's stored test predictions."""
    with np.load(run_dir / "predictions" / "test.npz", allow_pickle=False) as npz:
        names = [str(i).rsplit("/", 1)[-1] for i in npz["ids"]]
    return len(names), sum(len(n) % 2 == 0 for n in names)


@pytest.mark.tf
def test_a_collector_on_the_card_is_five_files(tmp_path):
    tree = _tree(tmp_path, FIVE)
    assert violations(tree) == []  # the five files keep the layers
    trained = _train(tree, tmp_path)
    assert trained.returncode == 0, trained.stderr[-3000:]
    run_dir = Path(trained.stdout.split()[-1])
    text = (run_dir / "run.json").read_text(encoding="utf-8")
    n, even = _even_names_in_test(run_dir)
    assert json.loads(text)["toy_counts"] == {"test_images": n, "even_names": even} and n > 0

    # it validates and reads back typed, byte-identical, in the tree that registers it
    typed = _run(tree, "-c", "import sys; from pathlib import Path; from modelcard.record import RunRecord; "
                 "from modelcard.record.sections.toy_counts import ToyCounts; "
                 "t = Path(sys.argv[1]).read_text(); r = RunRecord.from_json(t); c = r.section(ToyCounts); "
                 "print(type(c).__name__, c.even_names, r.to_json() == t)", str(run_dir / "run.json"), module="")
    assert typed.stdout.split() == ["ToyCounts", str(even), "True"], typed.stderr
    # a reader without the record module refuses it with one line naming the key (never misreads it)
    with pytest.raises(UserError, match="toy_counts"):
        RunRecord.from_json(text)

    built = _run(tree, "build", "--run", str(run_dir), "--out", "cards")
    assert built.returncode == 0, built.stderr
    meta = json.loads(next((tree / "cards").glob("*.meta.json")).read_text(encoding="utf-8"))
    sentence = f"{even} of {n} test images have a file name of even length (toy collector)."
    for suffix in (".md", ".html"):
        card = (tree / "cards" / f"{meta['slug']}{suffix}").read_text(encoding="utf-8")
        assert sentence in card
    md = (tree / "cards" / f"{meta['slug']}.md").read_text(encoding="utf-8")
    assert md.index("## Technical Specifications") < md.index("## Toy Counts") < md.index("## Citation")

    checked = _run(tree, "check", "--run", str(run_dir), "--cards", "cards", "--json")
    report = json.loads(checked.stdout)
    assert report["consistency"]["violations"] == [], report["consistency"]
    assert {i["item"]: i["passed"] for i in report["completeness"]}["Section: Toy Counts"]
    ledger = _run(tree, "-c", "import sys; from pathlib import Path; from modelcard.built_card import card_for_run; "
                  "from modelcard.record import resolve_run; "
                  "c = card_for_run(resolve_run(sys.argv[1], Path('runs'))).card.claims.claim('toy_counts.even_names'); "
                  "print(c.value, c.n, c.unit)", str(run_dir), module="")
    assert ledger.stdout.split() == [str(even), str(n), "images"], ledger.stderr  # its claim is in the card's ledger


@pytest.mark.parametrize("record_module", [None, RECORD_MODULE.replace('RECORD_SECTION = RecordSection("toy_counts", ToyCounts)\n', "")],
                         ids=["no record module", "record module that registers nothing"])
def test_a_collector_without_its_record_section_fails_at_once_with_one_line(tmp_path, record_module):
    files = {"training/collectors/toy_counts.py": COLLECTOR_MODULE}
    if record_module is not None:
        files["modelcard/record/sections/toy_counts.py"] = record_module
    tree = _tree(tmp_path, files)
    trained = _train(tree, tmp_path)
    assert trained.returncode == 2, trained.stderr[-3000:]
    line = trained.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, line
    assert "training/collectors/toy_counts.py" in line and "modelcard/record/sections/toy_counts.py" in line, line
    assert not list((tmp_path / "runs").glob("*/run.json"))  # refused before any run was written


def test_the_toy_collector_is_absent_from_the_real_tree():
    for rel in FIVE:
        if rel.endswith("toy_counts.py") or rel.endswith(".jinja"):
            assert not (ROOT / rel).exists()
    assert "toy_counts" not in (ROOT / "docs" / "run-record.md").read_text(encoding="utf-8")
