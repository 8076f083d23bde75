"""Image-quality issues from cleanvision, and how its duplicates compare with our leakage guard.

cleanvision's own detectors decide every flag (nothing is re-implemented here): dark, light,
blurry, low information, odd aspect ratio, odd size and grayscale, plus exact (MD5 of the
pixels) and near (equal pHash) duplicates. It runs once over all splits, because its size
thresholds are relative to the whole dataset. It reads each image twice (image properties, then
hashes) and keeps only small per-image scores and hashes, never the pixels; `_Images` hands it
the images streamed, a bounded window decoded ahead, so memory does not grow with the data set.

cleanvision calls an image grayscale only when its Pillow mode is "L", so an image whose file
holds no colour (modes `GRAY_FILE_MODES`) is handed over in mode "L": the same decoded pixels
(alpha on white leaves grey grey), one channel, as the file stores them. Colour files stay RGB.
"""

from __future__ import annotations

from collections import defaultdict

from modelcard.record.model import NearPair

from .images import DecodedImages

ISSUE_TYPES = ("dark", "light", "blurry", "low_information", "odd_aspect_ratio", "odd_size", "grayscale")
MAX_EXAMPLES = 6
#: File modes without colour: grey, grey with alpha, 16/32-bit grey, float grey, bilevel.
GRAY_FILE_MODES = frozenset({"L", "LA", "La", "I;16", "I;16L", "I;16B", "I;16N", "I", "F", "1"})


class _Images:
    """The torchvision-style view cleanvision accepts: item k is (PIL image, k).

    cleanvision reads the items in order, once per pass (image properties, then hashes), so the
    view streams them: a read of the next item takes it from `DecodedImages.rgb_stream`, decoded a
    bounded window ahead; any other read starts the stream again there. At most a window of
    decoded images is alive at once, whatever the number of images.
    """

    def __init__(self, images: DecodedImages, order: list[int]):
        self.images, self.order = images, order
        self._stream, self._next = None, -1

    def __len__(self) -> int:
        return len(self.order)

    def _as_cleanvision_sees(self, i: int, rgb):
        facts = self.images.facts[i]
        return rgb.convert("L") if facts is not None and facts.mode in GRAY_FILE_MODES else rgb

    def __getitem__(self, k: int):
        if self._stream is None or k != self._next:
            self.close()
            self._stream = self.images.rgb_stream(self.order[k:], self._as_cleanvision_sees)
        self._next = k + 1
        return next(self._stream), k

    def close(self) -> None:
        """Stop the stream (its decoding threads end)."""
        if self._stream is not None:
            self._stream.close()
        self._stream = None


def run_cleanvision(images: DecodedImages):
    """(Imagelab after find_issues, the entry index of each of its rows)."""
    import contextlib
    import io

    from cleanvision import Imagelab

    order = images.readable
    view = _Images(images, order)
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # its progress bars ignore verbose=False
            lab = Imagelab(torchvision_dataset=view, verbose=False)
            lab.find_issues(issue_types={t: {} for t in (*ISSUE_TYPES, "exact_duplicates", "near_duplicates")},
                            n_jobs=1, verbose=False)  # one process: the view streams, nothing is pickled
    finally:
        view.close()
    return lab, order


def quality_section(images: DecodedImages, lab, order: list[int]) -> dict:
    """Counts per issue type and split, and up to 6 examples per type (most severe first)."""
    import cleanvision

    splits = sorted({e.split for e in images.entries})
    counts = {s: dict.fromkeys(ISSUE_TYPES, 0) for s in splits}
    examples: dict[str, list[dict]] = {}
    issues = lab.issues
    for issue in ISSUE_TYPES:
        flag, score = f"is_{issue}_issue", f"{issue}_score"
        if flag not in issues:
            continue
        rows = [(float(issues[score].iloc[k]), images.entries[order[k]].relpath, k)
                for k in range(len(order)) if bool(issues[flag].iloc[k])]
        for _, _, k in rows:
            counts[images.entries[order[k]].split][issue] += 1
        examples[issue] = [{"path": rel, "split": images.entries[order[k]].split, "score": round(s, 6)}
                           for s, rel, k in sorted(rows)[:MAX_EXAMPLES]]
    return {"tool": f"cleanvision {cleanvision.__version__}", "issue_types": list(ISSUE_TYPES),
            "n_checked": len(order), "counts": counts, "examples": examples}


def _sets(lab, order: list[int], images: DecodedImages, issue: str) -> list[list[str]]:
    sets = (lab.info.get(issue) or {}).get("sets") or []
    return sorted(sorted(images.entries[order[k]].relpath for k in s) for s in sets)


def compare_duplicates(lab, order: list[int], images: DecodedImages, exact_groups: list[list[str]],
                       near_pairs: list[NearPair], near_threshold) -> dict:
    """cleanvision's duplicate sets next to the leakage guard's, and why they differ where they do.

    `exact_groups` are the guard's byte-identical files; `near_pairs` the record's
    `data.duplicates.near_pairs` (the guard's confirmed near duplicates).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for group in exact_groups:
        for other in group[1:]:
            union(group[0], other)
    for pair in near_pairs:
        union(pair.a, pair.b)
    cv_exact, cv_near = _sets(lab, order, images, "exact_duplicates"), _sets(lab, order, images, "near_duplicates")
    only_cleanvision = []
    for kind, sets in (("exact", cv_exact), ("near", cv_near)):
        for files in sets:
            if len({find(f) for f in files}) > 1:
                why = ("cleanvision hashes the decoded pixels (MD5); the guard hashes file bytes (sha256) and did not "
                       "confirm these files as near duplicates") if kind == "exact" else (
                       f"cleanvision groups equal 64-bit pHashes; the guard did not confirm them as near duplicates "
                       f"(its rule: pHash distance <= {near_threshold}, mirrored and flipped copies included)")
                only_cleanvision.append({"kind": kind, "files": files, "why": why})
    cv_parent = {f: tuple(s) for s in cv_exact + cv_near for f in s}
    only_guard = []
    for pair in near_pairs:
        found = cv_parent.get(pair.a) is not None and cv_parent.get(pair.a) == cv_parent.get(pair.b)
        if not found:
            why = ("a mirrored or flipped copy: cleanvision does not compare mirrored images"
                   if pair.kind in ("mirror", "flip") else
                   f"pHash distance {pair.distance}: cleanvision's near duplicates need identical pHashes")
            only_guard.append({"kind": "near", "files": [pair.a, pair.b], "why": why})
    for group in exact_groups:
        if len({cv_parent.get(f) for f in group}) > 1 or cv_parent.get(group[0]) is None:
            only_guard.append({"kind": "exact", "files": list(group),
                               "why": "byte-identical files that cleanvision did not group (it did not decode all of them)"})
    return {"cleanvision_exact": cv_exact, "cleanvision_near": cv_near, "agree": not only_cleanvision and not only_guard,
            "only_cleanvision": only_cleanvision, "only_guard": only_guard}


def exact_groups_of(entries_with_sha: list[tuple[str, str]]) -> list[list[str]]:
    """Groups of relative paths with equal sha256 (the guard's exact duplicates), sorted."""
    by_sha: dict[str, list[str]] = defaultdict(list)
    for rel, sha in entries_with_sha:
        by_sha[sha].append(rel)
    return sorted(sorted(g) for g in by_sha.values() if len(g) > 1)
