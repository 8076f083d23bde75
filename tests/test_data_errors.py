"""Data problems a user can fix give one clear UserError line, never a traceback or a crash."""

from __future__ import annotations

import pytest
from PIL import Image

from modelcard.errors import UserError
from training.data import parse_data_spec, parse_eval_set_option, resolve_source


def tiny(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (32, 32), (value, 255 - value, (value * 7) % 256)).save(path)


def load(root, **kwargs):
    return resolve_source(str(root), progress=False, **kwargs)


def test_missing_folder(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load(tmp_path / "nope")


def test_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="is empty"):
        load(tmp_path / "empty")


def test_folder_without_images(tmp_path):
    for name in ("a", "b"):
        (tmp_path / "d" / name).mkdir(parents=True)
        (tmp_path / "d" / name / "x.txt").write_text("hi")
    with pytest.raises(UserError, match="no readable images"):
        load(tmp_path / "d")


def test_only_one_class(tmp_path):
    for k in range(5):
        tiny(tmp_path / "d" / "cats" / f"{k}.png", k * 40)
    with pytest.raises(UserError, match=r"1 class folder\(s\) \(cats\).*at least 2"):
        load(tmp_path / "d")


def test_too_few_images_names_the_class(tmp_path):
    for k in range(5):
        tiny(tmp_path / "d" / "cats" / f"{k}.png", k * 40)
    for k in range(2):
        tiny(tmp_path / "d" / "dogs" / f"{k}.png", 200 + k * 20)
    with pytest.raises(UserError, match="class 'dogs' has 2 image"):
        load(tmp_path / "d")


def test_byte_identical_files_count_once_for_stratification(tmp_path):
    for k in range(5):
        tiny(tmp_path / "d" / "cats" / f"{k}.png", k * 40)
    tiny(tmp_path / "d" / "dogs" / "0.png", 250)
    for k in (1, 2):
        (tmp_path / "d" / "dogs" / f"{k}.png").write_bytes((tmp_path / "d" / "dogs" / "0.png").read_bytes())
    with pytest.raises(UserError, match=r"class 'dogs' has 3 image\(s\) in 1 distinct group"):
        load(tmp_path / "d")


def test_partial_split_folders(tmp_path):
    for split in ("train", "test"):
        tiny(tmp_path / "d" / split / "cats" / "0.png", 3)
    with pytest.raises(UserError, match="not val/"):
        load(tmp_path / "d")


@pytest.mark.parametrize("fractions", [{"train": 0.7, "val": 0.3}, {"train": 0.5, "val": 0.2, "test": 0.2}, {"train": 1.0, "val": 0.0, "test": 0.0}])
def test_bad_fractions(tmp_path, fractions):
    for name in ("a", "b"):
        for k in range(4):
            tiny(tmp_path / "d" / name / f"{k}.png", k * 50 + (name == "b"))
    with pytest.raises(UserError, match="fractions"):
        load(tmp_path / "d", fractions=fractions)


def test_data_spec_parsing():
    assert parse_data_spec("demo").kind == "demo"
    assert parse_data_spec("tfds:cifar10").value == "cifar10"
    assert parse_data_spec("./pics").kind == "folder"
    with pytest.raises(UserError):
        parse_data_spec("  ")


def test_eval_set_option_parsing(tmp_path):
    assert parse_eval_set_option(f"shifted={tmp_path}") == ("shifted", tmp_path)
    for bad in ("shifted", "=dir", "name=", "test=dir"):
        with pytest.raises(UserError):
            parse_eval_set_option(bad)


def test_unsupported_tfds_name():
    with pytest.raises(UserError, match="not supported"):
        resolve_source("tfds:mnist", progress=False)


def test_tfds_without_package_or_internet_says_how_to_fix(tmp_path):
    """Here tensorflow-datasets is not installed (or cannot download): a one-line fixable error."""
    with pytest.raises(UserError) as err:
        resolve_source("tfds:tf_flowers", cache_dir=tmp_path, progress=False)
    message = str(err.value)
    assert "internet" in message and "pip install tensorflow-datasets" in message and "--data demo" in message
    assert "\n" not in message
