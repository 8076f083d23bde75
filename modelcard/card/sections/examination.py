"""Model Examination: the example grid with Grad-CAM overlays, from the record's `examples`.

Every caption comes from the record (true label, predicted label, confidence), which the
training side read back from the run's predictions file; nothing is recomputed here.
"""

from __future__ import annotations

from pathlib import Path

from ..examples_data import ExampleGrid, ExampleImage, PairExample
from ..info import CardInfo
from ..parts import Examination
from ..section_spec import CoverageItem, Heading, Section


def gradcam_sentence(gradcam: dict) -> str | None:
    """What the overlays show and their limit, with the real cell count of this model."""
    cells = gradcam.get("cells") or []
    if gradcam.get("error") is not None or len(cells) != 2:
        return None
    h, w = cells
    size = gradcam.get("input_size")
    at = f" at {size} px input, so each cell covers about {size // max(h, 1)} x {size // max(w, 1)} px" if size else ""
    # records before `in_backbone` came only from backbone models (train) or were not told apart
    own = gradcam.get("in_backbone") is False
    where, unit = ("the model's last convolutional layer", "layer") if own else ("the backbone's last convolutional block", "block")
    return (f"The second grid overlays Grad-CAM maps for the predicted class, taken at {where} "
            f"({gradcam.get('layer')}): warm colours mark where that {unit}'s features raised "
            f"the class score; the maps are coarse ({h} x {w} cells{at}), so they show roughly where the evidence "
            "lies, not which pixels or why.")


def _image(k: int, item: dict) -> ExampleImage:
    return ExampleImage(name=f"{k:02d}", file=item["file"], gradcam_file=item.get("gradcam_file"), image_id=item["id"],
                        true=item["true"], pred=item["pred"], confidence=float(item["confidence"]),
                        error=bool(item["error"]), kind=item["kind"])


def example_grid(record: dict, run_path: Path | None) -> ExampleGrid | None:
    """The card's grid, or None for records without `examples` (older runs, `record` runs)."""
    section = record.get("examples")
    if not section:
        return None
    images = [_image(k, item) for k, item in enumerate(section.get("items", []))]
    grid = ExampleGrid(eval_set=section["eval_set"], seed=section.get("seed"), thumbnail_px=section.get("thumbnail_px"),
                       n_sample=int(section.get("n_sample", 0)), n_confident_errors=int(section.get("n_confident_errors", 0)),
                       images=[im for im in images if im.kind != "confused_pair"],
                       pairs=[PairExample(p["true"], p["predicted"], int(p["count"]), images[p["item"]])
                              for p in section.get("confused_pairs", []) if 0 <= p["item"] < len(images)],
                       missing=section.get("error"))
    gradcam = section.get("gradcam") or {}
    grid.gradcam_sentence = gradcam_sentence(gradcam)
    if images and grid.gradcam_sentence is None:
        grid.gradcam_missing = f"Grad-CAM maps were not made: {gradcam.get('error') or 'not recorded'}."
    if run_path is not None:
        files = [f for im in images for f in (im.file, im.gradcam_file) if f]
        grid.missing_files = sorted({f for f in files if not (Path(run_path) / f).is_file()})
    return grid


EXAMPLES_SINCE = (1, 1)  # the record version that added `examples`


def no_grid_reason(record: dict) -> str | None:
    """Why a record has no `examples` (None when it has them)."""
    if record.get("examples"):
        return None
    if record.get("created_by") == "record":
        return "No example grid: `modelcard record` runs hold predictions, not images."
    version = tuple(int(x) for x in str(record.get("schema_version", "1.0")).split(".")[:2])
    if version < EXAMPLES_SINCE:
        return ("No example grid: this run was recorded before example grids were added (schema "
                f"{record.get('schema_version', '1.0')}); re-run it to get one.")
    return "No example grid: this run's record holds none (its examples stage did not run)."


def examination(record: dict, info: CardInfo, run_path: Path | None) -> Examination:
    """Human notes from card.yaml plus the measured example grid (or why there is none)."""
    return Examination(info.model_examination, grid=example_grid(record, run_path), no_grid=no_grid_reason(record))


def calibration_or_confusions(card) -> bool:
    """Does any evaluation set hold calibration or confusions (what Model Examination shows)?"""
    return any(s.calibration or s.top_confusions for s in card.evaluation.sets)


COVERAGE = (
    CoverageItem("hf.examination", "hf", "Model Examination", "What is known about how the model behaves inside",
                 where="Model Examination", measured=("examination",), human=("model_examination",)),
)

SECTION = Section(
    "examination", build=examination, attr="examination",
    headings=(Heading("Model Examination", ("model_examination",), calibration_or_confusions),),
    probes={"examination": calibration_or_confusions}, coverage=COVERAGE)
