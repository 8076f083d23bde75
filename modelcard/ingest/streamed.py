"""`modelcard record` of Parquet predictions: read in row batches, never all rows at once.

Each shard (or part file of a table an engine wrote, `parquet_tables.py`) is summarised into `analysis.streamed.Partial` sums batch by batch (pyarrow's
`ParquetFile.iter_batches`), the shards' partials are merged, and the evaluation is built from
them, so peak memory depends on the batch size, classes and resamples, not on the rows.
What needs every row at once is not computed here, and the record says so: label issues
(cleanlab) are `measured: false` with the reason, per-image predictions are not copied into
the run, and `--slice` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis.streamed import Partial, add_batch, merge, streamed_evaluation
from ..errors import UserError
from .predictions_file import check_probabilities
from ..record.model import Evaluation
from .parquet_tables import SeenIds, TableFile, table_batches
from .shard_files import ShardFile, batch_rows, parquet_batches

N_BINS = 15
NOT_IN_MEMORY = ("not computed: the predictions were streamed from Parquet in row batches, and cleanlab needs "
                 "every probability row in memory (record an .npz or CSV to estimate label errors)")


@dataclass(frozen=True)
class Streamed:
    """A streamed evaluation set: its counts and its `evaluations.<set>` object."""

    n: int                   # rows, e.g. 1000000
    class_counts: np.ndarray  # (k,) true images per class
    evaluation: Evaluation   # `evaluations.test`, its `source` not yet set


def stream_batches(sources: list, names: list[str], *, normalize: bool, n_resamples: int, seed: int,
                   seen=None) -> Streamed:
    """Summarise every row of `sources`, (file name, its batches) pairs, batch by batch; `seen`, when
    given, collects each batch's ids (`parquet_tables.SeenIds`)."""
    total = Partial.empty(len(names), N_BINS, n_resamples)
    for i, (name, batches) in enumerate(sources):
        part = Partial.empty(len(names), N_BINS, n_resamples)
        for j, batch in enumerate(batches):
            probs = check_probabilities(batch.y_prob, names, normalize=normalize,
                                        where=f"{name} (batch from row {batch.start + 1})")
            add_batch(part, batch.y_true, probs, n_bins=N_BINS, seed=seed, key=(i, j))
            if seen is not None:
                seen.add(batch.ids)
        total = merge(total, part)
    if total.n == 0:
        raise UserError(f"the {len(sources)} Parquet file(s) hold no predictions; evaluate a folder with images")
    evaluation = streamed_evaluation(total, names, n_resamples=n_resamples, seed=seed, n_bins=N_BINS)
    return Streamed(n=total.n, class_counts=total.confusion.sum(axis=1), evaluation=evaluation)


def stream_shards(files: list[ShardFile], *, normalize: bool, n_resamples: int, seed: int) -> Streamed:
    """Summarise every row of the Parquet shards `files` (checked by `shard_set`) batch by batch."""
    names = list(files[0].class_names)
    sources = [(f.path.name, parquet_batches(f, batch_rows(len(names)))) for f in files]
    return stream_batches(sources, names, normalize=normalize, n_resamples=n_resamples, seed=seed)


def stream_tables(files: list[TableFile], *, normalize: bool, n_resamples: int, seed: int) -> Streamed:
    """Summarise every row of the wide or list Parquet parts `files` (checked by `table_set`), then refuse
    an id held twice."""
    names = list(files[0].class_names)
    rows = batch_rows(len(names))
    seen = SeenIds()
    sources = [(f.path.name, table_batches(f, rows)) for f in files]
    streamed = stream_batches(sources, names, normalize=normalize, n_resamples=n_resamples, seed=seed, seen=seen)
    seen.check(files, rows)
    return streamed
