"""The fields the collectors write are exactly the keys docs/run-record.md promises."""

import re
from pathlib import Path

import pytest

from modelcard.record.model import Efficiency, Emissions, Hardware
from modelcard.record.typed import field_names

# Fields another step writes later: a cluster's workers, a sweep's shared figures, costs and scope.
LATER = {"hardware": {"workers"}, "efficiency": {"shared"},
         "emissions": {"shared_cost", "scope", "inference", "cluster"}}

DOC = (Path(__file__).resolve().parents[1] / "docs" / "run-record.md").read_text()


def documented_keys(section: str) -> set[str]:
    """The `{...}` key list under the `## \\`section\\`` heading."""
    body = DOC.split(f"## `{section}`", 1)[1].split("\n## ", 1)[0]
    braces = body[body.index("{") + 1: body.index("}")]
    return {re.match(r"\s*(\w+)", part).group(1) for part in braces.split(",")}


@pytest.mark.parametrize("section, model", [("hardware", Hardware), ("emissions", Emissions), ("efficiency", Efficiency)])
def test_collected_fields_match_the_record_documentation(section, model):
    assert set(field_names(model)) - LATER[section] == documented_keys(section)
