"""The typed run record: one frozen dataclass per section of `run.json`.

Read a record with `RunRecord.from_json(text)` (or `modelcard.record.read_run(ref)`), write it
with `record.to_json()` / `write_record`; conversion is generic (`modelcard.record.typed`), and
`tests/test_record_model.py` keeps the fields and `run.schema.json` in step. See
docs/run-record.md, "Typed model".
"""

from .data import Data, Duplicates, EvalSetSummary, IgnoredFiles, NearPair, SkippedFile, SplitBalance, SplitSummary
from .datacard import Composition, DataCardMeasurements, LabelIssues, Quality
from .efficiency import Efficiency, Hardware, Latency
from .emissions import (ClusterEmissions, Emissions, Inference, InferenceCost, Phase, PhaseCost, PowerMeasured,
                        WorkerMeasured)
from .evaluation import (Bootstrap, Calibration, ClassResult, Confusion, ConfusionMatrix, Evaluation,
                         Intervals, Slice, SliceGroup)
from .examples import ConfusedPair, ExampleItem, Examples, GradCam
from .metric import MeasuredFact, Metric, MetricFact, metric_of
from .network import Head, Model, Weights
from .provenance import Artifacts, Process, Provenance, RunError
from .robustness import CorruptedResult, Robustness, RobustnessSample
from .run import RunRecord, migrate
from .sweep import Member, Sweep
from .training import Distribution, EarlyStopping, Training
from .variance import AccuracyInterval, CrossValidation, CvClassResult, SeedResult, Seeds, Spread

__all__ = [
    "AccuracyInterval", "Artifacts", "Bootstrap", "Calibration", "ClassResult", "ClusterEmissions", "Composition", "Confusion", "ConfusedPair",
    "ConfusionMatrix", "CorruptedResult", "RobustnessSample", "CrossValidation", "CvClassResult", "Data", "DataCardMeasurements", "Distribution", "Duplicates",
    "EarlyStopping", "Efficiency", "Emissions", "EvalSetSummary", "Evaluation", "ExampleItem", "Examples",
    "GradCam", "Hardware", "Head", "IgnoredFiles", "Inference", "InferenceCost", "Intervals", "LabelIssues", "Latency",
    "MeasuredFact", "Member", "Metric", "MetricFact", "metric_of", "Model", "NearPair", "Phase", "PhaseCost",
    "PowerMeasured", "Process", "Provenance", "Quality", "Robustness", "RunError", "RunRecord", "SeedResult", "Seeds",
    "SkippedFile", "Slice", "SliceGroup", "SplitBalance", "SplitSummary", "Spread", "Sweep", "Training",
    "Weights", "WorkerMeasured", "migrate",
]
