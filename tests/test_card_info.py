"""card.yaml is read strictly: unknown keys are named, wrong types and bad YAML are one-line UserErrors."""

import pytest

from modelcard.card import CardInfo, known_keys, load_card_info, parse_card_info
from modelcard.errors import UserError

from card_fixtures import CARD_YAML


def _write(tmp_path, text):
    path = tmp_path / "card.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_example_parses_into_sections(tmp_path):
    info = load_card_info(_write(tmp_path, CARD_YAML))
    assert info.model_name == "Stamp Classifier"
    assert info.developers == ["Jane Doe"]
    assert info.uses.out_of_scope.startswith("Photos of real scenes")
    assert info.glossary == {"ECE": "expected calibration error"}
    assert info.citation.bibtex.startswith("@misc")


def test_none_and_empty_file_give_empty_info(tmp_path):
    assert load_card_info(None) == CardInfo()
    assert load_card_info(_write(tmp_path, "")) == CardInfo()


def test_unknown_keys_are_named(tmp_path):
    with pytest.raises(UserError) as err:
        load_card_info(_write(tmp_path, "model_name: x\nusage: y\nlicence: MIT\n"))
    message = str(err.value)
    assert "`licence`" in message and "`usage`" in message and "\n" not in message


def test_unknown_nested_key_is_named_with_its_parent():
    with pytest.raises(UserError, match=r"`uses\.indirect`"):
        parse_card_info({"uses": {"indirect": "x"}})


@pytest.mark.parametrize("raw, key", [
    ({"license": ["MIT"]}, "license"),
    ({"uses": "everything"}, "uses"),
    ({"developers": {"a": 1}}, "developers"),
    ({"uses": {"direct": ["a"]}}, "uses.direct"),
    ({"contact": True}, "contact"),
    ({"license": "  "}, "license"),
])
def test_wrong_types_name_the_key(raw, key):
    with pytest.raises(UserError, match=f"`{key}`"):
        parse_card_info(raw)


def test_top_level_must_be_a_mapping():
    with pytest.raises(UserError, match="top level"):
        parse_card_info(["a", "b"])


def test_invalid_yaml_reports_line(tmp_path):
    with pytest.raises(UserError, match=r"not valid YAML \(line 2"):
        load_card_info(_write(tmp_path, "model_name: x\n- stray list item\n"))


def test_unreadable_or_missing_file(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_card_info(tmp_path / "nope.yaml")
    with pytest.raises(UserError, match="cannot read"):
        load_card_info(tmp_path)  # a folder, not a file
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"model_name: caf\xe9\n")
    with pytest.raises(UserError, match="cannot read"):
        load_card_info(bad)


def test_hub_ids_are_checked():
    with pytest.raises(UserError, match="base_model"):
        parse_card_info({"base_model": "not a hub id"})
    with pytest.raises(UserError, match="datasets"):
        parse_card_info({"datasets": ["no-slash"]})
    assert parse_card_info({"datasets": "user/data"}).datasets == ["user/data"]


def test_numbers_are_not_silently_turned_into_text():
    with pytest.raises(UserError, match="quote it"):
        parse_card_info({"version": 1.0})
    assert parse_card_info({"version": "1.0"}).version == "1.0"


def test_every_documented_key_is_known():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "card-yaml.md").read_text(encoding="utf-8")
    for key in known_keys():
        assert f"`{key}`" in doc, f"docs/card-yaml.md does not document `{key}`"
