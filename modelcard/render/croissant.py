"""Export the data card as Croissant 1.1 JSON-LD with Responsible-AI fields (`<name>.croissant.json`).

MLCommons' Croissant describes a data set for ML tools; its RAI vocabulary carries the facts
a data card holds. What goes where:
- `distribution`: one FileSet for the image folder (one class folder per label) listing exactly
  the files the run used, with the folder's content hash (modelcard's sha-256 over the sorted
  per-file sha-256s) in its description, since a Croissant FileSet has no hash property of its
  own, and a FileObject for the run's `data_files.csv` (every file's sha256); runs that did not
  record the file list name no files (`croissant_files.py` says why);
- `recordSet` "images": the image (`content` of each file) and its class label (the file's
  class folder, by a regex on its path);
- `rai:dataCollection` (card.yaml `data.collection`) and `rai:personalSensitiveInformation`
  (card.yaml `data.consent`), or a sentence naming them as not provided;
- `rai:dataLimitations`: cleanvision's image-quality flags per split; `rai:dataBiases`: class
  imbalance per split and the measured slice gaps; `rai:dataAnnotationAnalysis`: cleanlab's
  estimated label errors with their Wilson interval; `rai:dataPreprocessingProtocol`: how the
  images were decoded and resized for the model.
Built from the typed DataCard and Card; validated in the suite by loading it with mlcroissant
(tests/test_croissant.py). Nothing here imports mlcroissant.
"""

from __future__ import annotations

import json
import re

from ..card.model import Card
from .croissant_files import distribution
from ..card.data_card import ISSUE_NAMES, DataCard

CROISSANT_SUFFIX = ".croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
CONTEXT = {
    "@language": "en", "@vocab": "https://schema.org/", "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/", "equivalentProperty": "cr:equivalentProperty",
    "samplingRate": "cr:samplingRate", "citeAs": "cr:citeAs", "column": "cr:column",
    "conformsTo": "dct:conformsTo", "containedIn": "cr:containedIn", "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"}, "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract", "field": "cr:field", "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes", "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath", "key": "cr:key", "md5": "cr:md5", "parentField": "cr:parentField", "path": "cr:path",
    "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex", "repeated": "cr:repeated",
    "replace": "cr:replace", "separator": "cr:separator", "source": "cr:source", "subField": "cr:subField",
    "transform": "cr:transform",
}
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "BMP": "image/bmp", "WEBP": "image/webp",
           "TIFF": "image/tiff"}


def _not_provided(key: str) -> str:
    return f"Not provided: add `{key}` to card.yaml."


def _encoding_formats(dc: DataCard) -> list[str]:
    """The MIME types of the files, from the data card's format counts (PNG and JPEG without them)."""
    found = set()
    for _, facts in dc.composition_splits():
        found |= {FORMATS[f] for f in (facts.get("formats") or {}) if f in FORMATS}
    return sorted(found) or ["image/jpeg", "image/png"]


def _limitations(dc: DataCard) -> str:
    if not dc.quality:
        return "Image quality was not measured for this run (no cleanvision counts in its record)."
    parts = []
    for split in dc.quality_splits():
        counts = dc.quality.counts[split]
        flagged = [f"{ISSUE_NAMES.get(k, k)} {v}" for k, v in counts.items() if v]
        parts.append(f"{split}: " + (", ".join(flagged) if flagged else "no image flagged"))
    return f"Image-quality flags from {dc.quality.tool} per split: " + "; ".join(parts) + "."


def _biases(dc: DataCard, card: Card) -> str:
    parts = []
    for name, n, counts in dc.splits:
        if counts:
            most, least = max(counts.items(), key=lambda kv: kv[1]), min(counts.items(), key=lambda kv: kv[1])
            parts.append(f"{name} ({n} images): largest class {most[0]} {most[1]}, smallest {least[0]} {least[1]}")
    text = "Class balance per split: " + "; ".join(parts) + "." if parts else "Class counts were not recorded."
    gaps = [r.text for r in card.risks.measured if r.rule == "slice gap"]  # the card's own risks, worded once
    if gaps:
        text += " Measured slice gaps (risks on the model card): " + " ".join(gaps)
    if dc.human.known_biases:
        text += f" Declared in card.yaml: {dc.human.known_biases}"
    return text


def _annotation(dc: DataCard) -> str:
    conflicts = (f" Certain label conflicts (the same image under different labels): {len(dc.label_conflicts)}, "
                 "listed on the data card." if dc.label_conflicts else "")
    if dc.label_issues_skipped:
        return "Label disagreements were not estimated (the run used --label-issues none)." + conflicts
    if not dc.label_issues:
        return "Label disagreements were not estimated for this run." + conflicts
    return ("cleanlab's label disagreements to review (not label errors until a person confirms them; 95% Wilson "
            "interval on the rate): "
            + "; ".join(dc.issue_lines()) + "." + conflicts)


def _preprocessing(card: Card) -> str:
    size = card.details.input_size
    steps = ["files decoded to RGB with 8 bits per channel (JPEG with the accurate integer DCT, as Pillow does; "
             "transparent parts composited onto white; other formats flattened to PNG first)"]
    if size:
        steps.append(f"resized to {size}x{size} pixels (bilinear, no antialiasing, no crop)")
    if card.training.preprocessing:
        steps.append(f"then the model's own preprocessing: {card.training.preprocessing}")
    return "; ".join(steps) + "."


def croissant_document(dc: DataCard, card: Card) -> dict:
    """The Croissant JSON-LD dict of the data card `dc` (beside model card `card`)."""
    data = dc.source
    formats = _encoding_formats(dc)
    files = distribution(dc, formats)
    # the label is the deepest folder of the path named like a class: a class folder, under
    # train/ val/ test/ or not, and the demo's nested Tux Paint folders (animals/mammals/apes/x.png)
    label_regex = "^(?:.*/)?(" + "|".join(re.escape(c) for c in data.class_names) + ")/"
    fields = [
        {"@type": "cr:Field", "@id": "images/image", "name": "image", "description": "The image file's content.",
         "dataType": "sc:ImageObject",
         "source": {"fileSet": {"@id": "image-files"}, "extract": {"fileProperty": "content"}}},
        {"@type": "cr:Field", "@id": "images/label", "name": "label",
         "description": f"The class: the deepest folder of the image's path named like a class, one of "
                        f"{', '.join(data.class_names)}.",
         "dataType": "sc:Text",
         "source": {"fileSet": {"@id": "image-files"}, "extract": {"fileProperty": "filepath"},
                    "transform": {"regex": label_regex}}},
    ]
    n = sum(n for _, n, _ in dc.splits)
    doc = {
        "@context": CONTEXT, "@type": "sc:Dataset", "conformsTo": CONFORMS_TO,
        "name": f"{dc.slug}-data",
        "description": (dc.human.description or data.description or f"The images of {dc.name}")
                       + f" ({n} images in {len(data.class_names)} classes; run {dc.run_id})."
                       + (f" {files.note}" if files.note else ""),
        "license": dc.license or _not_provided("data.license"),
        "url": f"{dc.slug}.data.html",
        "distribution": files.entries,
        "recordSet": [{"@type": "cr:RecordSet", "@id": "images", "name": "images",
                       "description": "One record per image: the image and its class label.", "field": fields}],
        "rai:dataCollection": dc.human.collection or _not_provided("data.collection"),
        "rai:personalSensitiveInformation": (f"From card.yaml `data.consent`: {dc.human.consent}" if dc.human.consent
                                             else _not_provided("data.consent")),
        "rai:dataLimitations": _limitations(dc),
        "rai:dataBiases": _biases(dc, card),
        "rai:dataAnnotationAnalysis": _annotation(dc),
        "rai:dataPreprocessingProtocol": _preprocessing(card),
    }
    if files.file_set is None:  # no file named, so no record can be read (the description says why)
        del doc["recordSet"]
    return doc


def dump_croissant(doc: dict) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
