"""The split-balance warning scales: it fires on a shift of a class's proportions, and the terminal
gets one line however many classes it concerns, while the record and the card list every class.

The failure it prevents: on an 8,813-image folder, seven lines of "duplicate grouping moved class
... by more than 3 images" were printed for shifts of 1-2% (a fixed count of images flags every
class of a large data set).
"""

from __future__ import annotations

from training.data.assemble import balance
from training.data.split import BALANCE_POINTS, BALANCE_TOLERANCE, SPLITS, moved_classes, stratified_group_split

FRACTIONS = {"train": 0.7, "val": 0.15, "test": 0.15}


def synthetic(per_class: dict[str, dict[str, int]]) -> tuple[list[int], list[str], list[str]]:
    """(labels, assignment, class names) with exactly `per_class[name][split]` images of each class in each split."""
    names = list(per_class)
    labels, assignment = [], []
    for k, name in enumerate(names):
        for split in SPLITS:
            labels += [k] * per_class[name][split]
            assignment += [split] * per_class[name][split]
    return labels, assignment, names


def test_shifts_of_one_or_two_percent_in_a_large_split_are_not_warned(capsys):
    # 40 classes of 1,000 images (stratified: 700/150/150), each moved by 10 to 20 images: 1-2 points
    per_class = {f"c{k:02d}": {"train": 700 - (10 + k % 11), "val": 150 + (10 + k % 11), "test": 150} for k in range(40)}
    found = balance(*synthetic(per_class), FRACTIONS)
    assert max(abs(d) for by_split in found.deviation.values() for d in by_split.values()) == 20  # above 3 images
    assert found.moved == [] and found.warnings == [] and capsys.readouterr().err == ""


def test_one_class_moved_by_five_points_and_ten_images_is_one_warning(capsys):
    per_class = {f"c{k:02d}": {"train": 686, "val": 164, "test": 150} for k in range(20)}  # 1.4 points: fine
    per_class["small"] = {"train": 130, "val": 40, "test": 30}  # 200 images, stratified 140/30/30: 10 images, 5 points
    found = balance(*synthetic(per_class), FRACTIONS)
    assert found.moved == ["small"]
    (warning,) = found.warnings
    assert warning.startswith(f"duplicate grouping moved class 'small' off a stratified split by more than {BALANCE_TOLERANCE} "
                              f"images and {BALANCE_POINTS:g} points of the class: train 130 (stratified: 140), val 40 "
                              "(stratified: 30), test 30 (stratified: 30);")
    assert capsys.readouterr().err.splitlines() == [f"warning: {warning}"]


def test_both_bounds_must_be_passed():
    sizes = {"tiny": 20, "huge": 10_000}
    # 'tiny': 3 images are 15 points but not more than 3 images; 'huge': 150 images are only 1.5 points
    assert moved_classes({"tiny": {"train": -3, "val": 3, "test": 0}, "huge": {"train": -150, "val": 150, "test": 0}}, sizes) == []
    assert moved_classes({"tiny": {"train": -4, "val": 4, "test": 0}, "huge": {"train": -201, "val": 201, "test": 0}},
                         sizes) == ["tiny", "huge"]


def test_thirty_classes_moved_are_one_terminal_line_and_thirty_warnings(capsys):
    # a real split: each class of 100 images is 3 copy groups of 40, 40 and 20 images (stratified: 70/15/15)
    labels, groups = [], []
    for k in range(30):
        for g, size in enumerate((40, 40, 20)):
            labels += [k] * size
            groups += [3 * k + g] * size
    names = [f"class{k:02d}" for k in range(30)]
    assignment = stratified_group_split(labels, groups, names, FRACTIONS, seed=0)
    found = balance(labels, assignment, names, FRACTIONS)
    assert found.moved == names and len(found.warnings) == 30
    assert all(f"class '{name}'" in warning for name, warning in zip(names, found.warnings))
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("warning: duplicate grouping moved 30 classes off a stratified split by more than 3 images and 2 points")
    assert "'class00', 'class01', 'class02', ..." in line and "the run record and the card list each" in line
