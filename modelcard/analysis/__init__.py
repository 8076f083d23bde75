"""Pure analyses of a classifier's predictions: metrics, calibration, confusions, slices, CIs.

Only numpy, scipy, scikit-learn and fairlearn: never TensorFlow, so cards build anywhere.
`evaluate_predictions` is the entry point; the building blocks are public so that `training`
reuses them instead of computing any metric a second time.
"""

from .bootstrap import (BootstrapDistribution, GroupDistribution, bootstrap_metrics, bootstrap_samples,
                        percentile_interval, resample_indices)
from .calibration import bin_edges, bin_index
from .confusion import confusion_summary, top_confusions
from .evaluate import evaluate_predictions, metric
from .point import PointMetrics, expected_calibration_error, point_metrics
from .proportions import wilson_interval
from .samples import PerSample, per_sample, top_k_hits
from .slices import SliceSummary, slice_metrics

__all__ = [
    "BootstrapDistribution", "GroupDistribution", "PerSample", "PointMetrics", "SliceSummary",
    "bin_edges", "bin_index", "bootstrap_metrics", "bootstrap_samples", "confusion_summary",
    "evaluate_predictions", "expected_calibration_error", "metric", "per_sample", "percentile_interval",
    "point_metrics", "resample_indices", "slice_metrics", "top_confusions", "top_k_hits", "wilson_interval",
]
