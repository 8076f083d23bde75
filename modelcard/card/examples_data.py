"""Card data for the example grid and its Grad-CAM maps (Model Examination).

Plain dataclasses, like `model.py`; kept in their own module so the grid can grow without
touching the shared card model. File paths are relative to the run folder; the renderer copies
the bytes under `cards/figures/<name>/examples/` (Markdown) or inlines them (HTML).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExampleImage:
    """One thumbnail of the grid, with what the model said about it."""

    name: str                  # e.g. "03" (file stem in the card's figure folder)
    file: str                  # e.g. "examples/03.png" (in the run)
    gradcam_file: str | None   # e.g. "examples/03-gradcam.png"; None when no map was made
    image_id: str              # e.g. "birds/owl.png" (the image's path in the data)
    true: str                  # e.g. "birds"
    pred: str                  # e.g. "mammals"
    confidence: float          # e.g. 0.93 (probability of the predicted class)
    error: bool                # e.g. True when pred != true
    kind: str                  # e.g. "sample" | "confident_error" | "confused_pair"

    @property
    def caption(self) -> str:
        """e.g. "✗ birds → mammals (0.93)" or "✓ birds (0.99)"."""
        if self.error:
            return f"✗ {self.true} → {self.pred} ({self.confidence:.2f})"
        return f"✓ {self.true} ({self.confidence:.2f})"

    @property
    def alt(self) -> str:
        verdict = "wrong" if self.error else "right"
        return f"{self.image_id}: true {self.true}, predicted {self.pred} ({self.confidence:.2f}, {verdict})"


@dataclass
class PairExample:
    """A most-confused pair of classes and the thumbnail that shows it."""

    true: str             # e.g. "fruit"
    predicted: str        # e.g. "vegetables"
    count: int            # e.g. 3 (test images with this confusion)
    image: ExampleImage   # the most confident image of that confusion


@dataclass
class ExampleGrid:
    """The grid: seeded sample, confident errors, confused-pair examples, Grad-CAM facts."""

    eval_set: str                                # e.g. "test"
    seed: int | None                             # e.g. 0
    thumbnail_px: int | None                     # e.g. 64
    n_sample: int                                # e.g. 16
    n_confident_errors: int                      # e.g. 8
    images: list[ExampleImage] = field(default_factory=list)  # sample and confident errors, grid order
    pairs: list[PairExample] = field(default_factory=list)
    gradcam_sentence: str | None = None          # what the maps show and how coarse they are
    gradcam_missing: str | None = None           # e.g. "not made: the model has no convolutional layer"
    missing: str | None = None                   # why there is no grid at all, e.g. "ValueError: ..."
    missing_files: list[str] = field(default_factory=list)  # e.g. ["examples/03.png"] (not in the run folder)
