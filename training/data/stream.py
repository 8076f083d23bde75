"""Map a function over many items in a thread pool with a bounded number of results in flight.

Why: `ThreadPoolExecutor.map` submits every item at once, so the workers run ahead of the
consumer and every finished result (a decoded image, say) waits in memory until it is taken.
`bounded_map` keeps at most `window` items submitted and not yet taken, so a loop over 20,000
images holds `window` decoded images at most (plus the one the consumer holds), whatever the
number of images. Order is preserved; Pillow and numpy release the GIL, so threads use every core.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_workers(at_most: int = 8) -> int:
    """Threads for decoding: the machine's cores, at most `at_most`."""
    return max(1, min(at_most, os.cpu_count() or 1))


def bounded_map(fn: Callable[[T], R], items: Iterable[T], workers: int | None = None,
                window: int | None = None) -> Iterator[R]:
    """`fn(item)` for each item, in order, at most `window` (default 2 x workers) submitted and not yet taken.

    Stopping the iteration early cancels what has not started and waits for what has.
    """
    workers = workers or default_workers()
    window = max(1, window or 2 * workers)
    source = iter(items)
    pool = ThreadPoolExecutor(max_workers=workers)
    pending: deque = deque()
    try:
        for item in source:
            pending.append(pool.submit(fn, item))
            if len(pending) >= window:
                break
        while pending:
            result = pending.popleft().result()
            for item in source:  # keep the window full while the consumer works
                pending.append(pool.submit(fn, item))
                break
            yield result
            del result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
