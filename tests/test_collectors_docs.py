"""The collectors' key lists are exactly the ones docs/run-record.md promises."""

import re
from pathlib import Path

import pytest

from training.collectors import EFFICIENCY_KEYS, EMISSIONS_KEYS, HARDWARE_KEYS

DOC = (Path(__file__).resolve().parents[1] / "docs" / "run-record.md").read_text()


def documented_keys(section: str) -> set[str]:
    """The `{...}` key list under the `## \\`section\\`` heading."""
    body = DOC.split(f"## `{section}`", 1)[1].split("\n## ", 1)[0]
    braces = body[body.index("{") + 1: body.index("}")]
    return {re.match(r"\s*(\w+)", part).group(1) for part in braces.split(",")}


@pytest.mark.parametrize("section, keys", [("hardware", HARDWARE_KEYS), ("emissions", EMISSIONS_KEYS),
                                           ("efficiency", EFFICIENCY_KEYS)])
def test_key_lists_match_the_record_documentation(section, keys):
    assert len(keys) == len(set(keys))
    assert set(keys) == documented_keys(section)
