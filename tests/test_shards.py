"""`--shard K/N`: parsing (one line for bad values) and the stable hash assignment of images."""

from __future__ import annotations

import hashlib

import pytest

from modelcard.errors import UserError
from modelcard.ingest.shards import Shard, parse_shard, shard_index


def test_parse_shard_accepts_k_of_n():
    assert parse_shard("2/4") == Shard(2, 4) and parse_shard(" 1 / 1 ") == Shard(1, 1)
    assert str(parse_shard("3/7")) == "3/7"


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "a/b", "2", "", "-1/2", "1/2/3", "1.5/2", "1/10001"])
def test_parse_shard_refuses_bad_values_in_one_line(text):
    with pytest.raises(UserError) as err:
        parse_shard(text)
    message = str(err.value)
    assert "\n" not in message and "K/N" in message and "--shard 1/4" in message


def test_assignment_is_the_sha256_of_the_relative_path():
    ids = [f"test/class{i % 3}/img{i:03d}.png" for i in range(300)]
    for item in ids[:20]:
        assert shard_index(item, 4) == int(hashlib.sha256(item.encode()).hexdigest(), 16) % 4 + 1
    # every id in exactly one shard, and the shares are roughly even
    owners = [[k for k in range(1, 5) if Shard(k, 4).holds(item)] for item in ids]
    assert all(len(o) == 1 for o in owners)
    sizes = [sum(o == [k] for o in owners) for k in range(1, 5)]
    assert sum(sizes) == 300 and min(sizes) > 40
    assert shard_index("test\\a\\b.png", 5) == shard_index("test/a/b.png", 5)  # Windows separators
    assert all(shard_index(item, 1) == 1 for item in ids)
