"""What each written file states, read back: the consistency check compares these with the card's claims.

Each reader takes the text of one output format and returns what it states about claims,
without importing any renderer: the Markdown card's tables and risk list, the YAML front
matter's model-index and CO2, the Hub's `.eval_results/*.yaml` entries (value, and the interval
their notes state), the MCT JSON's and the CycloneDX BOM's performance metrics, limitations and
energy, `meta.json`'s headline and the Croissant file's slice gaps.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml

from ..card.sections.emission_claims import TRAINING_SCOPE

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader when built with it: 10x faster


@dataclass(frozen=True)
class Stated:
    """One number as one file states it."""

    place: str                 # e.g. "front matter, model-index: test macro recall"
    slice: str                 # the claim's slice, e.g. "test" or "test/class=birds"
    quantity: str              # the claim's quantity, e.g. "recall_macro"
    value: float | None        # e.g. 0.9167
    low: float | None = None   # e.g. 0.822
    high: float | None = None  # e.g. 0.999
    method: str | None = None  # the interval's method in the card's words, e.g. "Wilson score interval"
    bounds: bool = True        # False: the place has no field for an interval (the Hub's model-index): value only
    decimals: int | None = None  # the bounds are stated rounded to this many decimals (e.g. 3 in eval results notes)


@dataclass
class FileFacts:
    """What one written file states: numbers, risk sentences, scopes and its plain text."""

    path: str                                              # e.g. "stamps.cdx.json"
    numbers: list[Stated] = field(default_factory=list)
    risks: list[str] | None = None                         # the risk sentences it lists; None: it lists none
    group_risks: list[tuple[str, str]] | None = None       # (group, sentence) of fairness assessments
    panel_risks: list[str] | None = None                   # the HTML scorecard's risk list; None: no panel
    decision: list[str] | None = None                      # the Decision sentences a machine format carries
    scopes: dict[str, tuple[float, str]] = field(default_factory=dict)  # figure -> (value, scope words)
    text: str = ""                                         # prose to scan (code blocks removed)
    prose: str = ""                                        # the text as a reader sees it: no tags, entities read,
    #                                                        spaces collapsed (HTML `code` loses its backticks)


def _float(value) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


#: The front matter's metric names (render/frontmatter.py HUB_METRICS) read back to quantities.
FRONT_MATTER_NAMES = {"accuracy": "accuracy", "balanced accuracy": "balanced_accuracy",
                      "top-5 accuracy": "top5_accuracy", "macro F1": "f1_macro", "macro precision": "precision_macro",
                      "macro recall": "recall_macro"}
_FM_NAME = re.compile(r"^(?P<set>\S+) (?P<name>.+)$")
#: The Hub's `co2_eq_emissions` is training's CO2 by its definition: the card's training scope.
HUB_CO2_SCOPE = TRAINING_SCOPE


def front_matter(path: str, text: str) -> FileFacts:
    """The YAML front matter of the Markdown card: model-index metrics (values: the Hub's model-index has no
    interval field) and co2_eq_emissions (training's, by the Hub's definition)."""
    facts = FileFacts(path=f"{path} (front matter)")
    match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    meta = yaml.load(match.group(1), Loader=_LOADER) if match else {}
    for model in meta.get("model-index") or []:
        for result in model.get("results") or []:
            for m in result.get("metrics") or []:
                name = _FM_NAME.match(m.get("name", ""))
                quantity = FRONT_MATTER_NAMES.get(name.group("name")) if name else None
                if quantity is None:
                    continue
                facts.numbers.append(Stated(f"front matter, model-index: {m.get('name')}", name.group("set"),
                                            quantity, _float(m.get("value")), bounds=False))
    co2 = meta.get("co2_eq_emissions") or {}
    if co2.get("emissions") is not None:
        facts.scopes["CO2 (g), co2_eq_emissions (training)"] = (float(co2["emissions"]), HUB_CO2_SCOPE)
    return facts


_NOTES = re.compile(r"^(?P<quantity>\w+) on the (?P<set>\S+) set of this run .*?; (?:\d+% CI (?P<low>[0-9.]+) to "
                    r"(?P<high>[0-9.]+) \((?P<method>.*)\)|no interval .*)$")


def eval_results(path: str, text: str) -> FileFacts:
    """A `.eval_results/*.yaml` file (the Hub's format): each entry's value, and the set, interval and method its
    notes name (rounded to 3 decimals there)."""
    facts = FileFacts(path=path, text=text)
    for i, entry in enumerate(yaml.load(text, Loader=_LOADER) or []):
        notes = _NOTES.match(str(entry.get("notes") or ""))
        if notes is None:
            facts.numbers.append(Stated(f"eval results entry {i}", "", "", _float(entry.get("value")), bounds=False))
            continue
        facts.numbers.append(Stated(f"eval results entry {i} ({notes.group('set')} {notes.group('quantity')})",
                                    notes.group("set"), notes.group("quantity"), _float(entry.get("value")),
                                    _float(notes.group("low")), _float(notes.group("high")), notes.group("method"),
                                    decimals=3))
    return facts


def mct(path: str, text: str) -> FileFacts:
    doc = json.loads(text)
    facts = FileFacts(path=path, text=text)
    for m in (doc.get("quantitative_analysis") or {}).get("performance_metrics") or []:
        ci = m.get("confidence_interval") or {}
        facts.numbers.append(Stated(f"MCT performance_metrics: {m.get('type')} on {m.get('slice')}", m.get("slice"),
                                    m.get("type"), _float(m.get("value")), _float(ci.get("lower_bound")),
                                    _float(ci.get("upper_bound")), ci.get("method")))
    limits = (doc.get("considerations") or {}).get("limitations") or []
    facts.risks = [x.get("description", "") for x in limits]
    facts.decision = [r.removeprefix("Decision: ") for r in facts.risks if r.startswith("Decision: ")]
    return facts


def cyclonedx(path: str, text: str) -> FileFacts:
    doc = json.loads(text)
    facts = FileFacts(path=path, text=text)
    model = next((c for c in doc.get("components") or [] if c.get("bom-ref") == "model"), {})
    card = model.get("modelCard") or {}
    for m in (card.get("quantitativeAnalysis") or {}).get("performanceMetrics") or []:
        ci = m.get("confidenceInterval") or {}
        facts.numbers.append(Stated(f"CycloneDX performanceMetrics: {m.get('type')} on {m.get('slice')}",
                                    m.get("slice"), m.get("type"), _float(m.get("value")),
                                    _float(ci.get("lowerBound")), _float(ci.get("upperBound"))))
    considerations = card.get("considerations") or {}
    facts.risks = list(considerations.get("technicalLimitations") or [])
    facts.decision = [p["value"] for p in model.get("properties") or [] if p.get("name") == "modelcard:decision"]
    facts.group_risks = [(a.get("groupAtRisk", ""), a.get("harms", ""))
                         for a in considerations.get("fairnessAssessments") or []]
    for e in (considerations.get("environmentalConsiderations") or {}).get("energyConsumptions") or []:
        props = {p["name"].removeprefix("modelcard:"): p["value"] for p in e.get("properties") or []}
        co2 = (e.get("co2CostEquivalent") or {}).get("value")
        if co2 is not None and e.get("activity") != "inference":
            facts.scopes[f"CO2 (g), activity {e.get('activity')}"] = (float(co2) * 1e6, props.get("scope", ""))
    return facts


def meta(path: str, text: str) -> FileFacts:
    doc = json.loads(text)
    facts = FileFacts(path=path, text=text)
    h = doc.get("headline")
    if h:
        facts.numbers.append(Stated("meta.json headline", h.get("set"), h.get("metric"), _float(h.get("value")),
                                    _float(h.get("ci_low")), _float(h.get("ci_high")), h.get("method")))
    return facts


def croissant(path: str, text: str) -> FileFacts:
    """The Croissant file: its text (the slice gaps it names are checked against the card's risks)."""
    return FileFacts(path=path, text=text)


_FENCE = re.compile(r"^```.*?^```\s*$", re.S | re.M)
_RISKS = re.compile(r"^Measured on this run:\n\n((?:- .*\n)+)", re.M)


def markdown(path: str, text: str) -> FileFacts:
    """The Markdown card without its front matter and code blocks; its risk list."""
    body = re.sub(r"^---\n.*?\n---\n", "", text, count=1, flags=re.S)
    prose = _FENCE.sub("", body)
    found = _RISKS.search(prose)
    risks = [line[2:] for line in found.group(1).splitlines()] if found else []
    import html

    return FileFacts(path=path, risks=risks, text=prose, prose=" ".join(html.unescape(prose).split()))


_PRE = re.compile(r"<(pre|script|style)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_RISK_LIST = re.compile(r"<p>Measured on this run:</p>\s*<ul>(.*?)</ul>", re.S)
_SCORECARD_RISKS = re.compile(r'<ul class="sc-risks">(.*?)</ul>', re.S)
_LI = re.compile(r"<li>(.*?)</li>", re.S)


def _items(html_list: str) -> list[str]:
    import html

    return [html.unescape(_TAG.sub("", item)).strip() for item in _LI.findall(html_list)]


def html_card(path: str, text: str) -> FileFacts:
    """The HTML card as plain text (tags, styles and code removed) and its two risk lists."""
    import html

    found = _RISK_LIST.search(text)
    panel = _SCORECARD_RISKS.search(text)
    facts = FileFacts(path=path, risks=_items(found.group(1)) if found else [],
                      text=html.unescape(_TAG.sub(" ", _PRE.sub(" ", text))),
                      prose=" ".join(html.unescape(_TAG.sub("", _PRE.sub(" ", text))).split()))
    if panel is not None:
        facts.panel_risks = _items(panel.group(1))
    return facts


#: Readers by the file name's ending (the longest match wins).
READERS = {".cdx.json": cyclonedx, ".yaml": eval_results, ".mct.json": mct, ".meta.json": meta, ".croissant.json": croissant,
           ".data.md": markdown, ".data.html": html_card, ".md": markdown, ".html": html_card}


def read_outputs(outputs: dict[str, str | bytes]) -> list[FileFacts]:
    """What every text output states (figures and images are not read); the Markdown card also gives its
    front matter."""
    found = []
    for rel, content in sorted(outputs.items()):
        if not isinstance(content, str) or rel.startswith("figures/"):
            continue
        ending = max((e for e in READERS if rel.endswith(e)), key=len, default=None)
        if ending is None or (ending == ".yaml" and ".eval_results/" not in rel):
            continue
        found.append(READERS[ending](rel, content))
        if ending == ".md":
            found.append(front_matter(rel, content))
    return found
