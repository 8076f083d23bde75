"""Environmental Impact: hardware, hours, provider, region and emissions, each with how it is known."""

from __future__ import annotations

from ...record.model import Emissions, RunRecord
from .. import formatting as fmt
from ..info import CardInfo
from ..parts import EnvironmentalImpact, StatedValue
from ..section_spec import CoverageItem, Gap, Heading, SectionSpec
from .costs import run_costs
from .emission_claims import EmissionFigures, emission_figures


def environmental_impact(record: RunRecord, info: CardInfo) -> EnvironmentalImpact:
    em = record.emissions
    if em is not None and not em.to_dict():  # an empty section reads as no emissions at all
        em = None
    hw = record.hardware
    declared = info.environment
    how_em = "measured by codecarbon" if em is not None and em.measured else "estimated by codecarbon, see below"
    if hw is not None and hw.cpu_model:
        parts = [f"{hw.cpu_model} ({hw.cpu_count or '?'} cores)"]
        if hw.gpu_models:
            parts.append(", ".join(hw.gpu_models))
        if (hw.workers or 1) > 1:  # a multi-worker cluster: the chief's hardware
            parts.append(f"the chief of {hw.workers} workers")
        hardware = StatedValue(", ".join(parts), "measured by the hardware collector")
    else:
        hardware = _declared(declared.hardware_type)
    total = (record.training.timings or {}).get("total_s") if record.training is not None else None
    figures = emission_figures(record) if em is not None else None
    if figures is not None and figures.training is not None and em.cluster is None:
        hours = StatedValue(_scoped_text(figures, "duration", _hours), "measured by codecarbon")
    elif em is not None and em.duration_s is not None:
        hours = StatedValue(f"{em.duration_s / 3600:.3f} h ({fmt.seconds(em.duration_s)})", "measured by codecarbon")
    elif total:
        hours = StatedValue(f"{total / 3600:.3f} h ({fmt.seconds(total)})", "measured from the run timings")
    else:
        hours = StatedValue(None, "not recorded")
    provider = StatedValue(em.cloud_provider, "detected by codecarbon") if em is not None and em.cloud_provider else \
        _declared(declared.cloud_provider)
    if em is not None and em.cloud_region:
        region = StatedValue(em.cloud_region, "detected by codecarbon")
    elif declared.cloud_region:
        region = _declared(declared.cloud_region)
    elif em is not None and (em.country_iso_code or em.region):
        where = ", ".join(str(v) for v in (em.region, em.country_iso_code) if v)
        region = StatedValue(where, "country given to codecarbon for the grid carbon intensity")
    else:
        region = StatedValue(None, "not recorded")
    if em is not None and em.cluster:
        carbon = _cluster_carbon(em, how_em)
    elif figures is not None and figures.training is not None:
        carbon = StatedValue(_scoped_text(figures, "co2", lambda c: f"{fmt.sig(c.value)} g CO2eq"), how_em)
    elif em is not None and em.emissions_kg is not None:
        carbon = StatedValue(f"{fmt.sig(em.emissions_kg * 1000)} g CO2eq ({fmt.sig(em.emissions_kg)} kg)", how_em)
    else:
        carbon = StatedValue(None, "not recorded")
    return EnvironmentalImpact(hardware_type=hardware, hours_used=hours, cloud_provider=provider, cloud_region=region,
                               carbon_emitted=carbon, emissions=em,
                               measured=em.measured if em else None, method=em.method if em else None,
                               costs=run_costs(record), method_sentence=method_sentence(em) if em else None,
                               figures=figures)


def _hours(c) -> str:
    return f"{c.value / 3600:.3f} h ({fmt.seconds(c.value)})"


def _scoped_text(figures: EmissionFigures, name: str, show) -> str:
    """Training's figure first, then the whole command's, each with its scope, e.g. "0.155 g CO2eq for
    training: every phase except ...; 0.218 g CO2eq for the whole `modelcard train` command ..."."""
    training, run = getattr(figures.training, name), getattr(figures.run, name)
    return f"{show(training)} for {training.scope}; {show(run)} for {run.scope}"


def environment_claims(card) -> list:
    """The scoped energy, CO2 and duration figures (`emission_claims`)."""
    figures = card.environment.figures
    return figures.claims() if figures is not None else []


def method_sentence(em: Emissions) -> str:
    """How the emission figures were made, in one sentence that names the tool once and ends in one
    full stop, e.g. "These figures are ESTIMATES, not measurements, made by codecarbon 3.3.2
    OfflineEmissionsTracker (estimated, not metered; ...): ...; carbon intensity ... grid."."""
    tool = em.tool or "codecarbon"
    method = (em.method or "").strip().rstrip(".")
    opening = ("These figures were measured by " if em.measured
               else "These figures are ESTIMATES, not measurements, made by ")
    if not method:
        return f"{opening}{tool}."
    if method.startswith(tool):  # the method already begins with the tool and its version
        return f"{opening}{method}."
    return f"{opening}{tool}: {method}."


def _cluster_carbon(em: Emissions, how: str) -> StatedValue:
    """Carbon of a multi-worker run: the measured workers' sum, the chief's share, and which
    workers' energy was not measured (record `emissions.cluster`)."""
    cluster = em.cluster
    total, n, measured = cluster.emissions_kg, cluster.workers, cluster.workers_measured
    chief = em.emissions_kg
    text = f"{fmt.sig(total * 1000)} g CO2eq ({fmt.sig(total)} kg)" if total is not None else "not recorded"
    text += f", summed over {measured} of {n} workers"
    if chief is not None:
        text += f" (the chief: {fmt.sig(chief * 1000)} g; the phase figures are the chief's)"
    if measured < n:
        other = n - measured
        text += f"; the energy of {other} other worker{'s' if other > 1 else ''} was not measured"
    return StatedValue(text, how)


def _declared(value: str | None) -> StatedValue:
    return StatedValue(value, "declared in card.yaml: assumed, not measured") if value else StatedValue(None, "not recorded")


def stated(card, name: str) -> bool:
    """Does the card state Environmental Impact's `name` (measured, estimated or declared in card.yaml)?"""
    return getattr(card.environment, name).value is not None


def measured_fact(s: StatedValue) -> bool:
    """An Environmental Impact value that the run measured (or estimated), not one declared in card.yaml."""
    return s.value is not None and not s.how.startswith("declared")


COVERAGE = (
    CoverageItem("hf.hardware_type", "hf", "Environmental Impact / Hardware Type", "The hardware used to train",
                 where="Environmental Impact", measured=("env_hardware_type",), human=("environment.hardware_type",)),
    CoverageItem("hf.hours_used", "hf", "Environmental Impact / Hours used", "How long the compute ran",
                 where="Environmental Impact", measured=("env_hours_used",)),
    CoverageItem("hf.cloud_provider", "hf", "Environmental Impact / Cloud Provider", "The cloud provider, if any",
                 where="Environmental Impact", measured=("env_cloud_provider",),
                 human=("environment.cloud_provider",)),
    CoverageItem("hf.compute_region", "hf", "Environmental Impact / Compute Region", "Where the compute ran",
                 where="Environmental Impact", measured=("env_cloud_region",), human=("environment.cloud_region",)),
    CoverageItem("hf.carbon", "hf", "Environmental Impact / Carbon Emitted", "The CO2-equivalent emitted",
                 where="Environmental Impact", measured=("env_carbon",)),
)

SECTION = SectionSpec(
    "environment", order=110, build=lambda x: environmental_impact(x.record, x.info), attr="environment", part=EnvironmentalImpact,
    headings=(Heading("Environmental Impact", ("environment.hardware_type", "environment.cloud_provider",
                                               "environment.cloud_region"),
                      lambda c: any(measured_fact(s) for s in (
                          c.environment.hardware_type, c.environment.hours_used, c.environment.cloud_provider,
                          c.environment.cloud_region, c.environment.carbon_emitted))),),
    probes={"env_hardware_type": lambda c: measured_fact(c.environment.hardware_type),
            "env_hours_used": lambda c: measured_fact(c.environment.hours_used),
            "env_cloud_provider": lambda c: measured_fact(c.environment.cloud_provider),
            "env_cloud_region": lambda c: measured_fact(c.environment.cloud_region),
            "env_carbon": lambda c: measured_fact(c.environment.carbon_emitted)},
    coverage=COVERAGE, claims=environment_claims,
    gaps={"environment.hardware_type": Gap("Environmental Impact / Hardware type", lambda info, c: stated(c, "hardware_type")),
          "environment.cloud_provider": Gap("Environmental Impact / Cloud provider", lambda info, c: stated(c, "cloud_provider")),
          "environment.cloud_region": Gap("Environmental Impact / Compute region", lambda info, c: stated(c, "cloud_region"))})
