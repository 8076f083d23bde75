"""The card's words for the files a data scan left out (`data.ignored`, `data.ignored_files`).

One table, `LEFT_OUT_KINDS`, names each kind of `IgnoredFiles` in words; the model card's
Training Data, the data card and the Croissant FileSet all word the same typed field through
`left_out`, so they say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model.data import Data, IgnoredFiles


@dataclass(frozen=True)
class LeftOutKind:
    """How the card words one kind of file left out."""

    field: str  # the `IgnoredFiles` count, e.g. "svg_drawing"
    one: str    # one such file, e.g. "SVG drawing"
    many: str   # several, e.g. "SVG drawings"


#: Every count of `IgnoredFiles`, in its order, with the card's words.
LEFT_OUT_KINDS = (
    LeftOutKind("not_image", "non-image file", "non-image files"),
    LeftOutKind("svg_drawing", "SVG drawing", "SVG drawings"),
    LeftOutKind("other_format", "image in a format the source does not use",
                "images in formats the source does not use"),
    LeftOutKind("variant_copy", "mirrored or flipped copy of another image", "mirrored or flipped copies of other images"),
    LeftOutKind("excluded_subfolder", "image in an excluded subfolder", "images in excluded subfolders"),
    LeftOutKind("root_file", "file outside the class folders", "files outside the class folders"),
)


@dataclass(frozen=True)
class LeftOut:
    """The card's line on the files left out."""

    label: str  # "Files left out" (1.3 records), or "Other files left out" (older: the total only)
    text: str   # e.g. "3,495 non-image files; 92 SVG drawings; 41 images in excluded subfolders (cartoon, plastic, toys)"
    total: int  # every file left out, e.g. 3633


def kind_words(ignored: IgnoredFiles) -> list[str]:
    """One phrase per kind with files, in table order, e.g. ["3,495 non-image files", "92 SVG drawings"]."""
    phrases = []
    for kind in LEFT_OUT_KINDS:
        n = getattr(ignored, kind.field)
        if not n:
            continue
        phrase = f"{n:,} {kind.one if n == 1 else kind.many}"
        if kind.field == "excluded_subfolder" and ignored.excluded_subfolders:
            phrase += f" ({', '.join(ignored.excluded_subfolders)})"
        phrases.append(phrase)
    return phrases


def left_out(data: Data) -> LeftOut | None:
    """The files `data`'s scan left out, in words; None when it left none out (or did not say).
    Records before 1.3 hold only the total, which counted every kind together: "Other files left out"."""
    if isinstance(data.ignored, IgnoredFiles):
        phrases = kind_words(data.ignored)
        return LeftOut("Files left out", "; ".join(phrases), data.ignored.total) if phrases else None
    if data.ignored_files:
        return LeftOut("Other files left out", f"{data.ignored_files:,}", int(data.ignored_files))
    return None
