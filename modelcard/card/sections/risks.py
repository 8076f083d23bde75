"""Bias, Risks, and Limitations: the limitations the numbers themselves show."""

from __future__ import annotations

from ...record.model import RunRecord
from ..info import CardInfo
from ..parts import EvaluationResults, Risks, TrainingDetails
from ..section_spec import CoverageItem, Gap, Heading, SectionSpec
from .evaluation import unit_of
from .risk_rules import RiskInputs, measured_risks


def risks(record: RunRecord, info: CardInfo, training: TrainingDetails, evaluation: EvaluationResults) -> Risks:
    """Bias, Risks and Limitations: the human text with the limitations the numbers show (`risk_rules.RULES`)."""
    found = measured_risks(RiskInputs(record, training, evaluation, unit_of(record)))
    return Risks(info.bias_risks_limitations, found, info.recommendations)


COVERAGE = (
    CoverageItem("hf.bias_risks", "hf", "Bias, Risks, and Limitations",
                 "Known technical and social limitations and risks",
                 where="Bias, Risks, and Limitations", measured=("measured_risks",),
                 human=("bias_risks_limitations",)),
    CoverageItem("hf.recommendations", "hf", "Bias, Risks, and Limitations / Recommendations",
                 "What users should do about those risks",
                 where="Bias, Risks, and Limitations / Recommendations", human=("recommendations",)),
    CoverageItem("aiv.2b.tradeoffs", "annex_iv", "2(b)",
                 "Trade-offs made between technical options to meet the requirements",
                 where="Bias, Risks, and Limitations / Recommendations", human=("recommendations",)),
    CoverageItem("aiv.2e", "annex_iv", "2(e)",
                 "The human oversight needed, and what helps deployers interpret the outputs",
                 where="Bias, Risks, and Limitations / Recommendations", human=("recommendations",)),
    CoverageItem("aiv.3.risks", "annex_iv", "3",
                 "Foreseeable unintended outcomes and sources of risk (health, safety, fundamental rights, discrimination)",
                 where="Bias, Risks, and Limitations; Uses / Out-of-Scope Use",
                 human=("bias_risks_limitations", "uses.out_of_scope")),
    CoverageItem("aiv.3.oversight", "annex_iv", "3",
                 "Human oversight measures, including technical aids to interpret outputs",
                 where="Bias, Risks, and Limitations / Recommendations", human=("recommendations",)),
)

SECTION = SectionSpec(
    "risks", order=60, build=lambda x: risks(x.record, x.info, x.parts.training, x.parts.evaluation), attr="risks", part=Risks,
    needs=("training", "evaluation"),
    headings=(Heading("Bias, Risks, and Limitations", ("bias_risks_limitations", "recommendations"),
                      lambda c: bool(c.risks.measured)),),
    probes={"measured_risks": lambda c: bool(c.risks.measured)}, coverage=COVERAGE,
    claims=lambda c: c.risks.measured,
    gaps={"bias_risks_limitations": Gap("Bias, Risks and Limitations"),
          "recommendations": Gap("Bias, Risks and Limitations / Recommendations")})
