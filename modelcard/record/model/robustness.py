"""The `robustness` section (1.1): accuracy under ImageNet-C corruptions."""

from __future__ import annotations

from dataclasses import dataclass

from ..typed import Section
from .metric import Metric


@dataclass(frozen=True, kw_only=True)
class CorruptedResult(Section):
    accuracy: Metric  # e.g. {"value": 0.875, "ci_low": 0.72, "ci_high": 0.95}
    accuracy_drop: Metric  # clean minus corrupted, paired interval, e.g. {"value": 0.0625, ...}


@dataclass(frozen=True, kw_only=True)
class RatioIntervalMethod(Section):
    method: str | None = None  # method id, e.g. "smoothed_paired_bootstrap"
    description: str | None = None  # in words, e.g. "expanded percentile interval of paired bootstrap resamples ..."
    confidence: float | None = None  # e.g. 0.95
    n_resamples: int | None = None  # e.g. 1000
    seed: int | None = None  # e.g. 0


@dataclass(frozen=True, kw_only=True)
class RobustnessSample(Section):
    """Which test images the suite ran on and how they were chosen (1.4)."""

    n: int  # images used, e.g. 692
    of: int  # images in the set, e.g. 8813
    method: str  # "all test images" or e.g. "stratified by class, seed 0"
    seed: int | None = None  # seed of the draw, e.g. 0
    target_half_width: float | None = None  # the drop interval the size was planned for, e.g. 0.05 (+-5 points)
    needed: int | None = None  # the planned size, e.g. 692 (n = min(needed, of))
    planned_clean_accuracy: float | None = None  # the headline accuracy the plan assumed, e.g. 0.91 (None: 0.5)
    indices: list[int] | None = None  # positions in predictions/<set>.npz of a sample (absent: all), e.g. [3, 17]

    @property
    def sampled(self) -> bool:
        """True when the suite ran on fewer images than the set holds."""
        return self.n < self.of


@dataclass(frozen=True, kw_only=True)
class Robustness(Section):
    suite: str  # "quick" or "full", e.g. "quick"
    set: str  # the set corrupted, e.g. "test"
    n: int  # e.g. 32
    seed: int  # e.g. 0
    clean_accuracy: Metric  # e.g. {"value": 0.9375, ...}
    relative_robustness: float | None  # mean corrupted / clean accuracy, e.g. 0.7667
    corruptions: dict[str, dict[str, CorruptedResult]]  # corruption -> severity -> result
    parameters: dict  # corruption -> severity -> reference parameter, e.g. {"contrast": {"1": 0.4}}
    method: str  # in words, e.g. "ImageNet-C corruptions (Hendrycks & Dietterich 2019) ..."
    relative_robustness_ci: Metric | None = None  # the same with its interval (1.3), e.g. {"value": 0.7667, "ci_low": 0.66, ...}
    relative_robustness_interval: RatioIntervalMethod | None = None  # how that interval was made (1.3)
    sample: RobustnessSample | None = None  # the images used and how they were chosen (1.4)
