"""`modelcard record` of Parquet predictions: read in row batches, never all rows at once.

Each shard is summarised into `analysis.streamed.Partial` sums batch by batch (pyarrow's
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


def stream_shards(files: list[ShardFile], *, normalize: bool, n_resamples: int, seed: int) -> Streamed:
    """Summarise every row of the Parquet shards `files` (checked by `shard_set`) batch by batch."""
    names = list(files[0].class_names)
    total = Partial.empty(len(names), N_BINS, n_resamples)
    for i, f in enumerate(files):
        part = Partial.empty(len(names), N_BINS, n_resamples)
        for j, batch in enumerate(parquet_batches(f, batch_rows(len(names)))):
            probs = check_probabilities(batch.y_prob, names, normalize=normalize,
                                        where=f"{f.path.name} (batch from row {batch.start + 1})")
            add_batch(part, batch.y_true, probs, n_bins=N_BINS, seed=seed, key=(i, j))
        total = merge(total, part)
    if total.n == 0:
        raise UserError(f"the {len(files)} Parquet shard(s) hold no predictions; evaluate a folder with images")
    evaluation = streamed_evaluation(total, names, n_resamples=n_resamples, seed=seed, n_bins=N_BINS)
    return Streamed(n=total.n, class_counts=total.confusion.sum(axis=1), evaluation=Evaluation.from_dict(evaluation))
