"""Which shard of a sharded evaluation an image belongs to: `--shard K/N`, pure functions.

An image goes to shard `K` of `N` when `int(sha256(id).hexdigest(), 16) % N == K - 1`, where
the id is its path relative to the data folder with forward slashes (e.g. "test/cat/001.png").
The hash depends on nothing but the id, so N machines that each run `evaluate --shard K/N` on
a copy of the same folder predict disjoint sets of images that together cover every image,
and `record` can check a shard's membership row by row without remembering earlier rows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..errors import UserError

#: Most shards one evaluation may be split into (a typo such as 1/10000000 is refused).
MAX_SHARDS = 10_000
_FORM = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`, e.g. Shard(2, 4) for `--shard 2/4`."""

    index: int  # K, 1..count, e.g. 2
    count: int  # N, e.g. 4

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, item_id: str) -> bool:
        """Whether the image `item_id` belongs to this shard."""
        return shard_index(item_id, self.count) == self.index


def shard_index(item_id: str, count: int) -> int:
    """The 1-based shard of `item_id` among `count` shards (stable across machines and runs)."""
    digest = hashlib.sha256(str(item_id).replace("\\", "/").encode("utf-8")).hexdigest()
    return int(digest, 16) % count + 1


def parse_shard(text: str) -> Shard:
    """`"K/N"` as a `Shard`; one `UserError` line for anything else (0/2, 3/2, 1/0, "a/b", "2")."""
    match = _FORM.match(str(text))
    if match:
        index, count = int(match.group(1)), int(match.group(2))
        if 1 <= count <= MAX_SHARDS and 1 <= index <= count:
            return Shard(index, count)
    raise UserError(f"--shard {text!r} is not K/N with 1 <= K <= N <= {MAX_SHARDS:,}; "
                    "use e.g. --shard 1/4 on the first of 4 machines")
