"""Citation, Glossary, More Information, Model Card Authors and Model Card Contact (human text,
card.yaml), with the glossary entries of the interval methods the run used."""

from __future__ import annotations

from ...record.model import RunRecord
from ..info import CardInfo
from ..parts import Closing
from ..section_spec import CoverageItem, Gap, Heading, SectionSpec


def closing(record: RunRecord, info: CardInfo) -> Closing:
    """The closing sections; `card.build` adds the glossary entries of the card's interval methods and terms
    of art (`card/glossary.py`) once every claim is known."""
    return Closing(bibtex=info.citation.bibtex, apa=info.citation.apa, glossary=dict(info.glossary),
                   more_information=info.more_information, authors=list(info.card_authors), contact=info.contact)


COVERAGE = (
    CoverageItem("hf.citation", "hf", "Citation", "How to cite the model (BibTeX, APA)", where="Citation",
                 human=("citation.bibtex", "citation.apa")),
    CoverageItem("hf.glossary", "hf", "Glossary", "Terms a reader may not know", where="Glossary",
                 human=("glossary",)),
    CoverageItem("hf.more_information", "hf", "More Information", "Anything else worth knowing",
                 where="More Information", human=("more_information",)),
    CoverageItem("hf.authors", "hf", "Model Card Authors", "Who wrote the card", where="Model Card Authors",
                 human=("card_authors",)),
    CoverageItem("hf.contact", "hf", "Model Card Contact", "Whom to contact about the model",
                 where="Model Card Contact", human=("contact",)),
)


SECTION = SectionSpec("closing", order=130, build=lambda x: closing(x.record, x.info), attr="closing", part=Closing,
                  headings=(Heading("Citation", ("citation.bibtex", "citation.apa")), Heading("Glossary", ("glossary",)),
                            Heading("More Information", ("more_information",)),
                            Heading("Model Card Authors", ("card_authors",)),
                            Heading("Model Card Contact", ("contact",))),
                  coverage=COVERAGE,
                  gaps={"citation.bibtex": Gap("Citation", lambda info, c: bool(info.citation.bibtex or info.citation.apa)),
                        "glossary": Gap("Glossary"), "more_information": Gap("More Information"),
                        "card_authors": Gap("Model Card Authors"), "contact": Gap("Model Card Contact")})
