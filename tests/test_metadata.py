"""`--metadata meta.csv`: strict reading (exit 2, one line, no run folder) and slice values."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from modelcard.errors import UserError
from training.data.metadata import MISSING, load_metadata, unmatched_warning
from train_fixtures import make_folder, run_cli


def _csv(tmp_path, text: str):
    path = tmp_path / "meta.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_columns_become_slices_with_missing_files_grouped(tmp_path):
    meta = load_metadata(_csv(tmp_path, "path,camera,site\n./blue/blue00.png,phone,north\nred\\red01.png,dslr,\n"
                                        "green/gone.png,phone,south\n"))
    assert meta.columns == ["camera", "site"]
    attrs = meta.attributes(["blue/blue00.png", "red/red01.png", "red/red02.png"])
    assert list(attrs["camera"]) == ["phone", "dslr", MISSING]
    assert list(attrs["site"]) == ["north", "(blank)", MISSING]
    assert meta.unmatched(["blue/blue00.png", "red/red01.png"]) == 1
    data = SimpleNamespace(splits={"train": [SimpleNamespace(relpath="blue/blue00.png")],
                                   "test": [SimpleNamespace(relpath="red/red01.png")]})
    extra = SimpleNamespace(splits={"eval": [SimpleNamespace(relpath="green/gone.png")]})
    assert "1 path(s) in --metadata meta.csv are not in the data" in unmatched_warning(meta, [data])
    assert unmatched_warning(meta, [data, extra]) is None and unmatched_warning(None, [data]) is None


@pytest.mark.parametrize("text, words", [
    ("", "is empty"),
    ("\n\n", "is empty"),
    ("file,camera\na.png,x\n", "no `path` column"),
    ("path\na.png\n", "attribute columns"),
    ("path,camera\n", "no rows"),
    ("path,camera\na.png,x\na.png,y\n", "listed twice"),
    ("path,brightness\na.png,x\n", "clash"),
])
def test_bad_metadata_is_one_clear_error(tmp_path, text, words):
    with pytest.raises(UserError, match=words):
        load_metadata(_csv(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_metadata(tmp_path / "nope.csv")


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_cli_refuses_bad_metadata_before_any_run_folder(tmp_path, capsys, command):
    data = make_folder(tmp_path / "data", per_class=2)
    meta = _csv(tmp_path, "file,camera\nblue/blue00.png,phone\n")
    model = tmp_path / "m.keras"
    model.write_bytes(b"not used")
    argv = ["train", "--data", str(data)] if command == "train" else ["evaluate", "--model", str(model), "--data", str(data)]
    code, out, err = run_cli([*argv, "--metadata", str(meta), "--runs-dir", str(tmp_path / "runs")], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no `path` column" in err
    assert not (tmp_path / "runs").exists()
