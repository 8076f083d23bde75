"""Robustness under common corruptions (ImageNet-C), run on the test split of train/evaluate.

`run_robustness(...)` is the single entry point; `corruptions` holds the TF corruption ops and
their documented reference parameters.
"""

from .corruptions import PARAMETERS, REFERENCE, SUITE_CHOICES, SUITES, corrupt, documented_parameters, passes
from .stage import RobustnessResult, predict_passes, run_robustness

__all__ = ["PARAMETERS", "REFERENCE", "SUITE_CHOICES", "SUITES", "RobustnessResult", "corrupt",
           "documented_parameters", "passes", "predict_passes", "run_robustness"]
