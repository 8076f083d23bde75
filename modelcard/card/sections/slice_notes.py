"""What each slice column means, in one sentence for the card (cut points included).

The definitions are recorded with the run (`evaluations.<set>.slice_definitions`, written by
`training/measure/evaluation.py`), so the card states the definition the run was made with and every
number in it traces to the record; a record without them gets no definition. Tercile cut
points come from `slice_cut_points`; columns from `--metadata` are named as such.
"""

from __future__ import annotations

from ...record.model import Evaluation


def slice_notes(evaluation: Evaluation) -> dict[str, str]:
    """{column: sentence} for the columns of one evaluated set that have a definition."""
    notes = dict(evaluation.slice_definitions or {})
    for column, cuts in (evaluation.slice_cut_points or {}).items():
        low, high = cuts
        meaning = notes.get(column, column).rstrip(".")
        notes[column] = f"{meaning}: 1 low below {low:.2f}, 2 mid from {low:.2f} up to {high:.2f}, 3 high from {high:.2f}."
    for column in evaluation.metadata_columns or []:
        notes[column] = "from the --metadata file; (missing) groups the images it does not list."
    return notes
