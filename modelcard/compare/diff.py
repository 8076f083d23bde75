"""`modelcard diff A B`: what changed between two runs, and whether the test data support it.

Two runs are on the same test set when their evaluation sets hold the same images (same sample
ids with the same labels and classes) drawn from the same data (same content hash; a run made
by `modelcard record` hashes its predictions file instead, so there the ids and labels decide).
Then the comparison is paired: a bootstrap over the shared images and McNemar's exact test. On
different test sets each run keeps its own interval and no paired claim is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..analysis.samples import per_sample
from ..errors import UserError
from ..record.model import Metric, RunRecord
from ..record.predictions import read_predictions
from ..record.store import RunRef
from .facts import RunFacts, eval_metrics, run_facts
from .paired import McNemar, PairedDifference, mcnemar_exact, paired_bootstrap
from .seed_noise import SeedNoise, seed_noise

EVAL_SET = "test"
N_BINS = 15  # calibration bins do not enter the compared metrics; any valid value works


@dataclass(frozen=True)
class Change:
    """One compared quantity, e.g. key="latency_median_ms", a=16.2, b=12.1 (change -4.1)."""

    key: str
    label: str
    a: object
    b: object
    kind: str = "plain"   # how to show it: "score", "ms", "bytes", "count", "seconds", "kwh", "kg", "rate", "plain"
    a_shared: str | None = None  # e.g. "sweep" or a run id: A's figure was not measured for A (then `a` is None)
    b_shared: str | None = None

    @property
    def change(self) -> float | None:
        if self.a_shared or self.b_shared:
            return None  # a copied figure differs from nothing that was measured
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (self.a, self.b))
        return self.b - self.a if numeric else None

    @property
    def ratio(self) -> float | None:
        change = self.change
        return None if change is None or not self.a else self.b / self.a


@dataclass(frozen=True)
class RunDiff:
    """Everything `diff` reports; `paired`/`mcnemar` are empty/None when the test sets differ."""

    a: RunFacts
    b: RunFacts
    same_test_set: bool
    test_set_note: str                       # why paired (or not), in one sentence
    n_shared: int                            # images both runs were scored on (0 when not paired)
    paired: list[PairedDifference]
    mcnemar: McNemar | None
    bootstrap: dict                          # {"n_resamples": 2000, "seed": 0, "confidence": 0.95, ...}
    per_class_f1: list[Change]               # largest absolute change first
    config: list[Change]                     # settings that differ
    efficiency: list[Change]                 # latency, sizes, durations, energy, CO2
    warnings: list[str] = field(default_factory=list)
    seed_noise: SeedNoise | None = None      # both runs have `--seeds` results: is B - A within their spread?


def _predictions(run: RunRef):
    rel = run.model.artifacts.predictions.get(EVAL_SET)
    if not rel:
        return None
    path = run.path / rel
    return read_predictions(path) if path.is_file() else None


def _test_set_match(a: RunRef, b: RunRef, pa, pb) -> tuple[bool, str, np.ndarray | None]:
    """(same, reason, order): `order` maps A's samples to B's rows when the sets are the same."""
    for run, preds in ((a, pa), (b, pb)):
        if preds is None:
            return False, f"run {run.run_id} has no stored per-image {EVAL_SET} predictions", None
    if pa.class_names != pb.class_names:
        return False, "the runs predict different classes (or in a different order)", None
    hash_a, hash_b = a.model.data.content_hash, b.model.data.content_hash
    from_files = "record" in (a.model.created_by, b.model.created_by)
    if not from_files and (hash_a is None or hash_a != hash_b):
        return False, f"the data differ (content hash {hash_a or 'not recorded'} vs {hash_b or 'not recorded'})", None
    ids_a, ids_b = np.asarray(pa.ids, dtype=str), np.asarray(pb.ids, dtype=str)
    if len(set(ids_a)) != len(ids_a) or len(set(ids_b)) != len(ids_b):
        return False, "sample ids repeat within a run, so images cannot be matched one to one", None
    if len(ids_a) != len(ids_b) or set(ids_a) != set(ids_b):
        shared = len(set(ids_a) & set(ids_b))
        return False, (f"the {EVAL_SET} sets hold different images ({len(ids_a)} vs {len(ids_b)}, "
                       f"{shared} shared)"), None
    position = {sample: i for i, sample in enumerate(ids_b)}
    order = np.asarray([position[sample] for sample in ids_a], dtype=np.int64)
    if not np.array_equal(pa.y_true, pb.y_true[order]):
        return False, "the same sample ids carry different labels in the two runs", None
    basis = "same sample ids and labels" + ("" if from_files else f", same data ({hash_a})")
    return True, f"both runs were scored on the same {len(ids_a)} {EVAL_SET} images ({basis})", order


def _per_class_f1(a: RunRecord, b: RunRecord) -> list[Change]:
    def by_class(record: RunRecord) -> dict:
        ev = record.evaluation(EVAL_SET)
        return {row.class_name: row.f1.value if isinstance(row.f1, Metric) else None
                for row in (ev.per_class if ev is not None else [])}

    fa, fb = by_class(a), by_class(b)
    names = list(fa) + [c for c in fb if c not in fa]
    rows = [Change(key=c, label=c, a=fa.get(c), b=fb.get(c), kind="score") for c in names]
    return sorted(rows, key=lambda r: (-(abs(r.change) if r.change is not None else -1.0), r.label))


def _config(a: RunRecord, b: RunRecord) -> list[Change]:
    ca, cb = a.config or {}, b.config or {}
    keys = sorted((set(ca) | set(cb)) - {"name"})
    return [Change(key=k, label=k, a=ca.get(k), b=cb.get(k)) for k in keys if ca.get(k) != cb.get(k)]


#: (RunFacts attribute, label, kind) of the efficiency rows, in report order.
EFFICIENCY_ROWS = (
    ("latency_median_ms", "latency per image, batch 1 (median)", "ms"),
    ("latency_p95_ms", "latency per image, batch 1 (p95)", "ms"),
    ("throughput_images_per_s", "throughput (images/s, batch 32)", "rate"),
    ("weights_bytes_in_memory", "weights in memory", "bytes"),
    ("model_file_bytes", "model file size", "bytes"),
    ("total_params", "parameters", "count"),
    ("training_s", "training time (fit)", "seconds"),
    ("duration_s", "run duration (emissions tracker)", "seconds"),
    ("energy_kwh", "energy", "kwh"),
    ("emissions_kg", "CO2-equivalent", "kg"),
)


def _efficiency(fa: RunFacts, fb: RunFacts) -> list[Change]:
    """The efficiency rows; a figure a run shares with its sweep (`RunFacts.shared`) is not shown as its own."""
    return [Change(key=k, label=label, a=None if k in fa.shared else getattr(fa, k),
                   b=None if k in fb.shared else getattr(fb, k), kind=kind,
                   a_shared=fa.shared.get(k), b_shared=fb.shared.get(k)) for k, label, kind in EFFICIENCY_ROWS]


def diff_runs(a: RunRef, b: RunRef, *, n_resamples: int = 2000, seed: int = 0, confidence: float = 0.95) -> RunDiff:
    """Compare run `b` against run `a` (changes are `b - a`)."""
    for run in (a, b):
        if not eval_metrics(run.model, EVAL_SET):
            raise UserError(f"run {run.run_id} has no {EVAL_SET} evaluation to compare; pick a complete run "
                            "(see `modelcard runs`)")
    pa, pb = _predictions(a), _predictions(b)
    same, note, order = _test_set_match(a, b, pa, pb)
    paired: list[PairedDifference] = []
    test = None
    n_shared = 0
    if same:
        sa = per_sample(pa.y_true, pa.y_prob, N_BINS)
        sb = per_sample(pb.y_true[order], pb.y_prob[order], N_BINS)
        paired = paired_bootstrap(sa, sb, n_resamples=n_resamples, seed=seed, confidence=confidence)
        test = mcnemar_exact(sa.correct, sb.correct)
        n_shared = int(sa.y_true.shape[0])
    fa, fb = run_facts(a.model, EVAL_SET), run_facts(b.model, EVAL_SET)
    warnings = [f"{f.run_id}: run duration, energy and CO2 were measured once for its whole sweep, not for this "
                "configuration alone, so they are shown as shared"
                for f in (fa, fb) if f.emissions_scope == "sweep"]
    return RunDiff(a=fa, b=fb, same_test_set=same, test_set_note=note, n_shared=n_shared, paired=paired,
                   mcnemar=test, bootstrap={"method": "paired percentile bootstrap", "n_resamples": n_resamples,
                                            "seed": seed, "confidence": confidence},
                   per_class_f1=_per_class_f1(a.model, b.model), config=_config(a.model, b.model),
                   efficiency=_efficiency(fa, fb), warnings=warnings, seed_noise=seed_noise(a.model, b.model))
