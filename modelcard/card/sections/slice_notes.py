"""What each slice column means, in one sentence for the card (cut points included).

The measured columns are defined in `training/pixel_slices.py` and `training/evaluation.py`;
this module only words them. Columns from `--metadata` are named as such.
"""

from __future__ import annotations

MEANINGS = {
    "brightness": "mean luma (0.299 R + 0.587 G + 0.114 B, 0-255, alpha on white)",
    "contrast": "RMS contrast (standard deviation of that luma, 0-255)",
}
FIXED = {
    "colour": "grayscale when 99% of the pixels have a channel spread of at most 10 levels (of 255), else colour.",
    "aspect": "width / height of the original file.",
    "subfolder": "the first folder below the class folder the image came from.",
    "resolution": "longest side of the original file, in pixels.",
    "orientation": "original width against height (square within 5%).",
}


def slice_notes(evaluation: dict) -> dict[str, str]:
    """{column: sentence} for the columns of one evaluated set that have a definition."""
    notes = dict(FIXED)
    for column, cuts in (evaluation.get("slice_cut_points") or {}).items():
        low, high = cuts
        meaning = MEANINGS.get(column, column)
        notes[column] = (f"terciles of this set's {meaning}: 1 low below {low:.2f}, 2 mid from {low:.2f} "
                         f"up to {high:.2f}, 3 high from {high:.2f}.")
    for column in evaluation.get("metadata_columns") or []:
        notes[column] = "from the --metadata file; (missing) groups the images it does not list."
    return notes
