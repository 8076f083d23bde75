"""Uses: intended direct and downstream uses and what is out of scope (all human text, card.yaml)."""

from __future__ import annotations

from ..info import CardInfo, Uses
from ..section_spec import CoverageItem, Gap, Heading, SectionSpec


def uses(info: CardInfo) -> Uses:
    """The card's Uses: a copy of card.yaml's `uses`."""
    return Uses(info.uses.direct, info.uses.downstream, info.uses.out_of_scope)


COVERAGE = (
    CoverageItem("hf.direct_use", "hf", "Uses / Direct Use", "What the model is meant to be used for as it is",
                 where="Uses", human=("uses.direct",)),
    CoverageItem("hf.downstream_use", "hf", "Uses / Downstream Use",
                 "How it can be fine-tuned or built into a larger system",
                 where="Uses", human=("uses.downstream",)),
    CoverageItem("hf.out_of_scope", "hf", "Uses / Out-of-Scope Use", "Misuse and uses the model will not work well for",
                 where="Uses", human=("uses.out_of_scope",)),
    CoverageItem("aiv.1a.purpose", "annex_iv", "1(a)", "What the system is intended for", where="Uses / Direct Use",
                 human=("uses.direct",)),
)


SECTION = SectionSpec("uses", order=50, build=lambda x: uses(x.info), attr="uses", part=Uses,
                  headings=(Heading("Uses", ("uses.direct", "uses.downstream", "uses.out_of_scope")),),
                  coverage=COVERAGE,
                  gaps={"uses.direct": Gap("Uses / Direct use"), "uses.downstream": Gap("Uses / Downstream use"),
                        "uses.out_of_scope": Gap("Uses / Out-of-scope use")})
