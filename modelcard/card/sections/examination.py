"""Model Examination: the example grid with Grad-CAM overlays, from the record's `examples`.

Every caption comes from the record (true label, predicted label, confidence), which the
training side read back from the run's predictions file; nothing is recomputed here.
"""

from __future__ import annotations

from pathlib import Path

from ...record.model import ExampleItem, GradCam, RunRecord
from ..examples_data import ExampleGrid, ExampleImage, PairExample
from ..info import CardInfo
from ..parts import Examination
from ..section_spec import CoverageItem, Heading, SectionSpec


def gradcam_sentence(gradcam: GradCam | None) -> str | None:
    """What the overlays show and their limit, with the real cell count of this model."""
    if gradcam is None:
        return None
    cells = gradcam.cells or []
    if gradcam.error is not None or len(cells) != 2:
        return None
    h, w = cells
    size = gradcam.input_size
    at = f" at {size} px input, so each cell covers about {size // max(h, 1)} x {size // max(w, 1)} px" if size else ""
    # records before `in_backbone` came only from backbone models (train) or were not told apart
    own = gradcam.in_backbone is False
    where, unit = ("the model's last convolutional layer", "layer") if own else ("the backbone's last convolutional block", "block")
    return (f"The second grid overlays Grad-CAM maps for the predicted class, taken at {where} "
            f"({gradcam.layer}): warm colours mark where that {unit}'s features raised "
            f"the class score; the maps are coarse ({h} x {w} cells{at}), so they show roughly where the evidence "
            "lies, not which pixels or why.")


def _image(k: int, item: ExampleItem) -> ExampleImage:
    return ExampleImage(name=f"{k:02d}", file=item.file, gradcam_file=item.gradcam_file, image_id=item.id,
                        true=item.true, pred=item.pred, confidence=float(item.confidence),
                        error=bool(item.error), kind=item.kind)


def example_grid(record: RunRecord, run_path: Path | None) -> ExampleGrid | None:
    """The card's grid, or None for records without `examples` (older runs, `record` runs)."""
    section = record.examples
    if section is None:
        return None
    images = [_image(k, item) for k, item in enumerate(section.items or [])]
    grid = ExampleGrid(eval_set=section.eval_set, seed=section.seed, thumbnail_px=section.thumbnail_px,
                       n_sample=int(section.n_sample or 0), n_confident_errors=int(section.n_confident_errors or 0),
                       images=[im for im in images if im.kind != "confused_pair"],
                       pairs=[PairExample(p.true, p.predicted, int(p.count), images[p.item])
                              for p in section.confused_pairs if 0 <= p.item < len(images)],
                       missing=section.error)
    grid.gradcam_sentence = gradcam_sentence(section.gradcam)
    if images and grid.gradcam_sentence is None:
        error = section.gradcam.error if section.gradcam is not None else None
        grid.gradcam_missing = f"Grad-CAM maps were not made: {error or 'not recorded'}."
    if run_path is not None:
        files = [f for im in images for f in (im.file, im.gradcam_file) if f]
        grid.missing_files = sorted({f for f in files if not (Path(run_path) / f).is_file()})
    return grid


EXAMPLES_SINCE = (1, 1)  # the record version that added `examples`


def no_grid_reason(record: RunRecord) -> str | None:
    """Why a record has no `examples` (None when it has them)."""
    if record.examples is not None:
        return None
    if record.created_by == "record":
        return "No example grid: `modelcard record` runs hold predictions, not images."
    schema = record.schema_version or "1.0"
    version = tuple(int(x) for x in str(schema).split(".")[:2])
    if version < EXAMPLES_SINCE:
        return ("No example grid: this run was recorded before example grids were added (schema "
                f"{schema}); re-run it to get one.")
    return "No example grid: this run's record holds none (its examples stage did not run)."


def examination(record: RunRecord, info: CardInfo, run_path: Path | None) -> Examination:
    """Human notes from card.yaml plus the measured example grid (or why there is none)."""
    return Examination(info.model_examination, grid=example_grid(record, run_path), no_grid=no_grid_reason(record))


def calibration_or_confusions(card) -> bool:
    """Does any evaluation set hold calibration or confusions (what Model Examination shows)?"""
    return any(s.calibration or s.top_confusions for s in card.evaluation.sets)


COVERAGE = (
    CoverageItem("hf.examination", "hf", "Model Examination", "What is known about how the model behaves inside",
                 where="Model Examination", measured=("examination",), human=("model_examination",)),
)

SECTION = SectionSpec(
    "examination", order=100, build=lambda x: examination(x.record, x.info, x.run_path), attr="examination", part=Examination,
    headings=(Heading("Model Examination", ("model_examination",), calibration_or_confusions),),
    probes={"examination": calibration_or_confusions}, coverage=COVERAGE)
