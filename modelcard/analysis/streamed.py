"""The evaluation of predictions that stream in batches: mergeable partial sums, bounded memory.

Each batch adds to `Partial` sums whose size depends on the classes, bins and resamples but
never on the number of rows: the confusion matrix (hence per-class TP, FP, FN), top-5 hits,
log-loss sum, per-bin counts, hits, confidence and `correct - confidence` sums, and for each
bootstrap resample the same counts weighted by that resample's Poisson(1) weights. Partials of
different shards add up (`merge`), so shards can be summarised apart and merged.

Counts give the same numbers as the in-memory path (`evaluate.py`): accuracy, top-5, per-class
precision, recall and F1 values, their Wilson intervals, balanced accuracy, macro/weighted
scores and the confusion matrix are identical; log loss, ECE and bin confidences are sums of
floats added in another order (equal to about 1e-12).

The bootstrap is a *Poisson* bootstrap: instead of drawing n indices with replacement (which
needs every row at once), each row of each resample gets an independent Poisson(1) weight,
drawn from a generator keyed by (seed, shard, block), so the output is the same every run.
For a block of m rows a resample draws its total T ~ Poisson(m) and spreads T uniform picks
over the rows; the picks per row are then independent Poisson(1) counts (the Poisson
process's conditional property), at the cost of the in-memory bootstrap's gather. Its
intervals are named `*_poisson_bootstrap` in the record; `bench/coverage.py --method poisson`
measures their coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .calibration import bins_from_sums
from .counts import ClassCounts, scores_from_counts
from ..record.model.evaluation import Bootstrap, Evaluation
from .evaluate import SetSummary, evaluation_entry
from .inputs import validate_options
from .pseudo import PseudoCounts
from .rows import COUNT_SCALARS, SCALAR_METRICS, smoothed_rows
from .samples import TOP_K, PerSample, per_sample

#: The record's `bootstrap.method` of a streamed evaluation.
METHOD = "expanded percentile, Poisson bootstrap"
POISSON_STREAM = 4  # pseudo.py uses streams 1-3 of the same seed
BLOCK_PICKS = 1 << 20


@dataclass
class Partial:
    """Mergeable sums over the rows seen so far; `boot_*` have a leading resample axis `(B, ...)`."""

    confusion: np.ndarray      # (k, k) int64, rows true classes
    top5_hits: int
    nll_sum: float
    bin_count: np.ndarray      # (n_bins,) int64
    bin_hits: np.ndarray       # (n_bins,) int64
    bin_confidence: np.ndarray  # (n_bins,) float64
    bin_gap: np.ndarray        # (n_bins,) float64: sum of correct - confidence
    boot_tp: np.ndarray        # (B, k) float64
    boot_support: np.ndarray   # (B, k)
    boot_predicted: np.ndarray  # (B, k)
    boot_n: np.ndarray         # (B,)
    boot_nll: np.ndarray       # (B,)
    boot_gap: np.ndarray       # (B, n_bins)

    @classmethod
    def empty(cls, k: int, n_bins: int, n_resamples: int) -> "Partial":
        b = n_resamples
        return cls(confusion=np.zeros((k, k), np.int64), top5_hits=0, nll_sum=0.0,
                   bin_count=np.zeros(n_bins, np.int64), bin_hits=np.zeros(n_bins, np.int64),
                   bin_confidence=np.zeros(n_bins), bin_gap=np.zeros(n_bins), boot_tp=np.zeros((b, k)),
                   boot_support=np.zeros((b, k)), boot_predicted=np.zeros((b, k)), boot_n=np.zeros(b),
                   boot_nll=np.zeros(b), boot_gap=np.zeros((b, n_bins)))

    @property
    def n(self) -> int:
        return int(self.confusion.sum())


def merge(a: Partial, b: Partial) -> Partial:
    """The partial sums of the rows of `a` and of `b` together.

    >>> a, b = Partial.empty(k=2, n_bins=2, n_resamples=0), Partial.empty(k=2, n_bins=2, n_resamples=0)
    >>> add_batch(a, np.array([0, 1]), np.array([[0.9, 0.1], [0.2, 0.8]]), n_bins=2, seed=0, key=(0, 0))
    >>> add_batch(b, np.array([1]), np.array([[0.6, 0.4]]), n_bins=2, seed=0, key=(1, 0))
    >>> both = merge(a, b)
    >>> both.n, both.confusion.tolist()
    (3, [[1, 0], [1, 1]])
    """
    return Partial(**{f.name: getattr(a, f.name) + getattr(b, f.name) for f in fields(Partial)})


def block_rows(n_resamples: int) -> int:
    """Rows per Poisson block: about `BLOCK_PICKS` picks per block (8 MB per int64 array), whatever the resamples."""
    return max(1, BLOCK_PICKS // max(1, n_resamples))


def _add_counts(part: Partial, s: PerSample) -> None:
    k, n_bins = s.n_classes, s.n_bins
    part.confusion += np.bincount(s.y_true * k + s.y_pred, minlength=k * k).reshape(k, k)
    part.top5_hits += 0 if s.top_k_hit is None else int(s.top_k_hit.sum())
    part.nll_sum += float(s.nll.sum())
    part.bin_count += np.bincount(s.calibration_bin, minlength=n_bins)
    part.bin_hits += np.bincount(s.calibration_bin, weights=s.correct, minlength=n_bins).astype(np.int64)
    part.bin_confidence += np.bincount(s.calibration_bin, weights=s.confidence, minlength=n_bins)
    part.bin_gap += np.bincount(s.calibration_bin, weights=s.correct - s.confidence, minlength=n_bins)


def _add_resamples(part: Partial, s: PerSample, rng: np.random.Generator) -> None:
    """Add one block's rows to every resample, each row weighted by independent Poisson(1) counts."""
    b, m, k, n_bins = part.boot_n.shape[0], s.y_true.shape[0], s.n_classes, s.n_bins
    totals = rng.poisson(m, size=b)
    picks = rng.integers(0, m, size=int(totals.sum()), dtype=np.int64)
    resample = np.repeat(np.arange(b, dtype=np.int64), totals)
    true_codes = resample * k + s.y_true[picks]
    part.boot_support += np.bincount(true_codes, minlength=b * k).reshape(b, k)
    part.boot_tp += np.bincount(true_codes[s.correct[picks] > 0], minlength=b * k).reshape(b, k)
    del true_codes
    part.boot_predicted += np.bincount(resample * k + s.y_pred[picks], minlength=b * k).reshape(b, k)
    part.boot_n += totals
    part.boot_nll += np.bincount(resample, weights=s.nll[picks], minlength=b)
    gap = (s.correct - s.confidence)[picks]
    part.boot_gap += np.bincount(resample * n_bins + s.calibration_bin[picks], weights=gap,
                                 minlength=b * n_bins).reshape(b, n_bins)


def add_batch(part: Partial, y_true: np.ndarray, y_prob: np.ndarray, *, n_bins: int, seed: int,
              key: tuple[int, int]) -> None:
    """Add validated rows `(m,)`, `(m, k)` to `part`; `key` = (shard, batch) seeds their weights.

    Rows are resampled in blocks of `block_rows`, block j drawing from `default_rng([seed,
    POISSON_STREAM, *key, j])`, so the same files give the same weights every run.

    >>> part = Partial.empty(k=2, n_bins=2, n_resamples=50)
    >>> add_batch(part, np.array([0, 1, 1]), np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]), n_bins=2, seed=0,
    ...           key=(0, 0))
    >>> part.n, part.confusion.tolist(), part.boot_n.shape
    (3, [[1, 0], [1, 1]], (50,))
    """
    samples = per_sample(y_true, y_prob, n_bins)
    _add_counts(part, samples)
    b = part.boot_n.shape[0]
    if not b:
        return
    size = block_rows(b)
    for j, start in enumerate(range(0, len(y_true), size)):
        block = samples.take(slice(start, start + size))
        _add_resamples(part, block, np.random.default_rng([seed, POISSON_STREAM, *key, j]))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.full(np.shape(num), np.nan), where=np.asarray(den) > 0)


def summary_of(part: Partial, names: list[str], seed: int) -> SetSummary:
    """The `SetSummary` of the streamed rows: point values from the counts, draws from the resamples."""
    n = part.n
    matrix = part.confusion.astype(np.float64)
    counts = ClassCounts(tp=np.diag(matrix).copy(), support=matrix.sum(axis=1), predicted=matrix.sum(axis=0))
    scores = scores_from_counts(ClassCounts(tp=counts.tp[None], support=counts.support[None],
                                            predicted=counts.predicted[None]))
    values = {name: float(scores[name][0]) for name in ("accuracy", *COUNT_SCALARS)}
    values.update(log_loss=part.nll_sum / n, top5_accuracy=part.top5_hits / n, ece=float(np.abs(part.bin_gap).sum() / n))
    point = {name: values[name] for name in SCALAR_METRICS if name != "top5_accuracy" or len(names) > TOP_K}
    hits = {"accuracy": float(counts.tp.sum()), "top5_accuracy": float(part.top5_hits)}
    draws = f1_draws = None
    b = part.boot_n.shape[0]
    if b:
        boot = ClassCounts(tp=part.boot_tp, support=part.boot_support, predicted=part.boot_predicted)
        pseudo = PseudoCounts.for_counts(counts.support, counts.predicted, seed)
        smoothed = smoothed_rows(boot, pseudo.overall(b), pseudo.per_class(b))
        draws = {name: smoothed[name] for name in COUNT_SCALARS}
        draws["log_loss"] = _ratio(part.boot_nll, part.boot_n)
        draws["ece"] = _ratio(np.abs(part.boot_gap).sum(axis=1), part.boot_n)
        f1_draws = smoothed["per_class_f1"]
    return SetSummary(names=list(names), counts=counts, hits=hits, point=point,
                      per_class_f1=np.nan_to_num(scores["per_class_f1"][0], nan=0.0), draws=draws,
                      f1_draws=f1_draws, confusion=part.confusion,
                      calibration=bins_from_sums(part.bin_count, part.bin_hits, part.bin_confidence))


def streamed_evaluation(part: Partial, names: list[str], *, n_resamples: int, seed: int, confidence: float = 0.95,
                        n_bins: int = 15, top_confusions: int = 10) -> Evaluation:
    """The record's typed `evaluations.<set>` of streamed rows (no slices: the streamed path has none).

    >>> part = Partial.empty(k=2, n_bins=15, n_resamples=100)
    >>> add_batch(part, np.array([0, 1, 1, 0]), np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]]),
    ...           n_bins=15, seed=0, key=(0, 0))
    >>> ev = streamed_evaluation(part, ["cat", "dog"], n_resamples=100, seed=0)
    >>> ev.n_samples, round(ev.metrics["accuracy"].ci_low, 4), ev.intervals.metrics["f1_macro"]
    (4, 0.3006, 'smoothed_poisson_bootstrap')
    """
    validate_options(n_resamples=n_resamples, seed=seed, confidence=confidence, n_bins=n_bins,
                     top_confusions=top_confusions)
    summary = summary_of(part, names, seed)
    bootstrap = Bootstrap(method=METHOD, n_resamples=int(n_resamples), confidence=float(confidence), seed=int(seed))
    return evaluation_entry(summary, bootstrap=bootstrap, confidence=confidence, n_bins=n_bins,
                            top_confusions=top_confusions, slices=[], poisson=True)
