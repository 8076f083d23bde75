"""The documentation items `modelcard check --coverage` looks for.

Two references (`card.section_spec.REFERENCES`):
- `hf`: the sections of the Hugging Face model card template (huggingface_hub's
  modelcard_template.md). "Language(s) (NLP)" is left out: it does not apply to an image classifier.
- `annex_iv`: the technical documentation of Annex IV of the EU AI Act (Regulation (EU)
  2024/1689), points 1 to 9 with the sub-points that apply to an image classifier (1(f), photos
  of a product's physical layout, does not). Every wording here is a PARAPHRASE, never the
  legal text; `point` gives the source so a reader can look it up.

Each item (`card.section_spec.CoverageItem`) is registered by the card section that holds it
(`card/sections/<name>.py`, its `coverage`), with `where` (the place on the card), `measured` (the
names of probes its section registers: facts from the run record) and `human` (card.yaml keys).
What a model card cannot hold belongs to no section: it is listed here (`OUTSIDE`, with the
reason, shown as "human, outside the card", never as covered). `ITEMS` is all of them in order.
"""

from ..card.registry import REGISTRY
from ..card.section_spec import REFERENCES, CoverageItem

OUTSIDE = (
    CoverageItem("aiv.1b", "annex_iv", "1(b)",
                 "How it interacts with hardware or software (other AI systems included) outside itself",
                 outside="a property of the system the model is built into"),
    CoverageItem("aiv.1d", "annex_iv", "1(d)",
                 "Every form in which it is placed on the market or put into service (package, download, API, ...)",
                 outside="a distribution decision, not a property of the trained model"),
    CoverageItem("aiv.1g", "annex_iv", "1(g)", "The user interface offered to the deployer",
                 outside="the user interface is not part of the model"),
    CoverageItem("aiv.2f", "annex_iv", "2(f)",
                 "Changes to the system and its performance decided in advance, and how compliance is kept",
                 outside="a plan for future versions, kept by the provider"),
    CoverageItem("aiv.2g.logs", "annex_iv", "2(g)", "Dated test logs and reports signed by the people responsible",
                 outside="signatures and sign-off records are kept outside the card (the run record is the dated log)"),
    CoverageItem("aiv.2h", "annex_iv", "2(h)", "The cybersecurity measures in place",
                 outside="a property of the deployed system"),
    CoverageItem("aiv.5", "annex_iv", "5", "The risk management system",
                 outside="an organisational process (Article 9), documented by the provider"),
    CoverageItem("aiv.6", "annex_iv", "6", "Relevant changes made to the system over its lifecycle",
                 outside="a change log across versions (`modelcard diff` compares two runs)"),
    CoverageItem("aiv.7", "annex_iv", "7",
                 "Harmonised standards applied, or else the solutions adopted to meet the requirements",
                 outside="a compliance decision of the provider"),
    CoverageItem("aiv.8", "annex_iv", "8", "A copy of the EU declaration of conformity",
                 outside="a legal document signed by the provider"),
    CoverageItem("aiv.9", "annex_iv", "9",
                 "How performance is evaluated after release, with the post-market monitoring plan",
                 outside="post-market monitoring (Article 72) happens after release"),
)

ITEMS = REGISTRY.coverage_items(OUTSIDE)

__all__ = ["ITEMS", "OUTSIDE", "REFERENCES"]
